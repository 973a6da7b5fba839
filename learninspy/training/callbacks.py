"""Callbacks: what a fit does besides training, composed rather than configured.

A callback implements any of four hooks, the protocol Keras users know, each called with the
:class:`~learninspy.training.loop.FitLoop`::

    class PrintCost(Callback):
        def on_iteration_end(self, loop):
            print(loop.iteration, loop.info["cost"])

    network.fit(train, valid, callbacks=[PrintCost()])

``on_fit_begin``, ``on_iteration_begin`` and ``on_iteration_end`` run in the order of the
callbacks; ``on_fit_end`` in the reverse order, as nested ``with`` blocks end: the callback
that began first ends last. Setting ``loop.stop = True`` ends the fit after the iteration.

``fit``'s own arguments are shorthands for the callbacks here and in
:mod:`~learninspy.training.checkpoint` and :mod:`~learninspy.training.progress`, in this
order: the progress line (``verbose``), :class:`HistoryRecorder`, :class:`KeepBest`
(``keep_best``), ``Checkpoint`` (``checkpoint``), :class:`StopWhen` (``stops``), then the
callbacks given. A stop criterion given as a callback is a :class:`StopWhen` of it.
"""

import math
import signal
import threading

from learninspy.core.history import History
from learninspy.core.stops import Criterion, combine
from learninspy.training.loop import BestModel

__all__ = ["Callback", "CallbackList", "HistoryRecorder", "KeepBest", "StopWhen",
           "Interruptible", "FullPassTrainScore", "TRAIN_SCORES"]


class Callback:
    """Base of the callbacks: every hook does nothing."""

    def on_fit_begin(self, loop):
        """Before the first iteration (after a checkpoint was restored, for a resumed fit)."""

    def on_iteration_begin(self, loop):
        """Before the replicas of iteration ``loop.iteration`` train."""

    def on_iteration_end(self, loop):
        """After the iteration: the replicas merged, the model scored if it was due."""

    def on_fit_end(self, loop):
        """After the last iteration (not when the fit fails)."""

    def on_fit_interrupted(self, loop):
        """When a ``KeyboardInterrupt`` ends the fit: the model and ``loop`` are back at the
        last finished iteration (the exception then goes on)."""


class CallbackList:
    """The callbacks of a fit, called in order (``on_fit_end`` in reverse order)."""

    def __init__(self, callbacks):
        self.callbacks = [StopWhen(c) if isinstance(c, Criterion) else c for c in callbacks]
        for callback in self.callbacks:
            if not any(callable(getattr(callback, hook, None)) for hook in
                       ("on_fit_begin", "on_iteration_begin", "on_iteration_end", "on_fit_end")):
                raise TypeError(f"a callback needs on_fit_begin, on_iteration_begin, "
                                f"on_iteration_end or on_fit_end; got {callback!r}")

    def _call(self, hook, loop, callbacks):
        for callback in callbacks:
            method = getattr(callback, hook, None)
            if method is not None:
                method(loop)

    def on_fit_begin(self, loop):
        self._call("on_fit_begin", loop, self.callbacks)

    def on_iteration_begin(self, loop):
        self._call("on_iteration_begin", loop, self.callbacks)

    def on_iteration_end(self, loop):
        self._call("on_iteration_end", loop, self.callbacks)

    def on_fit_end(self, loop):
        self._call("on_fit_end", loop, reversed(self.callbacks))

    def on_fit_interrupted(self, loop):
        self._call("on_fit_interrupted", loop, reversed(self.callbacks))


#: How a fit's training score is had (``fit(train_score=...)``).
TRAIN_SCORES = ("batches", "full pass")


class FullPassTrainScore(Callback):
    """Scores the model on the whole training set at every evaluation and at the end, a pass
    over it, instead of reporting the replicas' scores on their batches."""

    def on_fit_begin(self, loop):
        loop.train_kind = "full pass"


class HistoryRecorder(Callback):
    """Keeps ``model.history``: one row per iteration (its cost, the scores when the model was
    evaluated, the seconds since the start) and, at the end, the final scores."""

    def on_fit_begin(self, loop):
        if loop.iteration == 0:  # a resumed fit continues the checkpoint's history
            loop.model.history = History(loop.measure, loop.train_kind)

    def on_iteration_end(self, loop):
        loop.model.history.append(loop.iteration, loop.info["cost"], loop.train_score,
                                  loop.valid_score, loop.seconds)

    def on_fit_end(self, loop):
        loop.model.history.final = loop.final_scores()


class KeepBest(Callback):
    """Keeps the model of the best validation score and restores it at the end, unless the
    last one is as good (ties go to the later model: more trained for the same score)."""

    def on_iteration_end(self, loop):
        if loop.evaluated and (loop.best is None
                               or not loop.better(loop.best.score, loop.valid_score)):
            loop.best = BestModel(loop.valid_score, loop.iteration,
                                  loop.model.get_parameters(), loop.model.get_state())

    def on_fit_end(self, loop):
        if loop.best is not None and loop.better(loop.best.score, loop.info["hits"]):
            loop.model.set_parameters(loop.best.weights)
            loop.model.set_state(loop.best.state)
            loop.model.history.best_iteration = loop.best.iteration


class StopWhen(Callback):
    """Ends the fit when stop criteria hold: early stopping. They see ``loop.info`` -- the
    iteration count, the last validation score ('hits') and the cost -- before the first
    iteration and after each one.

    Args:
        stops: a criterion of :mod:`learninspy.core.stops`, or a list of them (any stops).
    """

    def __init__(self, stops):
        self.stop = combine(stops)

    def on_fit_begin(self, loop):
        loop.scope.enter_context(self.stop)  # an OnSignal's handler, for this fit only
        self._replay(loop)
        loop.stop = loop.stop or bool(self.stop(loop.info))

    def on_iteration_end(self, loop):
        loop.stop = loop.stop or bool(self.stop(loop.info))

    def _replay(self, loop):
        """For a resumed fit, the calls the interrupted fit made, so that criteria which keep
        state (Patience, say) continue as they were."""
        history = loop.model.history
        if loop.iteration == 0 or history is None:
            return
        seen = {"iterations": 0, "hits": 0.0, "cost": float("inf")}
        for iteration, cost, valid in zip(history.iterations, history.cost, history.valid):
            self.stop(seen)
            seen = {"iterations": iteration, "cost": cost,
                    "hits": seen["hits"] if math.isnan(valid) else valid}


class Interruptible(Callback):
    """Ctrl+C (or SIGTERM) ends the fit gracefully: the first signal lets the current
    iteration finish and ends the fit there, as a stop criterion would (checkpoints, keep-best
    and the history see a normal end); a second one aborts at once (``KeyboardInterrupt``,
    the model back at the last finished iteration). The handlers are this fit's only, from
    the main thread.

    Attributes:
        received: the name of the signal that ended the fit ('SIGINT', ...), or None.
        at_iteration: the last iteration the fit finished when it ended on a signal.
    """

    def __init__(self, signals=(signal.SIGINT, signal.SIGTERM)):
        self.signals = tuple(signal.Signals(s) for s in signals)
        self.received, self.at_iteration = None, None

    def on_fit_begin(self, loop):
        if threading.current_thread() is not threading.main_thread():
            return
        self.received, self._loop = None, loop
        for sig in self.signals:
            loop.scope.callback(signal.signal, sig, signal.signal(sig, self._handler))

    def _handler(self, signum, frame):
        if self.received is not None:
            raise KeyboardInterrupt(f"a second {signal.Signals(signum).name}: aborted")
        self.received = signal.Signals(signum).name
        self._loop.stop = True

    def on_fit_end(self, loop):
        if self.received is not None:
            self.at_iteration = loop.iteration
