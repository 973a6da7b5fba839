"""Inverted dropout (Srivastava et al., 2014)."""

import numpy as np

from learninspy.core.layers.base import Layer

__all__ = ["Dropout", "check_ratio"]


def check_ratio(rate, what="dropout ratio"):
    """``rate`` as a float, or a ValueError unless 0 <= rate < 1."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating, np.integer)):
        raise TypeError(f"{what} must be a number in [0, 1), got {rate!r}")
    if not 0 <= rate < 1:
        raise ValueError(f"{what} must be in [0, 1), got {rate!r}")
    return float(rate)


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
        if self.rng is None:
            self.rng = np.random.default_rng()
        keep = 1.0 - self.rate
        # floor(u + keep) is 1 exactly when u >= rate, for u uniform in [0, 1).
        mask = self.rng.random(x.shape, dtype=x.dtype, out=self.buffer("mask", x.shape, x.dtype))
        mask += keep
        np.floor(mask, out=mask)
        mask *= 1.0 / keep
        self.cache["mask"] = mask
        return np.multiply(x, mask, out=self.buffer("y", x.shape, x.dtype))

    def backward(self, grad):
        if self.rate == 0.0:
            return grad
        return np.multiply(grad, self.cache["mask"], out=grad if grad.flags.writeable else None)
