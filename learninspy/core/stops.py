"""Stop criteria for training, in the manner of the climin optimization package.

A criterion is called with a dict of information about the optimization so far (``'iterations'``,
``'hits'`` -- the score of the model, higher is better --, ``'cost'`` -- lower is better) and
returns True when training should stop. Criteria compose with ``&`` (all must hold) and ``|``
(any may hold); a list of criteria, as learninspy 0.1 used them, is the ``|`` of its
items::

    >>> from learninspy.core.stops import criterion
    >>> stop = criterion['MaxIterations'](100) | (criterion['AchieveTolerance'](0.95, key='hits')
    ...                                          & criterion['ModuloNIterations'](10))
    >>> stop({'iterations': 30, 'hits': 0.97})
    True

Keep the parentheses: in Python ``&`` binds tighter than ``|``.

A criterion is also a context manager for the run that uses it: ``fit`` and the optimizers
enter their criteria when they start and leave them when they end. Entering resets the
criteria that keep state (``Patience``, ``TimeElapsed``); ``OnSignal`` installs its signal
handler only while it is entered, and restores the one it replaced when the run ends.
"""

import signal
import threading
import time

from learninspy._internal.checks import integer, number, positive_integer
from learninspy._internal.registry import Registry

__all__ = ["Criterion", "AchieveTolerance", "MaxIterations", "ModuloNIterations",
           "NotBetterThanAfter", "OnSignal", "Patience", "TimeElapsed", "criterion", "combine",
           "check"]

_KEYS = ("hits", "cost")


def _check_key(key):
    if not isinstance(key, str) or key not in _KEYS:
        raise ValueError(f"key must be one of {list(_KEYS)}, got {key!r}")
    return key


def _improves(key, value, reference):
    """True when ``value`` is better than ``reference``: higher hits, lower cost."""
    return value > reference if key == "hits" else value < reference


class Criterion:
    """Base of the stop criteria: subclasses implement ``__call__(info) -> bool``.

    Attributes:
        keys: the entries of ``info`` the criterion reads, so that callers compute only what
            is needed (an optimizer evaluates its batch score only when a criterion reads 'hits').
    """

    keys = frozenset()

    def __call__(self, info):
        raise NotImplementedError

    def reset(self):
        """Forget any state gathered in a previous run."""

    def __enter__(self):
        """A run that checks this criterion starts: forget the previous run."""
        self.reset()
        return self

    def __exit__(self, *exception):
        """The run ends."""
        return False

    def __and__(self, other):  # Python cannot overload `and` / `or`
        return Combined((self, other), all)

    def __or__(self, other):
        return Combined((self, other), any)


class Combined(Criterion):
    """Several criteria reduced with ``all`` (``&``) or ``any`` (``|``)."""

    def __init__(self, criteria, reduce):
        for item in criteria:
            if not callable(item):
                raise TypeError(f"a stop criterion must be callable, got {item!r}")
        self.criteria, self.reduce = tuple(criteria), reduce

    @property
    def keys(self):
        return frozenset().union(*(getattr(c, "keys", _KEYS) for c in self.criteria))

    def __call__(self, info):
        # Evaluate every criterion (no short circuit), so stateful ones see every iteration.
        return self.reduce([bool(criterion(info)) for criterion in self.criteria])

    def reset(self):
        for item in self.criteria:
            if hasattr(item, "reset"):
                item.reset()

    def __enter__(self):
        for item in self.criteria:
            if hasattr(item, "__enter__"):
                item.__enter__()
        return self

    def __exit__(self, *exception):
        for item in reversed(self.criteria):
            if hasattr(item, "__exit__"):
                item.__exit__(*exception)
        return False

    def __str__(self):
        if len(self.criteria) == 1:
            return str(self.criteria[0])
        word = " and " if self.reduce is all else " or "
        return word.join(f"({c})" if isinstance(c, Combined) else str(c) for c in self.criteria)


def combine(stops, check_all=False):
    """One criterion from a criterion, a list of them (any, or all with ``check_all``) or None."""
    if stops is None or isinstance(stops, Criterion):
        return stops
    if callable(stops):
        return Combined((stops,), any)
    if not isinstance(stops, (list, tuple)):
        raise TypeError(f"stops must be a stop criterion or a list of them, e.g. "
                        f"[criterion['MaxIterations'](10)]; got {stops!r:.60}")
    stops = list(stops)
    if not stops:
        raise ValueError("the list of stop criteria is empty")
    return Combined(stops, all if check_all else any)


def check(stops, info, check_all=False):
    """Whether ``stops`` (a criterion or a list of them: any, or all with ``check_all``) say
    that training should stop, given ``info``."""
    return bool(combine(stops, check_all)(info))


def max_iterations(stop):
    """The iteration limit that a criterion (or an any-combination of them) implies, or None."""
    if isinstance(stop, MaxIterations):
        return stop.max_iter
    if isinstance(stop, Combined) and stop.reduce is any:
        limits = [limit for limit in map(max_iterations, stop.criteria) if limit is not None]
        return min(limits) if limits else None
    return None


def lines(stops):
    """The readable text of each criterion of ``stops`` (a list or a composed criterion)."""
    if isinstance(stops, Combined) and stops.reduce is any and len(stops.criteria) > 1:
        return [str(c) for c in stops.criteria]
    return [str(stops)] if isinstance(stops, Criterion) else [str(c) for c in stops]


class MaxIterations(Criterion):
    """Stop after a maximum number of iterations.

    Args:
        max_iter: int, maximum number of iterations.
    """

    keys = frozenset({"iterations"})

    def __init__(self, max_iter):
        integer("max_iter", max_iter, minimum=0)
        self.max_iter = max_iter

    def __call__(self, info):
        return info["iterations"] >= self.max_iter

    def __str__(self):
        return f"Stop at a maximum of {self.max_iter} iterations."


class AchieveTolerance(Criterion):
    """Stop once a tolerance is reached: hits at or above it, or a cost at or below it.

    Args:
        tolerance: float; for 'hits' in (0, 1].
        key: 'hits' or 'cost'.
    """

    def __init__(self, tolerance, key="hits"):
        self.key = _check_key(key)
        self.keys = frozenset({key})
        number("tolerance", tolerance)
        self.tolerance = tolerance

    def __call__(self, info):
        value = info[self.key]
        return value >= self.tolerance if self.key == "hits" else value <= self.tolerance

    def __str__(self):
        return f"Stop when a tolerance of {self.tolerance} is achieved in {self.key}."


class ModuloNIterations(Criterion):
    """Stop at iterations that are a multiple of n; useful combined with other criteria.

    Args:
        n: int > 0.
    """

    keys = frozenset({"iterations"})

    def __init__(self, n):
        positive_integer("n", n)
        self.n = n

    def __call__(self, info):
        return info["iterations"] % self.n == 0

    def __str__(self):
        return f"Stop when an iteration is modulo of {self.n}."


class NotBetterThanAfter(Criterion):
    """Stop when, after some iterations, a minimal value has not been reached.

    Args:
        minimal: float, the value to reach or better (hits at least it, cost at most it).
        after: int, iterations after which the criterion starts to apply.
        key: 'hits' or 'cost'.
    """

    def __init__(self, minimal, after, key="hits"):
        self.key = _check_key(key)
        self.keys = frozenset({key, "iterations"})
        number("minimal", minimal)
        integer("after", after, minimum=0)
        self.minimal, self.after = minimal, after

    def __call__(self, info):
        value = info[self.key]
        reached = value >= self.minimal if self.key == "hits" else value <= self.minimal
        return info["iterations"] > self.after and not reached

    def __str__(self):
        return (f"Stop when {self.key} does not improve a minimal of {self.minimal} "
                f"after {self.after} iterations.")


class Patience(Criterion):
    """Bengio's patience heuristic (Practical recommendations for gradient-based training of
    deep architectures, 2012).

    Training may go on until iteration ``patience``, which starts at ``initial``. Whenever the
    value of ``key`` improves on the best seen by more than ``threshold``, the patience grows to
    ``iteration * grow_factor + grow_offset`` (if larger), giving a promising model more time.

    Args:
        initial: int, iteration up to which training goes on at first.
        key: 'hits' or 'cost'.
        grow_factor: float, must differ from 1 when grow_offset == 0.
        grow_offset: float, must differ from 0 when grow_factor == 1.
        threshold: float, improvement over the best value that counts as one.
    """

    def __init__(self, initial, key="hits", grow_factor=1, grow_offset=0, threshold=0.05):
        integer("initial", initial, minimum=0)
        number("grow_factor", grow_factor)
        number("grow_offset", grow_offset)
        self.initial, self.grow_factor, self.grow_offset = initial, grow_factor, grow_offset
        if grow_factor == 1 and grow_offset == 0:
            raise ValueError("Patience needs grow_factor != 1 or grow_offset != 0")
        self.key = _check_key(key)
        self.keys = frozenset({key, "iterations"})
        number("threshold", threshold, "a number >= 0", lambda v: v >= 0)
        self.threshold = threshold
        self.reset()

    def reset(self):
        self.patience = self.initial
        self.best_value = float("-inf") if self.key == "hits" else float("inf")

    def __call__(self, info):
        iteration, value = info["iterations"], info[self.key]
        if _improves(self.key, value, self.best_value):
            if abs(value - self.best_value) > self.threshold and iteration > 0:
                self.patience = max(iteration * self.grow_factor + self.grow_offset, self.patience)
            self.best_value = value
        return iteration >= self.patience

    def __str__(self):
        return (f"Stop when {self.key} has not improved by more than {self.threshold} "
                f"within a patience of {self.patience} iterations.")


class TimeElapsed(Criterion):
    """Stop once a time span has elapsed since the criterion was built, as in learninspy 0.1,
    or since the start of the run that checks it: ``fit`` and the optimizers enter their
    criteria, which resets them, so each run gets the whole span.

    Args:
        sec: float, maximum time span, in seconds.
    """

    def __init__(self, sec):
        number("sec", sec, "a number of seconds > 0", lambda v: v > 0)
        self.sec = sec
        self.reset()

    def reset(self):
        self.start = None  # on time.monotonic()'s clock, fixed at the first check
        self._since = time.monotonic_ns()

    def __call__(self, info):
        now = time.monotonic()
        if self.start is None:  # counting the time elapsed before this first check
            self.start = now - (time.monotonic_ns() - self._since) / 1e9
        return now - self.start > self.sec

    def __str__(self):
        return f"Stop when {self.sec} seconds have elapsed."


class OnSignal(Criterion):
    """Stop when the process receives a signal (Ctrl+C by default), keeping the work done.

    The handler is installed while a run (a ``fit``, an optimizer's loop) uses the criterion,
    from the main thread (Python delivers signals there only), and the previous handler is
    restored when the run ends. Outside a run, ``with criterion:`` does the same.

    Args:
        sig: signal number, default ``signal.SIGINT``.
    """

    def __init__(self, sig=signal.SIGINT):
        catchable = sorted(set(signal.Signals) - {signal.SIGKILL, signal.SIGSTOP},
                           key=lambda s: s.value)
        if sig not in catchable:
            raise ValueError(f"sig must be a signal a process can catch, one of "
                             f"{[s.name for s in catchable]}, got {sig!r}")
        self.sig = signal.Signals(sig)
        self.stopped = False
        self._previous, self._depth = None, 0

    def reset(self):
        self.stopped = False

    def __enter__(self):
        self.reset()
        if self._depth == 0 and threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(self.sig, self._handler)
        self._depth += 1
        return self

    def __exit__(self, *exception):
        self._depth -= 1
        if self._depth == 0 and self._previous is not None:
            signal.signal(self.sig, self._previous)
            self._previous = None
        return False

    def _handler(self, signum, frame):
        self.stopped = True

    def __call__(self, info):
        stopped, self.stopped = self.stopped, False
        return stopped

    def __getstate__(self):  # handlers do not travel to other processes
        return {"sig": self.sig, "stopped": False, "_previous": None, "_depth": 0}

    def __str__(self):
        return f"Stop when the signal {self.sig.name} is received."


#: The ``name -> criterion class`` dict of learninspy 0.1's API.
criterion = Registry("stop criterion", {
    cls.__name__: cls for cls in (MaxIterations, AchieveTolerance, ModuloNIterations, TimeElapsed,
                                  NotBetterThanAfter, Patience, OnSignal)})
