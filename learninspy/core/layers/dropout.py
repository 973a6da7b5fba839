"""Inverted dropout (Srivastava et al., 2014)."""

import numpy as np

from learninspy._internal.checks import ratio
from learninspy.core.layers.base import Layer

__all__ = ["Dropout", "check_ratio", "inverted_dropout_mask"]


def check_ratio(rate, what="dropout ratio"):
    """``rate`` as a float, or an error unless 0 <= rate < 1."""
    return ratio(what, rate)


def inverted_dropout_mask(rng, shape, rate, dtype, out=None):
    """The mask of inverted dropout: 1 / (1 - rate) where an element is kept, 0 where it is
    dropped, each dropped with probability ``rate``.

    Args:
        rng: numpy Generator.
        out: optional array of ``shape`` and ``dtype`` to draw into.
    """
    keep = 1.0 - rate
    # floor(u + keep) is 1 exactly when u >= rate, for u uniform in [0, 1).
    mask = rng.random(shape, dtype=dtype, out=out)
    mask += keep
    np.floor(mask, out=mask)
    mask *= 1.0 / keep
    return mask


class Dropout(Layer):
    """Zeroes each input with probability ``rate`` in training and scales the survivors by
    1 / (1 - rate), so nothing changes at inference. A fresh mask is drawn at every step.

    Shapes: output shape = input shape.

    Args:
        rate: float in [0, 1), the probability of dropping an input.
    """

    def __init__(self, rate, name=None):
        super().__init__(name)
        self.rate = check_ratio(rate)

    def forward(self, x, training=False):
        if not training or self.rate == 0.0:
            return x
        mask = inverted_dropout_mask(self.random_generator(), x.shape, self.rate, x.dtype,
                                     out=self.buffer("mask", x.shape, x.dtype))
        self.cache["mask"] = mask
        return np.multiply(x, mask, out=self.buffer("y", x.shape, x.dtype))

    def backward(self, grad):
        if self.rate == 0.0:
            return grad
        return np.multiply(grad, self.cache["mask"], out=grad if grad.flags.writeable else None)
