"""Activation functions and their derivatives.

Each activation is one :class:`Activation` record pairing a function with its derivative, kept
in a single registry under a name ('ReLU', 'Tanh', ...). The dicts ``fun_activation`` and
``fun_activation_d`` of learninspy 0.1's API are views of that registry, so they can never
drift apart.

Adding an activation takes one function, its derivative (underscore-prefixed, not part of the
API) and one ``register`` call::

    def _cube_derivative(z):
        return 3.0 * z ** 2

    @register("Cube", derivative=_cube_derivative)
    def cube(z):
        return z ** 3

or, as learninspy 0.1 did it, two dictionary entries::

    fun_activation["Cube"] = cube
    fun_activation_d["Cube"] = _cube_derivative

Every function keeps the dtype of its input (float32 stays float32) and is numerically safe:
no overflow warning, ``inf`` or ``NaN`` for inputs as large as 1e4 in magnitude.
"""

from dataclasses import dataclass, replace
from typing import Callable, Optional

import numpy as np

from learninspy._internal.registry import Registry

__all__ = [
    "Activation", "register", "get", "names",
    "identity", "tanh", "sigmoid", "relu", "leaky_relu", "softplus", "lecunn_sigmoid",
    "fun_activation", "fun_activation_d",
]


@dataclass(frozen=True)
class Activation:
    """One activation: f(z), its derivative f'(z) and how layers use them.

    Attributes:
        name: registry key, e.g. 'ReLU'.
        function: f(z), elementwise, returns a new array of z's dtype.
        derivative: f'(z), elementwise.
        output_derivative: optional f'(z) written in terms of the output a = f(z). When given,
            layers keep only the output during training and skip storing z. Returning ``None``
            means f'(z) = 1 everywhere.
        inplace: optional version of ``function`` that overwrites z and returns it.
        init: weight initialisation suited to the activation: 'he' (uniform, variance 2/n_in),
            'glorot' (uniform in +-sqrt(6/(n_in+n_out))) or 'glorot4' (four times that range,
            recommended for the sigmoid).
    """

    name: str
    function: Optional[Callable] = None
    derivative: Optional[Callable] = None
    output_derivative: Optional[Callable] = None
    inplace: Optional[Callable] = None
    init: str = "he"

    def replaced(self, field, value):
        """A copy with ``field`` set to ``value``; a new function drops the old fast paths."""
        if field == "function":
            return replace(self, function=value, output_derivative=None, inplace=None)
        return replace(self, **{field: value})


_REGISTRY = Registry("activation", accepts=lambda value: isinstance(value, Activation))
_INITS = ("he", "glorot", "glorot4")


def register(name, derivative, *, output_derivative=None, inplace=None, init="he"):
    """Decorator registering ``function`` as activation ``name`` with its ``derivative``."""
    if init not in _INITS:
        raise ValueError(f"init must be one of {_INITS}, got {init!r}")

    def decorator(function):
        _REGISTRY.add(name, Activation(name, function, derivative, output_derivative, inplace,
                                       init))
        return function

    return decorator


def names():
    """Names of the registered activations, in registration order."""
    return _REGISTRY.names()


def get(activation):
    """Resolve a registered name, or pass an :class:`Activation` through.

    Raises:
        ValueError: unknown name (the message lists the valid ones) or an incomplete record.
    """
    record = _REGISTRY.get(activation)
    if record.function is None or record.derivative is None:
        missing = "function" if record.function is None else "derivative"
        raise ValueError(f"activation {record.name!r} has no {missing} registered")
    return record


fun_activation = _REGISTRY.view("function", default_record=Activation)
fun_activation_d = _REGISTRY.view("derivative", default_record=Activation)


def _ones_like(z):
    return np.ones_like(np.asarray(z))


def _scalar(z, value):
    """``value`` as a scalar of z's floating dtype, so results keep float32."""
    dtype = np.asarray(z).dtype
    return (dtype.type if dtype.kind == "f" else np.float64)(value)


# --- Identity ---------------------------------------------------------------------------------

def _identity_derivative(z):
    return _ones_like(z)


@register("Identity", derivative=_identity_derivative,
          output_derivative=lambda a: None, inplace=lambda z: z, init="glorot")
def identity(z):
    """Linear or identity, f(z) = z."""
    return np.array(z, copy=True)


# --- Tanh -------------------------------------------------------------------------------------

def _tanh_derivative(z):
    t = np.tanh(z)
    return 1.0 - t * t


@register("Tanh", derivative=_tanh_derivative, output_derivative=lambda a: 1.0 - a * a,
          inplace=lambda z: np.tanh(z, out=z), init="glorot")
def tanh(z):
    """Hyperbolic tangent, f(z) = (e^z - e^-z) / (e^z + e^-z)."""
    return np.tanh(z)


# --- Sigmoid ----------------------------------------------------------------------------------

def _sigmoid_inplace(z):
    # 1 / (1 + e^-z) for z >= 0 and e^z / (1 + e^z) for z < 0: exp never sees a positive argument.
    negative = z < 0
    np.abs(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)  # e^-|z| in (0, 1]
    ratio = z / (1.0 + z)
    np.divide(1.0, 1.0 + z, out=z)
    np.copyto(z, ratio, where=negative)
    return z


def _sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1.0 - s)


@register("Sigmoid", derivative=_sigmoid_derivative, output_derivative=lambda a: a * (1.0 - a),
          inplace=_sigmoid_inplace, init="glorot4")
def sigmoid(z):
    """Logistic sigmoid, f(z) = 1 / (1 + e^-z), computed without overflow."""
    z = np.asarray(z)
    return _sigmoid_inplace(np.array(z, dtype=np.result_type(z, np.float32), copy=True))


# --- ReLU -------------------------------------------------------------------------------------

def _relu_derivative(z):
    return (np.asarray(z) > 0).astype(np.result_type(z, np.float32))


@register("ReLU", derivative=_relu_derivative, output_derivative=lambda a: a > 0,
          inplace=lambda z: np.maximum(z, 0, out=z))
def relu(z):
    """Rectified linear unit, f(z) = max(0, z). Its derivative at 0 is taken as 0."""
    return np.maximum(z, _scalar(z, 0))


# --- Leaky ReLU -------------------------------------------------------------------------------

_LEAK = 0.01


def _leaky_relu_derivative(z):
    z = np.asarray(z)
    return np.where(z > 0, _scalar(z, 1.0), _scalar(z, _LEAK))


@register("LeakyReLU", derivative=_leaky_relu_derivative,
          output_derivative=_leaky_relu_derivative)  # sign(f(z)) == sign(z)
def leaky_relu(z):
    """Leaky ReLU, f(z) = z for z > 0 and 0.01 z otherwise."""
    z = np.asarray(z)
    return np.where(z > 0, z, z * _scalar(z, _LEAK))


# --- Softplus ---------------------------------------------------------------------------------

def _softplus_derivative(z):
    return sigmoid(z)


@register("Softplus", derivative=_softplus_derivative,
          output_derivative=lambda a: -np.expm1(-a))  # sigmoid(z) == 1 - e^-softplus(z)
def softplus(z):
    """Softplus, f(z) = log(1 + e^z), computed as logaddexp(0, z) to avoid overflow."""
    return np.logaddexp(_scalar(z, 0), z)


# --- LeCun's sigmoid --------------------------------------------------------------------------

_LECUN_SCALE = 1.7159
_LECUN_SLOPE = 2.0 / 3.0


def _lecunn_sigmoid_derivative(z):
    t = np.tanh(np.asarray(z) * _scalar(z, _LECUN_SLOPE))
    return _scalar(z, _LECUN_SCALE * _LECUN_SLOPE) * (1.0 - t * t)


def _lecunn_sigmoid_output_derivative(a):
    t = a * _scalar(a, 1.0 / _LECUN_SCALE)
    return _scalar(a, _LECUN_SCALE * _LECUN_SLOPE) * (1.0 - t * t)


@register("LeCunnSigm", derivative=_lecunn_sigmoid_derivative,
          output_derivative=_lecunn_sigmoid_output_derivative, init="glorot")
def lecunn_sigmoid(z):
    """Sigmoid proposed by LeCun et al. (2012, "Efficient backprop"), f(z) = 1.7159 tanh(2z/3).

    The tanh is scaled so that the second derivative is largest in magnitude at z = +-1 and the
    effective gain of the transformation stays close to 1, which helps training converge.
    """
    z = np.asarray(z)
    return _scalar(z, _LECUN_SCALE) * np.tanh(z * _scalar(z, _LECUN_SLOPE))
