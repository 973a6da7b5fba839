"""Activation layers: y = f(x) elementwise for every registered activation, and the softmax.

The same code also applies the activation *fused* at the end of a Dense or Conv2D layer
(``Dense(32, activation='ReLU')``): :class:`FusedActivation` is what both use, so an activation
behaves identically as a layer of its own or inside another.

There is one layer class per registered activation, named like it (``ReLU()``, ``Tanh()``, ...),
plus :class:`Softmax`; ``Activation(name)`` takes any registered name, including activations
registered after import.
"""

import numpy as np

from learninspy.core import activations
from learninspy.core.layers.base import Layer
from learninspy.core.loss import softmax, softmax_backward

__all__ = ["SOFTMAX", "FusedActivation", "Activation", "Identity", "Tanh", "Sigmoid", "ReLU",
           "LeakyReLU", "Softplus", "LeCunnSigm", "Softmax"]

#: Name of the softmax. It is not elementwise, so it is not in the activations registry;
#: layers and losses refer to it by this name.
SOFTMAX = "Softmax"


class FusedActivation:
    """Mixin for layers whose output is a = f(z): applies f and backpropagates through it.

    The layer sets ``self.activation`` (a registered name or 'Softmax') and calls
    :meth:`_set_activation`; then ``_activate(z)`` in ``forward`` and
    ``_preactivation_grad(grad)`` in ``backward``. In training, only the output a is kept
    when f' can be computed from it (ReLU, Tanh, Sigmoid, ...), else z too.
    """

    def _set_activation(self, activation):
        self._activation = None if activation == SOFTMAX else activations.get(activation)

    @property
    def output_activation(self):
        """Name of the activation producing the output, used to fuse it with the loss."""
        return SOFTMAX if self._activation is None else self._activation.name

    @property
    def weight_init(self):
        """Initialisation suited to the activation ('he', 'glorot' or 'glorot4')."""
        return "glorot" if self._activation is None else self._activation.init

    def _activate(self, z, training):
        """f(z), overwriting z when the activation can work in place."""
        act = self._activation
        if act is None:
            a = softmax(z, out=z)
        elif act.inplace is not None and act.output_derivative is not None:
            a = act.inplace(z)
        else:
            a = act.function(z)
            if training:
                self.cache["z"] = z
        if training:
            self.cache["a"] = a
        return a

    def _preactivation_grad(self, grad):
        """dLoss/dz from dLoss/da, overwriting ``grad`` where possible."""
        act, a = self._activation, self.cache["a"]
        if act is None:
            return softmax_backward(a, grad)
        if act.output_derivative is None or "z" in self.cache:
            return grad * act.derivative(self.cache["z"])
        derivative = act.output_derivative(a)
        if derivative is None:  # f'(z) == 1
            return grad
        return np.multiply(grad, derivative, out=grad if grad.flags.writeable else None)


class Activation(FusedActivation, Layer):
    """Applies an activation: y = f(x), elementwise, or the softmax over the last axis.

    Shapes: output shape = input shape, any shape; no parameters.

    Args:
        activation: name of a registered activation (see ``activations.names()``) or
            'Softmax'.
        name: optional name shown in summaries.
    """

    def __init__(self, activation, name=None):
        super().__init__(name)
        self.activation = activation
        self._set_activation(activation)

    def forward(self, x, training=False):
        z = self.buffer("z", x.shape, x.dtype) if training else np.empty_like(x)
        np.copyto(z, x)
        return self._activate(z, training)

    def backward(self, grad):
        return self._preactivation_grad(grad) if self.propagate_grad else None

    def backward_preactivation(self, grad_z):
        """Backward pass from dLoss/dx, when the loss is fused with this activation (e.g.
        cross-entropy after :class:`Softmax`): there is nothing left to do."""
        return grad_z if self.propagate_grad else None


def _activation_layer(activation):
    """The layer class applying ``activation``, named after it (``ReLU()``, ``Softmax()``)."""

    def __init__(self, name=None):
        Activation.__init__(self, activation, name)

    where = "over the last axis" if activation == SOFTMAX else "elementwise"
    doc = (f"Applies {activation}: y = {activation}(x), {where}.\n\n"
           "    Shapes: output shape = input shape; no parameters.\n")
    return type(activation, (Activation,), {"__init__": __init__, "__doc__": doc,
                                           "__module__": __name__})


Identity = _activation_layer("Identity")
Tanh = _activation_layer("Tanh")
Sigmoid = _activation_layer("Sigmoid")
ReLU = _activation_layer("ReLU")
LeakyReLU = _activation_layer("LeakyReLU")
Softplus = _activation_layer("Softplus")
LeCunnSigm = _activation_layer("LeCunnSigm")
Softmax = _activation_layer(SOFTMAX)
