"""Layers used to train autoencoders: input corruption and an activity-sparsity penalty."""

import numpy as np

from learninspy._internal.checks import number
from learninspy.core.layers.base import Layer
from learninspy.core.layers.dropout import check_ratio

__all__ = ["MaskingNoise", "KLSparsity"]


class MaskingNoise(Layer):
    """Masking noise of a denoising autoencoder (Vincent et al., 2008): in training each input
    is set to 0 with probability ``level``, without rescaling the others; the network must then
    reconstruct the clean input. Nothing changes at inference.

    Shapes: output shape = input shape.

    Args:
        level: float in [0, 1), the fraction of inputs corrupted.
    """

    def __init__(self, level, name=None):
        super().__init__(name)
        self.level = check_ratio(level, "corruption level")

    def forward(self, x, training=False):
        if not training or self.level == 0.0:
            return x
        mask = self.random_generator().random(x.shape, dtype=x.dtype) >= self.level
        self.cache["mask"] = mask
        return np.multiply(x, mask, out=self.buffer("y", x.shape, x.dtype))

    def backward(self, grad):
        return grad * self.cache["mask"] if self.level else grad


class KLSparsity(Layer):
    """Sparsity penalty on the activations of the layer before it (Ng, "Sparse autoencoder"):
    strength * sum_j KL(target || mean activation of unit j over the batch). The activations
    must lie in (0, 1), as a sigmoid's do. The layer passes its input through unchanged; in
    training it adds the penalty's gradient and exposes the penalty as ``penalty``, which the
    model adds to its cost.

    Shapes: output shape = input shape.

    Args:
        strength: float > 0, weight of the penalty.
        target: float in (0, 1), the desired mean activation of every unit.
    """

    _EPS = 1e-6

    def __init__(self, strength, target=0.05, name=None):
        super().__init__(name)
        self.strength = number("sparsity strength", strength, "> 0", lambda v: v > 0)
        self.target = number("sparsity target", target, "in (0, 1)", lambda v: 0 < v < 1)
        self.penalty = 0.0

    def forward(self, x, training=False):
        if training:
            mean = np.clip(x.mean(axis=0), self._EPS, 1.0 - self._EPS)
            rho = self.target
            self.cache.update(mean=mean, rows=len(x))
            self.penalty = self.strength * float(np.sum(
                rho * np.log(rho / mean) + (1 - rho) * np.log((1 - rho) / (1 - mean))))
        return x

    def backward(self, grad):
        mean, rows, rho = self.cache["mean"], self.cache["rows"], self.target
        return grad + (self.strength / rows) * (-rho / mean + (1 - rho) / (1 - mean))
