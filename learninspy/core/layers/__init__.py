"""Layers: operators with a forward pass, a backward pass and parameters."""

from learninspy.core.layers.base import Layer, layer_class, layer_classes
from learninspy.core.layers.dense import SOFTMAX, Dense
from learninspy.core.layers.dropout import Dropout

__all__ = ["Layer", "Dense", "Dropout", "SOFTMAX", "layer_class", "layer_classes"]
