"""Fully connected layer with a fused activation: y = f(x W + b)."""

import numpy as np

from learninspy._internal.checks import positive_integer
from learninspy.core.layers.activation import SOFTMAX, FusedActivation
from learninspy.core.layers.base import Layer, reserve

__all__ = ["Dense", "initial_weights", "neural_layer_weights", "SOFTMAX"]


def initial_weights(fan_in, fan_out, init, rng, dtype, shape=None):
    """Weights drawn uniformly with the range suited to the activation.

    Args:
        fan_in, fan_out: inputs and outputs each weight connects (for a convolution, the
            kernel's area times its input or output channels).
        init: 'he' -- +-sqrt(6 / fan_in), variance 2 / fan_in (He et al. 2015), for ReLUs;
            'glorot' -- +-sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010), for tanh;
            'glorot4' -- four times the Glorot range, for the sigmoid.
        rng: numpy Generator (or RandomState).
        shape: shape of the array, (fan_in, fan_out) by default.
    """
    shape = shape or (fan_in, fan_out)
    reserve(shape, "weights")
    if init == "he":
        limit = np.sqrt(6.0 / fan_in)
    else:
        limit = np.sqrt(6.0 / (fan_in + fan_out)) * (4.0 if init == "glorot4" else 1.0)
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def neural_layer_weights(n_in, n_out, activation, rng, dtype):
    """The initial weights of a layer of neurons of learninspy 0.1's API, drawn as 0.1 drew them.

    One draw per layer, from ``rng`` (learninspy 0.1 used ``numpy.random.RandomState(seed)``),
    of a matrix of shape (n_out, n_in), 0.1's layout:

    * ``activation == 'Tanh'``: uniform in +-r, r = sqrt(6 / (n_in + n_out)) (Glorot & Bengio
      2010);
    * ``activation == 'Sigmoid'``: uniform in +-4 r;
    * any other activation: a standard normal draw times sqrt(2 / n_in) (He et al. 2015), i.e.
      mean 0 and variance 2 / n_in. 0.1's documentation calls this one "uniform"; its code drew
      it from a normal distribution, and so does this function.

    The matrix is then transposed to the (n_in, n_out) layout of :class:`Dense`, so that the
    same generator in the same state gives the weights learninspy 0.1 started from (in float64;
    rounded to ``dtype``). The bias is not drawn: it starts at zero.

    Args:
        n_in, n_out: the layer's inputs and outputs.
        activation: name of the activation the weights are drawn for.
        rng: numpy RandomState (0.1's generator) or Generator.
        dtype: dtype of the returned (n_in, n_out) array.
    """
    reserve((n_in, n_out), "weights")
    if activation in ("Tanh", "Sigmoid"):
        limit = np.sqrt(6.0 / (n_in + n_out)) * (4.0 if activation == "Sigmoid" else 1.0)
        drawn = rng.uniform(-limit, limit, size=(n_out, n_in))
    else:
        drawn = rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in)
    return np.ascontiguousarray(drawn.T, dtype=dtype)


class Dense(FusedActivation, Layer):
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
        self.units = positive_integer("units", units)
        self.activation = activation
        self._set_activation(activation)

    def build(self, input_shape, rng, dtype):
        if len(input_shape) != 1:
            raise ValueError(f"{self.describe()} takes examples with one axis, got shape "
                             f"{tuple(input_shape)}; add a Flatten layer before it")
        self.add_param("w", initial_weights(input_shape[0], self.units, self.weight_init, rng,
                                            dtype), regularize=True)
        self.add_param("b", self.new_array("b", (self.units,), 0, dtype))
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

    def backward(self, grad):
        return self.backward_preactivation(self._preactivation_grad(grad))

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
