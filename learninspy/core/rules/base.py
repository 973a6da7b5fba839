"""The protocol of an optimizer's update rule: its state is a value.

A rule is configured once with its options and then maps gradients to steps::

    state = rule.init(params)                          # zeroed slots, 'steps' = 0
    state["steps"] += 1                                # the driver counts the steps
    step, state = rule.update(grads, state, params)    # the rule's formula
    params += step

``state`` is a dict of arrays: one *slot* per running quantity (a velocity, running means),
each shaped like the parameters, and ``'steps'``, the number of the step being taken (a 0-d
float64; the driver increments it before each update, which is Adam's t). Being plain arrays,
the state can be saved in a checkpoint, averaged across replicas like the weights, and
restored. For speed the update works in place: it changes the slot arrays and returns the
same dict, and ``step`` may be one of them or the rule's scratch space -- add it to the
parameters before the next update. ``update`` works elementwise, so it can be applied to any
slice of the vectors (one layer's segment, say) with the matching slices of the state.

A rule may also take its gradients pre-multiplied by a factor of its own
(:meth:`Rule.gradient_scale`, :meth:`Rule.update_scaled`): gradient descent takes ``-lr g``,
which the train steps get for free from backpropagation.
"""

import numpy as np

from learninspy._internal.arrays import aligned_empty, aligned_zeros

__all__ = ["Rule", "positive", "fraction", "probability"]


def positive(value):
    return value > 0


def fraction(value):
    return 0 <= value < 1


def probability(value):
    return 0 < value < 1


_DESCRIPTIONS = {positive: "a number > 0", fraction: "a number in [0, 1)",
                 probability: "a number in (0, 1)"}


class Rule:
    """Base of the update rules.

    Args:
        options: dict of the rule's hyper-parameters; missing ones take their defaults.

    Subclasses set ``name`` (the registry key), ``defaults`` (option -> default value),
    ``checks`` (option -> predicate, or a tuple of valid values) and ``slots`` (names of the
    state arrays), and implement :meth:`update`.
    """

    name = None
    defaults = {}
    checks = {}
    slots = ()

    def __init__(self, options=None):
        self.options = self.resolve_options(options)
        self._work, self._views = None, {}

    @classmethod
    def resolve_options(cls, options):
        """The options with defaults filled in, after checking names and values."""
        resolved = dict(options or {})
        for name, value in resolved.items():
            if name not in cls.defaults:
                raise ValueError(f"unknown option {name!r} for {cls.name}; valid options "
                                 f"are {list(cls.defaults)}")
            check = cls.checks.get(name)
            if isinstance(check, tuple):
                if value not in check:
                    raise ValueError(f"option {name!r} of {cls.name} must be one of "
                                     f"{list(check)}, got {value!r}")
            elif check is not None:
                if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                        or not np.isfinite(value) or not check(value):
                    raise ValueError(f"option {name!r} of {cls.name} must be "
                                     f"{_DESCRIPTIONS[check]}, got {value!r}")
        for name, value in cls.defaults.items():
            resolved.setdefault(name, value)
        return resolved

    def init(self, params):
        """The state before the first step: every slot zeroed, shaped like ``params``."""
        state = {slot: aligned_zeros(params.shape, params.dtype) for slot in self.slots}
        state["steps"] = np.zeros((), dtype=np.float64)
        return state

    def update(self, grads, state, params):
        """(step to add to ``params``, the new state) from the gradients ``grads``."""
        raise NotImplementedError

    def gradient_scale(self):
        """A factor ``f`` such that the rule can take ``f * grads`` in place of the gradients
        (:meth:`update_scaled`), or None (the default): the rule needs the gradients
        themselves. A train step folds ``f`` into backpropagation at the output, where it
        costs one small multiplication, and so saves the rule a pass over every parameter."""
        return None

    def update_scaled(self, scaled_grads, state, params):
        """:meth:`update`, from the gradients multiplied by :meth:`gradient_scale`."""
        raise NotImplementedError

    def scratch(self, like, count=1):
        """``count`` work arrays shaped like ``like``, reused across calls (they hold nothing
        between updates)."""
        key = (like.shape, like.dtype, count)
        views = self._views.get(key)
        if views is None:
            size = like.size * count
            if self._work is None or self._work.size < size or self._work.dtype != like.dtype:
                self._work, self._views = aligned_empty(size, like.dtype), {}
            views = self._views[key] = [
                self._work[i * like.size:(i + 1) * like.size].reshape(like.shape)
                for i in range(count)]
        return views

    def __getstate__(self):  # the scratch space does not travel
        return {**self.__dict__, "_work": None, "_views": {}}

    def __repr__(self):
        return f"{type(self).__name__}({self.options!r})"
