"""The layer API: compose a network from layers and train it like any learninspy model.

::

    from learninspy.layers import Sequential, Dense, BatchNormalization, Dropout

    model = Sequential([Dense(32, "ReLU"), BatchNormalization(),
                        Dense(16, "ReLU"), BatchNormalization(), Dropout(0.2),
                        Dense(1)], loss="MSE", input_shape=(13,))
    model.summary()
    model.fit(train, valid, ...)     # the same fit as NeuralNetwork's, on every engine

Each layer documents its shapes. Images are channels-last, (n, height, width, channels).
A new operator is a subclass of :class:`Layer` with ``build``, ``forward`` and ``backward``
(see :mod:`learninspy.core.layers.base`); it then works everywhere, as these do. The layers
live in :mod:`learninspy.core.layers`, one module per concept; this module gathers them with
:class:`Sequential`, the model that stacks them.
"""

from learninspy.core.layers import (
    Activation, AvgPool2D, BatchNormalization, Conv2D, Dense, Dropout, Flatten, Identity,
    KLSparsity, Layer, LeakyReLU, LeCunnSigm, MaskingNoise, MaxPool2D, ReLU, Reshape, Sigmoid,
    Softmax, Softplus, Tanh, layer_class, layer_classes)
from learninspy.core.sequential import Sequential

__all__ = ["Sequential", "Layer", "Dense", "Activation", "Identity", "Tanh", "Sigmoid", "ReLU",
           "LeakyReLU", "Softplus", "LeCunnSigm", "Softmax", "Dropout", "MaskingNoise",
           "KLSparsity", "BatchNormalization", "Conv2D", "MaxPool2D", "AvgPool2D", "Flatten",
           "Reshape", "layer_class", "layer_classes"]
