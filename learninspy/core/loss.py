"""Loss functions: cross-entropy and binary cross-entropy for classification, mean squared error
for regression.

A loss is a function ``fun(o, t)`` of the network's output ``o`` and the expected output ``t``,
and a derivative ``_fun_d(o, t)``. Both accept one example (vectors of K values) or a batch
(arrays of shape (n, K), one row per example); for a batch the loss is the mean over rows.

Each loss is one :class:`Loss` record in a registry; the dicts ``fun_loss`` and ``fun_loss_d``
of learninspy 0.1's API are views of it. Adding a loss takes its function, its derivative and a
``register`` call, as for activations.

Cross-entropy is always used after a softmax, and binary cross-entropy after a sigmoid, so
their derivatives are taken with respect to that activation's input z (the logits):
d/dz CE(softmax(z), t) = softmax(z) - t and d/dz BCE(sigmoid(z), t) = sigmoid(z) - t. That
fused form is exact and avoids dividing by tiny probabilities.

For hand-written training loops, :class:`SoftmaxCrossEntropy`, :class:`SigmoidBinaryCrossEntropy`
and :class:`MeanSquaredError` wrap the same functions as operators with ``forward`` and
``backward``, as in a tiny layer-and-optimizer library (see :class:`LossFunction`).
"""

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from learninspy.core import activations
from learninspy.data.labeled import one_hot
from learninspy._internal.registry import Registry

__all__ = ["Loss", "register", "get", "names", "softmax", "softmax_backward", "cross_entropy",
           "mse", "binary_cross_entropy", "fun_loss", "fun_loss_d", "LossFunction",
           "SoftmaxCrossEntropy", "SigmoidBinaryCrossEntropy", "MeanSquaredError"]


@dataclass(frozen=True)
class Loss:
    """One loss: J(o, t), its derivative and the output activation it is fused with.

    Attributes:
        name: registry key, e.g. 'MSE'.
        function: J(o, t) -> float, the mean over rows for a batch.
        derivative: per-example gradient, same shape as ``o``. When ``fused_with`` is set, it
            is the gradient with respect to that activation's input instead of ``o``.
        fused_with: name of the output activation whose derivative is folded into
            ``derivative`` ('Softmax' for cross-entropy, 'Sigmoid' for binary cross-entropy),
            or None.
    """

    name: str
    function: Optional[Callable] = None
    derivative: Optional[Callable] = None
    fused_with: Optional[str] = None


_REGISTRY = Registry("loss", accepts=lambda value: isinstance(value, Loss))


def register(name, derivative, *, fused_with=None):
    """Decorator registering ``function`` as loss ``name`` with its ``derivative``."""

    def decorator(function):
        _REGISTRY.add(name, Loss(name, function, derivative, fused_with))
        return function

    return decorator


def names():
    """Names of the registered losses."""
    return _REGISTRY.names()


def get(loss):
    """Resolve a registered loss name, or pass a :class:`Loss` through."""
    return _REGISTRY.get(loss)


def _mean_over_examples(per_example):
    """Sum over the last axis, then the mean over examples when there is a batch."""
    total = float(per_example.sum())
    return total / len(per_example) if per_example.ndim > 1 else total


def softmax(z, out=None):
    """Softmax over the last axis, stable for any z:
    f(z)_k = e^(z_k - max z) / sum_j e^(z_j - max z).

    Args:
        z: array, (K,) or (n, K).
        out: optional array to write the result to; may be ``z`` itself.
    """
    z = np.asarray(z)
    if z.dtype.kind != "f":
        z = z.astype(np.float64)
    e = np.subtract(z, z.max(axis=-1, keepdims=True), out=out)
    np.exp(e, out=e)
    e /= e.sum(axis=-1, keepdims=True)
    return e


def softmax_backward(a, grad):
    """dLoss/dz from dLoss/da through a = softmax(z) (over the last axis): the product of the
    gradient with the softmax's Jacobian diag(a) - a a^T, computed as a * (g - sum(g * a)).

    Args:
        a: softmax outputs, (..., K).
        grad: dLoss/da, broadcastable to ``a``; with ``grad`` an identity matrix and ``a`` of
            shape (..., 1, K), the result is the Jacobian itself.
    """
    return a * (grad - (grad * a).sum(axis=-1, keepdims=True))


def _output_minus_target(o, t):
    """o - t: the derivative of the MSE with respect to o, and of cross-entropy after a
    softmax and binary cross-entropy after a sigmoid with respect to the logits."""
    return np.asarray(o) - np.asarray(t)


def _log_clipped(p):
    """log(p), with p clipped at the smallest positive normal number of its dtype so that
    log(0) never happens."""
    tiny = np.finfo(p.dtype if p.dtype.kind == "f" else np.float64).tiny
    return np.log(np.minimum(np.maximum(p, tiny), 1.0))


@register("CrossEntropy", derivative=_output_minus_target, fused_with="Softmax")
def cross_entropy(o, t):
    """Cross-entropy, J = -sum_k t_k log(o_k).

    Args:
        o: softmax output, shape (K,) or (n, K).
        t: expected output, a binary vector of K values per example (see ``label_to_vector``).

    Returns:
        float; for a batch, the mean over its examples. Probabilities are clipped at the
        smallest positive normal number of their dtype, so log(0) never happens.
    """
    return _mean_over_examples(-np.asarray(t) * _log_clipped(np.asarray(o)))


@register("BinaryCrossEntropy", derivative=_output_minus_target, fused_with="Sigmoid")
def binary_cross_entropy(o, t):
    """Binary cross-entropy, J = -sum_k [t_k log(o_k) + (1 - t_k) log(1 - o_k)].

    Args:
        o: sigmoid outputs, the probabilities of class 1, shape (K,) or (n, K).
        t: expected outputs, 0 or 1 (or probabilities), same shape.

    Returns:
        float; for a batch, the mean over its examples (log(0) is avoided as in
        :func:`cross_entropy`).
    """
    o, t = np.asarray(o), np.asarray(t)
    return _mean_over_examples(-(t * _log_clipped(o) + (1 - t) * _log_clipped(1 - o)))


@register("MSE", derivative=_output_minus_target)
def mse(o, t):
    """Mean squared error, J = 1/2 sum_j (t_j - o_j)^2.

    The 1/2 cancels with the exponent in the derivative, o - t.

    Returns:
        float; for a batch, the mean over its examples.
    """
    error = np.asarray(o) - np.asarray(t)
    return 0.5 * _mean_over_examples(error * error)


fun_loss = _REGISTRY.view("function", default_record=Loss)
fun_loss_d = _REGISTRY.view("derivative", default_record=Loss)


# --- Losses as operators, for hand-written training loops ----------------------------------

class LossFunction:
    """A registered loss as an operator with ``forward`` and ``backward``::

        logits = model.forward(x, training=True)
        cost = loss_fn.forward(logits, y)      # the mean over the batch
        model.backward(loss_fn.backward())     # d cost / d logits

    A loss fused with an output activation (cross-entropy with the softmax, binary
    cross-entropy with the sigmoid) takes the *logits*, the input of that activation, and
    applies the activation itself -- so the model ends with a linear layer, as with a tiny
    layer library's ``SoftmaxWithLoss`` or PyTorch's ``CrossEntropyLoss``. Its ``backward`` is
    then the exact gradient p - t. (``Sequential(loss=...)`` fuses the same way, but with the
    activation as the model's last layer, so that its predictions are probabilities.)

    Args:
        loss: name of a registered loss ('CrossEntropy', 'BinaryCrossEntropy', 'MSE', ...).

    Attributes:
        output: after ``forward``, the prediction the loss compared with the target: the
            probabilities for a fused loss, else the output itself.
    """

    def __init__(self, loss):
        self.record = get(loss)
        self.output = self.target = None

    def forward(self, output, target):
        """The loss of ``output`` (n, k) against ``target``: an (n, k) array, or for k = 1
        or a softmax, n values (class indices for the softmax)."""
        output = np.asarray(output)
        if output.ndim != 2:
            raise ValueError(f"{type(self).__name__} takes outputs of shape (n, k), got "
                             f"{output.shape}")
        self.target = self._target_matrix(output, np.asarray(target))
        fused = self.record.fused_with
        if fused is None:
            self.output = output
        elif fused == "Softmax":
            self.output = softmax(output)
        else:
            self.output = activations.get(fused).function(output)
        return self.record.function(self.output, self.target)

    __call__ = forward

    def backward(self):
        """d (mean loss of the last ``forward``) / d output, shape (n, k)."""
        if self.output is None:
            raise ValueError(f"{type(self).__name__}.backward() needs a forward() first")
        grad = self.record.derivative(self.output, self.target)
        grad *= grad.dtype.type(1.0 / len(grad))
        return grad

    def _target_matrix(self, output, target):
        n, k = output.shape
        if target.shape == output.shape:
            return target.astype(output.dtype, copy=False)
        if target.shape != (n,):
            raise ValueError(f"targets of shape {target.shape} do not match outputs of shape "
                             f"{output.shape}")
        if self.record.fused_with == "Softmax":  # class indices
            indices = target.astype(np.int64)
            if indices.min() < 0 or indices.max() >= k or not np.array_equal(indices, target):
                raise ValueError(f"targets must be class indices in [0, {k}), got values from "
                                 f"{target.min()} to {target.max()}")
            return one_hot(indices, k, output.dtype)
        if k != 1:
            raise ValueError(f"{n} targets for outputs of shape {output.shape}: give one row "
                             f"of {k} targets per example")
        return target.reshape(n, 1).astype(output.dtype)


class SoftmaxCrossEntropy(LossFunction):
    """Softmax then cross-entropy, on logits (n, k); targets are class indices (n,) or
    one-hot rows (n, k). See :class:`LossFunction`."""

    def __init__(self):
        super().__init__("CrossEntropy")


class SigmoidBinaryCrossEntropy(LossFunction):
    """Sigmoid then binary cross-entropy, on logits (n, k); targets are 0 or 1, (n, k) or (n,)
    for one output. See :class:`LossFunction`."""

    def __init__(self):
        super().__init__("BinaryCrossEntropy")


class MeanSquaredError(LossFunction):
    """Mean over examples of 1/2 sum_j (o_j - t_j)^2 on outputs (n, k); targets (n, k), or (n,)
    for one output. See :class:`LossFunction`."""

    def __init__(self):
        super().__init__("MSE")
