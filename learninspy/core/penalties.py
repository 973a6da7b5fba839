"""L1 and L2 penalties on weights: their cost and gradient, in one place.

With strengths l1 and l2, the penalty of a weight array W is
l1 * sum |W_ij| + l2 * 1/2 sum W_ij^2, whose gradient is l1 * sign(W) + l2 * W. Models add
it to their cost for every regularised parameter (weight matrices and kernels, not biases);
the norms of learninspy 0.1's API (``LocalNeurons.l1`` / ``l2``, ``NeuralNetwork.l1`` / ``l2``)
are the same functions, one strength at a time.
"""

import numpy as np

__all__ = ["l1", "l2", "add_penalty"]


def l1(weights):
    """L1 norm, sum |W_ij|, and its gradient sign(W), a new array."""
    return float(np.abs(weights).sum()), np.sign(weights)


def l2(weights):
    """Half the squared L2 norm, 1/2 sum W_ij^2, and its gradient W (a copy)."""
    return _half_square(weights), np.array(weights, copy=True)


def add_penalty(weights, grads, strength_l1, strength_l2, scale=1.0):
    """Add the gradient of the penalty of ``weights``, times ``scale``, to ``grads`` (in
    place, same shape; ``scale`` as the gradients it is added to were scaled); return the
    penalty's cost."""
    cost = 0.0
    if strength_l2:
        cost += strength_l2 * _half_square(weights)
        grads += weights * grads.dtype.type(strength_l2 * scale)
    if strength_l1:
        cost += strength_l1 * float(np.abs(weights).sum())
        grads += np.sign(weights) * grads.dtype.type(strength_l1 * scale)
    return cost


def _half_square(weights):
    flat = np.asarray(weights).ravel()
    return 0.5 * float(np.dot(flat, flat))
