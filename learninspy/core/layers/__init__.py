"""Layers: operators with a forward pass, a backward pass and parameters.

One module per concept: ``base`` (the protocol), ``activation``, ``dense``, ``dropout``,
``noise`` (autoencoders' corruption and sparsity), ``normalization``, ``window``
(sliding-window geometry), ``convolution``, ``pooling`` and ``reshape``. Importing this package
registers every layer class, which loading a model relies on. The public API is
:mod:`learninspy.layers`.
"""

from learninspy.core.layers.activation import (
    SOFTMAX, Activation, Identity, LeakyReLU, LeCunnSigm, ReLU, Sigmoid, Softmax, Softplus, Tanh)
from learninspy.core.layers.base import Layer, layer_class, layer_classes
from learninspy.core.layers.convolution import Conv2D
from learninspy.core.layers.dense import Dense
from learninspy.core.layers.dropout import Dropout
from learninspy.core.layers.noise import KLSparsity, MaskingNoise
from learninspy.core.layers.normalization import BatchNormalization
from learninspy.core.layers.pooling import AvgPool2D, MaxPool2D
from learninspy.core.layers.reshape import Flatten, Reshape

__all__ = ["Layer", "Dense", "Activation", "Identity", "Tanh", "Sigmoid", "ReLU", "LeakyReLU",
           "Softplus", "LeCunnSigm", "Softmax", "Dropout", "MaskingNoise", "KLSparsity",
           "BatchNormalization", "Conv2D", "MaxPool2D", "AvgPool2D", "Flatten", "Reshape",
           "SOFTMAX", "layer_class", "layer_classes"]
