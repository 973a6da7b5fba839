"""Loss functions: cross-entropy for classification, mean squared error for regression.

A loss is a function ``fun(o, t)`` of the network's output ``o`` and the expected output ``t``,
and a derivative ``_fun_d(o, t)``. Both accept one example (vectors of K values) or a batch
(arrays of shape (n, K), one row per example); for a batch the loss is the mean over rows.

Each loss is one :class:`Loss` record in a registry; the documented dicts ``fun_loss`` and
``fun_loss_d`` are views of it. Adding a loss takes its function, its derivative and a
``register`` call, as for activations.

Cross-entropy is always used after a softmax, so its derivative is taken with respect to the
softmax's input z (the logits): d/dz CE(softmax(z), t) = softmax(z) - t. That fused form is
exact and avoids dividing by tiny probabilities.
"""

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from learninspy.utils.registry import Registry

__all__ = ["Loss", "register", "get", "names", "softmax", "cross_entropy", "mse",
           "fun_loss", "fun_loss_d"]


@dataclass(frozen=True)
class Loss:
    """One loss: J(o, t), its derivative and the output activation it is fused with.

    Attributes:
        name: registry key, e.g. 'MSE'.
        function: J(o, t) -> float, the mean over rows for a batch.
        derivative: per-example gradient, same shape as ``o``. When ``fused_with`` is set, it
            is the gradient with respect to that activation's input instead of ``o``.
        fused_with: name of the output activation whose derivative is folded into
            ``derivative`` ('Softmax' for cross-entropy), or None.
    """

    name: str
    function: Optional[Callable] = None
    derivative: Optional[Callable] = None
    fused_with: Optional[str] = None


_REGISTRY = Registry("loss")


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
    return loss if isinstance(loss, Loss) else _REGISTRY.get(loss)


def _mean_over_examples(per_example):
    """Sum over the last axis, then the mean over examples when there is a batch."""
    total = per_example.sum(axis=-1)
    return float(total.mean()) if total.ndim else float(total)


def softmax(z):
    """Softmax over the last axis, stable for any z: f(z)_k = e^(z_k - max z) / sum_j e^(z_j - max z)."""
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def _cross_entropy_d(o, t):
    return np.asarray(o) - np.asarray(t)


@register("CrossEntropy", derivative=_cross_entropy_d, fused_with="Softmax")
def cross_entropy(o, t):
    """Cross-entropy, J = -sum_k t_k log(o_k).

    Args:
        o: softmax output, shape (K,) or (n, K).
        t: expected output, a binary vector of K values per example (see ``label_to_vector``).

    Returns:
        float; for a batch, the mean over its examples. Probabilities are clipped at the
        smallest positive normal number of their dtype, so log(0) never happens.
    """
    o = np.asarray(o)
    tiny = np.finfo(o.dtype if o.dtype.kind == "f" else np.float64).tiny
    return _mean_over_examples(-np.asarray(t) * np.log(np.clip(o, tiny, 1.0)))


def _mse_d(o, t):
    return np.asarray(o) - np.asarray(t)


@register("MSE", derivative=_mse_d)
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
