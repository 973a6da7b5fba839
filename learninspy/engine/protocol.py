"""What an engine is: the contract between ``fit`` and the places where replicas run.

``fit`` asks an :class:`Engine` to :meth:`~Engine.start` a :class:`Runner` on the training
data, then, at every global iteration, has the runner train one replica per seed from the
current weights and merges the :class:`~learninspy.core.merging.ReplicaResult` it returns.
Adding an engine takes one module implementing these two protocols and one row of the
contract tests, which check that it trains bit for bit as the local engine does.
"""

from dataclasses import dataclass
from typing import Any, Callable, Optional, Protocol, Sequence

from learninspy.core.merging import ReplicaResult

__all__ = ["ReplicaJob", "Runner", "Engine", "Scorer"]

#: ``score(model, measure) -> float``: a model's score on a data set the engine holds. A scorer
#: that holds resources has a ``close()`` method too, which ``fit`` calls at its end.
Scorer = Callable[[Any, str], float]


@dataclass(frozen=True)
class ReplicaJob:
    """What every replica of a fit trains with, the same at every iteration.

    Attributes:
        optimizer_params: the OptimizerParameters (algorithm, local stops, sampling, ...).
        mini_batch: examples per mini-batch.
        measure: the metric of the replicas' 'hits'.
        reproducible: True runs every replica with one BLAS thread, so that results do not
            depend on the scheduling.
    """

    optimizer_params: Any
    mini_batch: int
    measure: str
    reproducible: bool = False


class Runner(Protocol):
    """A fit's training data, placed where an engine trains replicas on it."""

    #: number of training examples
    n_train: int

    def place(self, replicas: int) -> None:
        """Put the training data where ``replicas`` replicas train on it (checking it, as
        ``fit`` does before any training); called once, before the first :meth:`run`."""

    def run(self, model, optimizer_state: Optional[dict],
            seeds: Sequence[int]) -> list[ReplicaResult]:
        """Train one replica per seed from the model's current weights and state (and
        ``optimizer_state``); results in the order of ``seeds``. The results' vectors may be
        the runner's own arrays (the model's, for a replica trained in place): they are read
        before the next run."""

    def score_train(self, model, measure: str) -> float:
        """``model``'s score on the whole training data."""

    def close(self) -> None:
        """Release what :meth:`Engine.start` acquired."""


class Engine(Protocol):
    """Where the replicas of a fit run."""

    #: shown in progress lines ("2 replicas on spark")
    name: str

    def default_parallelism(self) -> int:
        """The replicas of ``parallelism=0``: one per core the engine has."""

    def start(self, model, train, job: ReplicaJob) -> Runner:
        """Check ``train`` for ``model`` and place it for training."""

    def scorer(self, model, data) -> Scorer:
        """Check ``data`` (a validation set) once and return its scorer."""
