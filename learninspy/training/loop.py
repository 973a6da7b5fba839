"""What a fit is doing, as its callbacks see it."""

import contextlib
import time

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

__all__ = ["FitLoop", "BestModel"]


@dataclass
class BestModel:
    """The model of the best validation score so far (``keep_best``)."""

    score: float
    iteration: int
    weights: np.ndarray
    state: np.ndarray


@dataclass
class FitLoop:
    """The state of one ``fit``, handed to every callback hook.

    Attributes:
        model: the model being trained.
        engine: the engine's name ('local', 'spark', ...).
        replicas: replicas trained per iteration; mini_batch: their batch size.
        measure: the name of the scores; higher_is_better: whether a higher one is better.
        max_iterations: the iteration limit the stop criteria imply, or None.
        train_kind: how the training score is had: 'batches' (the replicas' batch scores,
            the default) or 'full pass' (a pass over the training data).
        base_seed: seeds every replica of the fit (see ``fit.replica_seed``).
        iteration: the iteration running (or last finished), 1, 2, ...; 0 before the first.
        info: what stop criteria see -- 'iterations', 'hits' (the last validation score) and
            'cost' (the replicas' mean cost at the last iteration).
        stop: set it to True to end the fit after the current iteration.
        results: the ReplicaResult of every replica at this iteration.
        optimizer_state: the merged optimizer state carried to the next iteration
            (``keep_state``), or None.
        evaluated: whether the model was scored at this iteration; train_score and
            valid_score are those scores (NaN when not evaluated), last_scores the latest ones.
        best: the best model so far, kept by the ``KeepBest`` callback, or None.
        started: ``time.monotonic()`` of the fit's start (earlier for a resumed fit).
        scope: an ExitStack the fit closes when it ends, however it ends: callbacks register
            what they must release there.
    """

    model: Any
    engine: str
    replicas: int
    mini_batch: int
    measure: str
    higher_is_better: bool
    score_train: Callable
    score_valid: Callable
    base_seed: int
    max_iterations: Optional[int] = None
    train_kind: str = "batches"
    iteration: int = 0
    info: dict = field(default_factory=lambda: {"iterations": 0, "hits": 0.0,
                                                "cost": float("inf")})
    stop: bool = False
    results: list = field(default_factory=list)
    optimizer_state: Optional[dict] = None
    evaluated: bool = False
    train_score: float = float("nan")
    valid_score: float = float("nan")
    last_scores: dict = field(default_factory=lambda: {"train": None, "valid": None})
    best: Optional[BestModel] = None
    started: float = field(default_factory=time.monotonic)
    scope: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    finished: Optional[tuple] = None  # where the running iteration started, to go back to
    _final: Optional[dict] = None

    @property
    def seconds(self):
        """Seconds since the fit started."""
        return time.monotonic() - self.started

    def better(self, score, reference):
        """Whether ``score`` beats ``reference`` for this fit's measure (NaN never does)."""
        return score > reference if self.higher_is_better else score < reference

    def training_score(self):
        """The training score of this iteration: by default the mean of the replicas' batch
        scores -- their predictions on the batches they trained on, as Keras reports
        training metrics, at no cost -- or, with ``train_kind`` 'full pass', the model's
        score on the whole training set (a pass over it)."""
        if self.train_kind == "full pass":
            return self.score_train(self.model, self.measure)
        return float(np.mean([result.batch_score for result in self.results])) \
            if self.results else float("nan")

    def final_scores(self):
        """The scores of the fit's end, {'train': ..., 'valid': ...}: the training score as
        :meth:`training_score` reports it, the validation score of the model as it ends the
        fit; computed on first call, once every callback that changes the model is done."""
        if self._final is None:
            self._final = {"train": self.training_score(),
                           "valid": self.score_valid(self.model, self.measure)}
        return self._final
