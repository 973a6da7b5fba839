"""One training step: what every way of training learninspy runs.

:func:`train_step` is the reference, to be read in one screen: forward and backward passes on
a batch give the cost and the gradients, the optimizer's rule turns the gradients into a step
(see :mod:`learninspy.core.rules`), and the step is added to the parameters. ``fit`` on every
engine, the optimizer iterator of learninspy 0.1's API and a hand-written loop's
``optimizer.step()`` all come down to it.

:func:`fused_train_step` computes exactly the same step, bit for bit, in another order: it
updates each layer's parameters as soon as backpropagation is done with that layer, while its
gradients are still in the processor's cache. For models past :data:`FUSED_STEP_SIZE`
parameters, whose vectors no longer fit the caches between the backward pass and an update
over all of them, that makes a step several percent faster; :func:`step_function` picks it.
It also updates a large layer in chunks of :data:`UPDATE_CHUNK` parameters: the rule's
elementwise passes over a chunk (momentum's three, say) then find it in the core's cache
instead of streaming the whole layer from memory once per pass.

Both steps fold the factor a rule can take the gradients scaled by (gradient descent's
``-step-rate``, see :meth:`~learninspy.core.rules.base.Rule.gradient_scale`) into the output's
delta, where it costs a multiplication of one small matrix instead of a pass over every
parameter; the model's gradient vector then holds the scaled gradients.
"""

import numpy as np

__all__ = ["train_step", "fused_train_step", "apply_update", "gradient_scale", "step_function",
           "FUSED_STEP_SIZE", "UPDATE_CHUNK"]

#: Parameters from which :func:`fused_train_step` is the faster way to take a step: about where
#: the model's vectors stop fitting the caches.
FUSED_STEP_SIZE = 2 ** 16

#: Parameters updated at a time by :func:`fused_train_step`: the fastest of 2**14 to 2**17 on
#: 784-512-512-10; a chunk's arrays (half a megabyte each in float32) stay in the core's caches
#: across the rule's passes.
UPDATE_CHUNK = 2 ** 17


def apply_update(model, rule, state, scaled=False):
    """The second half of a step: the rule's step from the gradients now in ``model`` (as
    :func:`gradient_scale` scaled them, if ``scaled``), added to its parameters. Returns the
    rule's new state."""
    state["steps"] += 1  # the number of this step (Adam's t)
    params = model.parameter_vector
    update = rule.update_scaled if scaled else rule.update
    step, state = update(model.gradient_vector, state, params)
    params += step
    return state


def gradient_scale(model, rule):
    """The factor a step folds into ``model``'s gradients for ``rule``, or None."""
    return rule.gradient_scale() if model.scales_gradients else None


def train_step(model, batch, rule, state, views=None):
    """One step of training on ``batch``.

    Args:
        model: a Sequential (NeuralNetwork, ...) with a loss.
        batch: (features, target matrix): what ``model.loss_and_gradients`` takes.
        rule: an update rule (:mod:`learninspy.core.rules`).
        state: the rule's state (``rule.init(model.parameter_vector)`` before the first step).
        views: unused here; :func:`fused_train_step` takes the same arguments.

    Returns:
        (cost, state): the batch's cost before the step, with the penalties, and the rule's
        new state. A cost that is NaN or infinite is returned without updating anything.
    """
    features, targets = batch
    scale = gradient_scale(model, rule)
    cost = model.loss_and_gradients(features, targets, scale=scale)
    if not np.isfinite(cost):
        return cost, state
    return cost, apply_update(model, rule, state, scaled=scale is not None)


def fused_train_step(model, batch, rule, state, views=None):
    """:func:`train_step`, with each layer updated right after its gradients are computed.

    Every update is elementwise, so applying the rule to one layer's segment of the vectors
    at a time computes the same numbers as applying it to all of them at once; only the order
    of the memory traffic changes.

    Args:
        views: optional dict kept by the caller across steps of the same model and state:
            each layer's chunks of the vectors, sliced once instead of at every step.
    """
    features, targets = batch
    state["steps"] += 1
    views = {} if views is None else views
    scale = gradient_scale(model, rule)
    update = rule.update if scale is None else rule.update_scaled

    def chunks(segment):  # the layer's slices of the parameters, gradients and state
        for start in range(segment.start, segment.stop, UPDATE_CHUNK):
            part = slice(start, min(start + UPDATE_CHUNK, segment.stop))
            yield (model.parameter_vector[part], model.gradient_vector[part],
                   {key: value[part] if value.ndim else value for key, value in state.items()})

    def update_layer(segment):
        if segment.start not in views:
            views[segment.start] = list(chunks(segment))
        for params, grads, local in views[segment.start]:
            step, _ = update(grads, local, params)
            params += step

    cost = model.loss_and_gradients(features, targets, after_layer=update_layer, scale=scale)
    if not np.isfinite(cost):  # returned before any layer was updated
        state["steps"] -= 1
    return cost, state


def step_function(model):
    """The step to train ``model`` with: :func:`fused_train_step` for a large model, else
    :func:`train_step` (whose one update over whole vectors costs fewer calls)."""
    return fused_train_step if model.count_params >= FUSED_STEP_SIZE else train_step
