"""Fully connected layer with a fused activation: y = f(x W + b)."""

import numpy as np

from learninspy.core import activations
from learninspy.core.layers.base import Layer

__all__ = ["Dense", "initial_weights", "SOFTMAX"]

#: Name of the softmax output activation. It is not elementwise, so it is not in the
#: activations registry; layers and losses refer to it by this name.
SOFTMAX = "Softmax"


def initial_weights(n_in, n_out, init, rng, dtype):
    """A (n_in, n_out) matrix drawn uniformly with the range suited to the activation.

    Args:
        init: 'he' -- +-sqrt(6 / n_in), variance 2 / n_in (He et al. 2015), good for ReLUs;
            'glorot' -- +-sqrt(6 / (n_in + n_out)) (Glorot & Bengio 2010), for tanh;
            'glorot4' -- four times the Glorot range, for the sigmoid.
        rng: numpy Generator (or RandomState).
    """
    if init == "he":
        limit = np.sqrt(6.0 / n_in)
    else:
        limit = np.sqrt(6.0 / (n_in + n_out)) * (4.0 if init == "glorot4" else 1.0)
    return rng.uniform(-limit, limit, size=(n_in, n_out)).astype(dtype)


def _softmax_inplace(z):
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


class Dense(Layer):
    """Fully connected layer, y = f(x W + b).

    Shapes: input (n, n_in), W (n_in, n_out), b (n_out,), output (n, n_out).

    Args:
        units: int, number of outputs n_out.
        activation: name of a registered activation (see ``activations.names()``), or
            'Softmax' for a classification output.
        name: optional name shown in summaries.
    """

    def __init__(self, units, activation="Identity", name=None):
        super().__init__(name)
        if isinstance(units, bool) or int(units) != units or units < 1:
            raise ValueError(f"units must be a positive integer, got {units!r}")
        self.units = int(units)
        self.activation = activation
        self._activation = None if activation == SOFTMAX else activations.get(activation)

    @property
    def output_activation(self):
        """Name of the activation producing the output, used to fuse it with the loss."""
        return self.activation if self._activation is None else self._activation.name

    def build(self, input_shape, rng, dtype):
        if len(input_shape) != 1:
            raise ValueError(f"{self.describe()} takes examples with one axis, got shape "
                             f"{tuple(input_shape)}; add a Flatten layer before it")
        init = "glorot" if self._activation is None else self._activation.init
        self.add_param("w", initial_weights(input_shape[0], self.units, init, rng, dtype),
                       regularize=True)
        self.add_param("b", np.zeros(self.units, dtype=dtype))
        return (self.units,)

    def forward(self, x, training=False):
        w = self.params["w"]
        if training:
            z = np.matmul(x, w, out=self.buffer("z", (x.shape[0], self.units), w.dtype))
            self.cache["x"] = x
        else:
            z = x @ w
        z += self.params["b"]
        return self._activate(z, training)

    def _activate(self, z, training):
        act = self._activation
        if act is None:
            a = _softmax_inplace(z)
        elif act.inplace is not None and act.output_derivative is not None:
            a = act.inplace(z)
        else:
            a = act.function(z)
            if training:
                self.cache["z"] = z
        if training:
            self.cache["a"] = a
        return a

    def backward(self, grad):
        return self.backward_preactivation(self._preactivation_grad(grad))

    def _preactivation_grad(self, grad):
        """dLoss/dz from dLoss/da."""
        act, a = self._activation, self.cache["a"]
        if act is None:  # softmax Jacobian: a * (g - sum(g * a))
            return a * (grad - (grad * a).sum(axis=1, keepdims=True))
        if act.output_derivative is None or "z" in self.cache:
            return grad * act.derivative(self.cache["z"])
        derivative = act.output_derivative(a)
        if derivative is None:  # f'(z) == 1
            return grad
        return np.multiply(grad, derivative, out=grad if grad.flags.writeable else None)

    def backward_preactivation(self, grad_z):
        """Backward pass from dLoss/dz, z = x W + b: used directly when the loss is fused with
        the activation (softmax and cross-entropy)."""
        x = self.cache["x"]
        np.matmul(x.T, grad_z, out=self.grads["w"])
        np.sum(grad_z, axis=0, out=self.grads["b"])
        if not self.propagate_grad:
            return None
        w = self.params["w"]
        return np.matmul(grad_z, w.T, out=self.buffer("dx", x.shape, w.dtype))
