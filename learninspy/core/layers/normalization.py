"""Batch normalization (Ioffe & Szegedy, 2015)."""

import numpy as np

from learninspy._internal.checks import number
from learninspy.core.layers.base import Layer

__all__ = ["BatchNormalization"]


class BatchNormalization(Layer):
    """Normalizes each feature over the batch, then scales and shifts it:
    y = gamma (x - mean) / sqrt(var + epsilon) + beta.

    In training, mean and var are the batch's own (biased variance), and the running
    statistics move towards them: running = momentum * running + (1 - momentum) * batch value
    (Keras's convention; PyTorch's ``momentum`` is 1 minus this one). At inference the running
    statistics replace the batch's, so a prediction does not depend on the rest of its batch.

    The running statistics are the layer's non-trainable ``state``: they are saved with the
    model, and ``fit`` averages them across replicas with the same weights as the parameters.
    Like Keras, summaries count them as non-trainable parameters (4 values per feature in all).

    Shapes: input (n, ..., features), any rank, normalized per feature = last axis (per
    channel for images); output the same; gamma and beta (features,), trainable;
    moving_mean and moving_variance (features,), non-trainable.

    Args:
        momentum: float in [0, 1), weight of the old running statistics (default 0.99).
        epsilon: float > 0 added to the variance (default 0.001, as in Keras).
        name: optional name shown in summaries.
    """

    def __init__(self, momentum=0.99, epsilon=1e-3, name=None):
        super().__init__(name)
        number("momentum", momentum, "a number in [0, 1)", lambda v: 0 <= v < 1)
        number("epsilon", epsilon, "a number > 0", lambda v: v > 0)
        self.momentum, self.epsilon = momentum, epsilon

    def build(self, input_shape, rng, dtype):
        features = input_shape[-1]
        for add, name, fill in ((self.add_param, "gamma", 1), (self.add_param, "beta", 0),
                                (self.add_state, "moving_mean", 0),
                                (self.add_state, "moving_variance", 1)):
            add(name, self.new_array(name, (features,), fill, dtype))
        return input_shape

    def forward(self, x, training=False):
        rows = x.reshape(-1, x.shape[-1])  # one row per (example, pixel)
        gamma, beta = self.params["gamma"], self.params["beta"]
        if not training:
            scale = gamma / np.sqrt(self.state["moving_variance"] + x.dtype.type(self.epsilon))
            return (rows * scale + (beta - self.state["moving_mean"] * scale)).reshape(x.shape)
        mean = rows.mean(axis=0)
        normalized = np.subtract(rows, mean, out=self.buffer("normalized", rows.shape, x.dtype))
        variance = np.einsum("ij,ij->j", normalized, normalized) / len(rows)
        inverse_std = 1.0 / np.sqrt(variance + x.dtype.type(self.epsilon))
        normalized *= inverse_std
        keep = x.dtype.type(self.momentum)
        for name, batch_value in (("moving_mean", mean), ("moving_variance", variance)):
            running = self.state[name]
            running *= keep
            running += (1 - keep) * batch_value
        self.cache["normalized"], self.cache["inverse_std"] = normalized, inverse_std
        y = np.multiply(normalized, gamma, out=self.buffer("y", rows.shape, x.dtype))
        y += beta
        return y.reshape(x.shape)

    def backward(self, grad):
        rows = grad.reshape(-1, grad.shape[-1])
        normalized = self.cache["normalized"]
        np.sum(rows, axis=0, out=self.grads["beta"])
        np.einsum("ij,ij->j", rows, normalized, out=self.grads["gamma"])
        if not self.propagate_grad:
            return None
        # dx = gamma / std * (g - mean(g) - normalized * mean(g * normalized)), per feature
        m = len(rows)
        dx = normalized * (self.grads["gamma"] / m)
        dx += self.grads["beta"] / m
        np.subtract(rows, dx, out=dx)
        dx *= self.params["gamma"] * self.cache["inverse_std"]
        return dx.reshape(grad.shape)
