"""Layers that change the shape of the examples, not their values."""

import numpy as np

from learninspy._internal.checks import is_integer
from learninspy.core.layers.base import Layer

__all__ = ["Flatten", "Reshape"]


class Flatten(Layer):
    """Flattens each example to one axis, e.g. feature maps to the input of a Dense layer.

    Shapes: input (n, d1, d2, ...), output (n, d1 * d2 * ...); no parameters.
    """

    def build(self, input_shape, rng, dtype):
        return (int(np.prod(input_shape)),)

    def forward(self, x, training=False):
        return x.reshape(len(x), -1)

    def backward(self, grad):
        return grad.reshape((len(grad),) + self.input_shape) if self.propagate_grad else None


class Reshape(Layer):
    """Gives each example a new shape with the same number of values, e.g. rows of 784
    pixels to 28x28 images with one channel: ``Reshape((28, 28, 1))``.

    Shapes: input (n, *input_shape), output (n, *target_shape); no parameters.

    Args:
        target_shape: tuple of positive ints, the shape of one output example; one entry
            may be -1, inferred from the others.
        name: optional name shown in summaries.
    """

    def __init__(self, target_shape, name=None):
        super().__init__(name)
        shape = list(target_shape) if isinstance(target_shape, (tuple, list)) else None
        if not shape or any(not is_integer(d) or (d < 1 and d != -1) for d in shape) \
                or shape.count(-1) > 1:
            raise ValueError("target_shape must be a tuple of positive integers, one of which "
                             f"may be -1, got {target_shape!r}")
        self.target_shape = target_shape

    def build(self, input_shape, rng, dtype):
        size, shape = int(np.prod(input_shape)), [int(d) for d in self.target_shape]
        known = int(np.prod([d for d in shape if d != -1]))
        if -1 in shape and size % known == 0:
            shape[shape.index(-1)] = size // known
        if int(np.prod(shape)) != size:
            raise ValueError(f"{self.describe()} cannot turn examples of shape "
                             f"{tuple(input_shape)} ({size} values) into shape "
                             f"{tuple(self.target_shape)}")
        return tuple(shape)

    def forward(self, x, training=False):
        return x.reshape((len(x),) + self.output_shape)

    def backward(self, grad):
        return grad.reshape((len(grad),) + self.input_shape) if self.propagate_grad else None
