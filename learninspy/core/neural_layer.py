"""A layer of neurons as learninspy 0.1's API has it: synaptic weights W and bias b with an
activation, a = f(x W + b) -- a Dense layer with the operations 0.1 offered (its own
output, norms, updates and arithmetic), each done by the code the rest of learninspy runs."""

import numpy as np

from learninspy._internal.checks import positive_integer
from learninspy.core.layers.dense import SOFTMAX, Dense, neural_layer_weights
from learninspy.core.loss import softmax_backward
from learninspy.core.neurons import LocalNeurons

__all__ = ["NeuralLayer", "ClassificationLayer", "RegressionLayer"]


class NeuralLayer(Dense):
    """A layer of neurons: synaptic weights W and bias b, and an activation f: a = f(x W + b).

    The initial weights are drawn as learninspy 0.1 drew them (see
    :func:`~learninspy.core.layers.dense.neural_layer_weights`): one (n_out, n_in) draw from
    ``rng``, transposed to W's (n_in, n_out) layout --

    * for Tanh, uniform in +-sqrt(6 / (n_in + n_out)) (Glorot & Bengio 2010);
    * for Sigmoid, uniform in +-4 sqrt(6 / (n_in + n_out));
    * for any other activation, normal with mean 0 and variance 2 / n_in (He et al. 2015),
      which suits ReLUs.

    The bias starts at zero. So ``NeuralLayer(n_in, n_out, activation,
    rng=np.random.RandomState(seed))`` starts from 0.1's weights for that seed.

    Args:
        n_in: int, input dimension.
        n_out: int, output dimension.
        activation: key of an activation of ``activations``.
        distributed: kept for compatibility; distributed arrays are not implemented, so it has
            no effect.
        w: optional (n_in, n_out) weight matrix (ndarray or LocalNeurons).
        b: optional (n_out,) bias vector.
        rng: optional numpy RandomState or Generator for the initial weights
            (``RandomState(123)`` if None, as in learninspy 0.1).
        dtype: optional dtype of W and b (default: that of ``w``, else float32).

    >>> layer = NeuralLayer(10, 5, activation='Tanh')
    >>> out = layer.output(np.random.default_rng(0).random(10))
    >>> len(out)
    5
    """

    def __init__(self, n_in, n_out, activation="ReLU", distributed=False, w=None, b=None,
                 rng=None, *, dtype=None):
        super().__init__(n_out, activation)
        self.n_in = positive_integer("n_in", n_in)
        self.n_out, self.distributed = int(n_out), distributed
        if dtype is not None:
            dtype = np.dtype(dtype)
        elif w is not None:
            dtype = np.asarray(w.matrix if isinstance(w, LocalNeurons) else w).dtype
        else:
            dtype = np.dtype(np.float32)
        if dtype.kind != "f":
            dtype = np.dtype(np.float32)
        self.ensure_built((self.n_in,), rng if rng is not None else np.random.RandomState(123),
                          dtype)
        for name, value, shape in (("w", w, (self.n_in, self.n_out)), ("b", b, (self.n_out,))):
            if value is not None:
                value = np.asarray(value.matrix if isinstance(value, LocalNeurons) else value)
                if value.size != int(np.prod(shape)):
                    raise ValueError(f"{name} must have shape {shape}, got {value.shape}")
                self.params[name][...] = value.reshape(shape)

    def build(self, input_shape, rng, dtype):
        if len(input_shape) != 1:
            raise ValueError(f"{self.describe()} takes examples with one axis, got shape "
                             f"{tuple(input_shape)}")
        drawn_for = getattr(self, "_drawn_for", self.activation)
        self.add_param("w", neural_layer_weights(input_shape[0], self.units, drawn_for, rng,
                                                 dtype), regularize=True)
        self.add_param("b", self.new_array("b", (self.units,), 0, dtype))
        return (self.units,)

    def get_config(self):
        return {"n_in": self.n_in, "n_out": self.n_out, "activation": self.activation,
                "distributed": self.distributed}

    @property
    def weights(self):
        """The weight matrix W, (n_in, n_out), as LocalNeurons (a view: changes apply)."""
        return LocalNeurons(self.params["w"])

    @property
    def bias(self):
        """The bias vector b, (n_out,), as LocalNeurons."""
        return LocalNeurons(self.params["b"])

    def get_weights(self):
        return self.weights

    def get_bias(self):
        return self.bias

    def output(self, x, grad=False):
        """Output a = f(x W + b) for one input vector or a batch of rows: the layer's own
        forward pass.

        Args:
            x: numpy.ndarray, (n_in,) or (n, n_in).
            grad: also return the derivative of the activation: f'(x W + b) elementwise, or
                for the softmax its full Jacobian, (n_out, n_out) per example.

        Returns:
            numpy.ndarray, or a pair of them when ``grad`` is True.
        """
        x = np.asarray(x, dtype=self.params["w"].dtype)
        batch = x.reshape(1, -1) if x.ndim == 1 else x
        if not grad:
            a = self.forward(batch)
            return a[0] if x.ndim == 1 else a
        a = self.forward(batch, training=True).copy()
        if self._activation is None:
            derivative = softmax_backward(a[:, None, :], np.eye(self.n_out, dtype=a.dtype))
        else:  # dLoss/dz for dLoss/da = 1 is f'(z)
            derivative = self._preactivation_grad(np.ones_like(a)).copy()
        return (a[0], derivative[0]) if x.ndim == 1 else (a, derivative)

    def update(self, step_w, step_b):
        """Add ``step_w`` to W and ``step_b`` to b."""
        self.params["w"] += np.asarray(step_w.matrix if isinstance(step_w, LocalNeurons)
                                       else step_w).reshape(self.params["w"].shape)
        self.params["b"] += np.asarray(step_b.matrix if isinstance(step_b, LocalNeurons)
                                       else step_b).reshape(self.params["b"].shape)

    def l1(self):
        """L1 norm of W and its gradient (see LocalNeurons.l1)."""
        return self.weights.l1()

    def l2(self):
        """Half the squared L2 norm of W and its gradient (see LocalNeurons.l2)."""
        return self.weights.l2()

    def _combined(self, other, op):
        result = type(self)(self.n_in, self.n_out, self.activation, self.distributed)
        for name in ("w", "b"):
            other_value = other.params[name] if isinstance(other, NeuralLayer) else other
            result.params[name][...] = op(self.params[name], other_value)
        return result

    def __add__(self, other):
        return self._combined(other, np.add)

    def __mul__(self, other):
        return self._combined(other, np.multiply)

    def __truediv__(self, other):
        return self._combined(other, np.true_divide)


class ClassificationLayer(NeuralLayer):
    """Output layer of a classification network: its activation is the softmax.

    ``activation`` only chooses how the initial weights are drawn, as in learninspy 0.1 (a
    NeuralNetwork passes the activation of the layer below); the output is always the softmax.
    """

    def __init__(self, n_in, n_out, activation=SOFTMAX, distributed=False, w=None, b=None,
                 rng=None, *, dtype=None):
        self._drawn_for = activation
        super().__init__(n_in, n_out, SOFTMAX, distributed, w, b, rng, dtype=dtype)


class RegressionLayer(NeuralLayer):
    """Output layer of a regression network: its activation's output is the network's output.

    Dropout is not recommended in regression networks.
    """
