"""Numerical gradient checks: compare analytic derivatives with central finite differences.

Backpropagation bugs are silent -- a wrong derivative still trains, just badly. Whoever adds
an activation, a loss or a layer can check it here in one call, before registering it (pass
the record) or after (pass its name)::

    >>> from learninspy.core.activations import Activation
    >>> from learninspy.tools.checks import check_activation
    >>> cube = Activation("Cube", function=lambda z: z ** 3, derivative=lambda z: 3 * z ** 2)
    >>> check_activation(cube) < 1e-6
    True
    >>> slip = Activation("Cube", function=lambda z: z ** 3, derivative=lambda z: 3 * z)
    >>> check_activation(slip) > 0.1
    True
    >>> check_activation('Tanh') < 1e-6
    True

Every check works in float64 and returns the largest relative error,
|analytic - numeric| / max(|analytic| + |numeric|, floor): below about 1e-6 the derivative
is right, above 1e-3 it is almost surely wrong.

* :func:`check_activation` -- an activation's derivative (and its fast output-based form);
* :func:`check_loss` -- a loss's derivative (a loss fused with the softmax, through it);
* :func:`check_network` -- a whole model's backpropagation, penalties included;
* :func:`check_layer` -- one layer's ``backward``, for inputs and parameters.

:class:`CheckGradientActivation` and :class:`CheckGradientLoss` are learninspy 0.1's checks:
objects built with a name and called to get a bool, True when the derivative is right.
"""

import numpy as np

from learninspy.core import activations, loss as losses

__all__ = ["relative_error", "check_activation", "check_loss", "check_network", "check_layer",
           "CheckGradientActivation", "CheckGradientLoss"]

_STEP = 1e-6


def relative_error(analytic, numeric, floor=1e-8):
    """Largest elementwise relative error between two arrays."""
    analytic, numeric = np.asarray(analytic, float), np.asarray(numeric, float)
    scale = np.maximum(np.abs(analytic) + np.abs(numeric), floor)
    return float(np.max(np.abs(analytic - numeric) / scale))


def _numeric_gradient(function, x, step=_STEP):
    """d function(x) / dx by central differences; ``function`` returns a float."""
    gradient = np.zeros_like(x)
    flat, grad_flat = x.reshape(-1), gradient.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + step
        plus = function(x)
        flat[i] = original - step
        minus = function(x)
        flat[i] = original
        grad_flat[i] = (plus - minus) / (2 * step)
    return gradient


def check_activation(activation, points=None):
    """Check an activation's derivative against finite differences of its function.

    Args:
        activation: registered name or ``Activation`` record.
        points: where to check (default: 41 points in [-4, 4], avoiding 0 where a kink may be).
    """
    record = activations.get(activation)
    z = np.linspace(-4.0, 4.0, 41) + 0.013 if points is None else np.asarray(points, float)
    numeric = (record.function(z + _STEP) - record.function(z - _STEP)) / (2 * _STEP)
    error = relative_error(record.derivative(z), numeric)
    if record.output_derivative is not None:  # the fast path layers use must agree too
        fast = record.output_derivative(record.function(z))
        error = max(error, relative_error(np.ones_like(z) if fast is None else fast, numeric))
    return error


def check_loss(loss, n_outputs=4, n_examples=3, seed=0):
    """Check a loss's derivative. For a loss fused with an output activation (cross-entropy
    with the softmax, binary cross-entropy with the sigmoid) the derivative is checked with
    respect to that activation's input, as it is defined."""
    record = losses.get(loss)
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n_examples, n_outputs))
    if record.fused_with is None:
        activate = lambda v: v
        t = rng.normal(size=(n_examples, n_outputs))
    elif record.fused_with == "Softmax":
        activate = losses.softmax
        t = np.eye(n_outputs)[rng.integers(0, n_outputs, n_examples)]
    else:
        activate = activations.get(record.fused_with).function
        t = rng.integers(0, 2, size=(n_examples, n_outputs)).astype(float)
    function = lambda v: record.function(activate(v), t) * n_examples
    analytic = record.derivative(activate(z), t)
    return relative_error(analytic, _numeric_gradient(function, z))


def check_network(network, data, max_parameters=None, seed=0):
    """Check a network's backpropagation (with its L1 / L2 penalties) on a small data set.

    The network should be in float64 (``dtype='float64'``) and have no dropout, so that the
    cost is a deterministic smooth function of the parameters.

    Args:
        network: a NeuralNetwork or Sequential.
        data: any accepted labeled data set, a few examples.
        max_parameters: check only this many randomly chosen parameters (all by default).

    Returns:
        float, the largest relative error over the checked parameters.
    """
    features, labels = network.labeled_arrays(data)
    targets = network.target_matrix(labels)
    network.loss_and_gradients(features, targets)
    analytic = network.gradient_vector.copy()
    params = network.parameter_vector
    indices = np.arange(params.size)
    if max_parameters is not None and max_parameters < params.size:
        indices = np.random.default_rng(seed).choice(params.size, max_parameters, replace=False)
    numeric = np.empty(len(indices))
    for k, i in enumerate(indices):
        original = params[i]
        params[i] = original + _STEP
        plus = network.loss_and_gradients(features, targets)
        params[i] = original - _STEP
        minus = network.loss_and_gradients(features, targets)
        params[i] = original
        numeric[k] = (plus - minus) / (2 * _STEP)
    return relative_error(analytic[indices], numeric)


def check_layer(layer, input_shape, batch=3, seed=0, training=True, x=None):
    """Check a layer's ``backward`` (input and parameter gradients) in float64.

    Uses the scalar loss sum(output * R) for a fixed random R, whose gradient with respect to
    the output is R, plus the layer's own ``penalty`` if it has one (a sparsity term, say).

    Args:
        x: the (batch, *input_shape) inputs to check at; default, standard normal values.

    Returns:
        float, the largest relative error over inputs and parameters.
    """
    rng = np.random.default_rng(seed)
    layer.ensure_built(input_shape, rng, np.float64)
    layer.propagate_grad = True
    layer.rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch,) + tuple(input_shape)) if x is None else np.array(x, float)
    weights = rng.normal(size=(len(x),) + tuple(layer.output_shape))

    def loss(_):
        layer.rng = np.random.default_rng(seed)  # same random draws (dropout masks) every call
        output = layer.forward(x.copy(), training)
        return float((output * weights).sum()) + getattr(layer, "penalty", 0.0)

    loss(x)
    grad_x = layer.backward(weights.copy())
    errors = [relative_error(grad_x, _numeric_gradient(loss, x))]
    for name, value in layer.params.items():
        loss(x)
        layer.backward(weights.copy())
        analytic = layer.grads[name].copy()
        errors.append(relative_error(analytic, _numeric_gradient(loss, value)))
    return max(errors)


#: The largest relative error of a right derivative, for the bool checks of 0.1's API.
TOLERANCE = 1e-6


class CheckGradientActivation:
    """learninspy 0.1's check of an activation's derivative: ``CheckGradientActivation(name)()``
    is True when the derivative is right.

    It checks at 0.1's points, 0.5, 0.0001, 1.5, 2.0 and -1.0, with :func:`check_activation`:
    the largest relative error against central differences must be at most ``TOLERANCE``.

    Args:
        function: name of a registered activation (or an ``Activation`` record).
    """

    POINTS = (0.5, 0.0001, 1.5, 2.0, -1.0)

    def __init__(self, function):
        self.function = activations.get(function)

    def check_numerical_gradient(self):
        return check_activation(self.function, self.POINTS) <= TOLERANCE

    def __call__(self):
        return self.check_numerical_gradient()


class CheckGradientLoss:
    """learninspy 0.1's check of a loss's derivative: ``CheckGradientLoss(name)()`` is True when
    the derivative is right (:func:`check_loss`'s error at most ``TOLERANCE``).

    Unlike 0.1's, it also checks the cross-entropy: a loss fused with its output activation is
    checked through that activation, as its derivative is defined.

    Args:
        function: name of a registered loss (or a ``Loss`` record).
    """

    def __init__(self, function):
        self.function = losses.get(function)

    def check_numerical_gradient(self):
        error = check_loss(self.function)
        return bool(np.isfinite(error) and error <= TOLERANCE)

    def __call__(self):
        return self.check_numerical_gradient()
