"""Merging replicas: the weighted average that turns the models trained in parallel into one.

Each replica of an iteration starts from the same model and trains on its own samples
(:func:`learninspy.core.optimization.optimize`); :func:`merge_models` averages their parameter
vectors, their non-trainable state and their optimizers' states, weighing each replica by how
good it is.
"""

from dataclasses import dataclass, fields

import numpy as np

__all__ = ["MERGE_CRITERIA", "MERGE_GOALS", "ReplicaResult", "MergedModel", "merge_models",
           "mix_models"]

#: How replicas weigh: equally, by their score (or inverse cost), or by its logarithm.
MERGE_CRITERIA = ("avg", "w_avg", "log_avg")
#: What the weight is computed from.
MERGE_GOALS = ("hits", "cost")


class _Record:
    """Read as a dict too (``result['weights']``), as learninspy's earlier versions returned
    dicts."""

    def __getitem__(self, key):
        if key not in {f.name for f in fields(self)}:
            raise KeyError(key)
        return getattr(self, key)

    @classmethod
    def of(cls, value):
        """``value`` itself, or the record a dict with the same keys describes."""
        if isinstance(value, cls):
            return value
        names = {f.name for f in fields(cls)}
        return cls(**{key: item for key, item in dict(value).items() if key in names})


@dataclass
class ReplicaResult(_Record):
    """What one replica trained in an iteration (see ``optimization.optimize``).

    Attributes:
        weights, state: the replica's flat parameter and state vectors.
        optimizer_state: its optimizer's state (dict of arrays), or None.
        hits: its score on its batch; cost: its cost on its last batch.
        batch_score: the score of its steps' own predictions on the batches they trained on.
        iterations: local steps taken; seed: the seed it ran with.
        diverged: True if its cost became NaN or inf (the weights are then those of its last
            finite step).
    """

    weights: np.ndarray
    state: np.ndarray
    optimizer_state: dict = None
    hits: float = 0.0
    cost: float = float("inf")
    iterations: int = 0
    seed: int = None
    diverged: bool = False
    batch_score: float = float("nan")


@dataclass
class MergedModel(_Record):
    """The replicas of an iteration merged: the weights, state and optimizer state (or
    None) to continue from."""

    weights: np.ndarray
    state: np.ndarray
    optimizer_state: dict = None


def _merge_weight(result, criter, goal, higher_is_better):
    if criter == "avg":
        return 1.0
    value = getattr(result, goal)
    if goal == "hits" and higher_is_better:
        quality = max(value, 0.0)
    else:  # a cost, or a score where lower is better: the weight falls as the value rises
        quality = 1.0 / (max(value, 0.0) + 1e-8)
    return quality if criter == "w_avg" else float(np.log1p(quality))


def merge_models(results_rdd, criter="w_avg", goal="hits", higher_is_better=True):
    """Merge replicas into one model by a weighted average of their parameters.

    Each replica weighs by how good it is on ``goal``:

    * 'avg': every replica weighs 1 (plain average);
    * 'w_avg': linear weight -- the score for 'hits', the inverse of the cost for 'cost';
    * 'log_avg': logarithmic weight, log(1 + linear weight), which narrows the differences.

    A better replica always weighs more. Negative scores count as 0, and if every weight is 0
    the replicas are averaged plainly. The non-trainable state and, when present, the
    optimizers' states are averaged with the same weights. For BatchNormalization's running
    statistics this is exact: they are moving averages, linear in each batch's mean and
    variance, and every replica starts the iteration from the same values, so the merged
    statistics are the moving averages of the replicas' batch statistics averaged step by step.

    Args:
        results_rdd: the results of :func:`~learninspy.core.optimization.optimize`
            (:class:`ReplicaResult`, or dicts with the same keys), a list or an RDD (which is
            collected).
        criter: 'avg', 'w_avg' or 'log_avg'.
        goal: 'hits' or 'cost'.
        higher_is_better: False when 'hits' is a measure to minimise (MSE, RMSE, MAE).

    Returns:
        MergedModel: the merged 'weights', 'state' and 'optimizer_state' (or None).
    """
    if criter not in MERGE_CRITERIA:
        raise ValueError(f"criter must be one of {list(MERGE_CRITERIA)}, got {criter!r}")
    if goal not in MERGE_GOALS:
        raise ValueError(f"goal must be one of {list(MERGE_GOALS)}, got {goal!r}")
    results = results_rdd.collect() if hasattr(results_rdd, "collect") else list(results_rdd)
    results = [ReplicaResult.of(result) for result in results]
    if not results:
        raise ValueError("there are no replicas to merge")
    weights = np.array([_merge_weight(r, criter, goal, higher_is_better) for r in results])
    if not np.all(np.isfinite(weights)) or weights.sum() <= 0:
        weights = np.ones(len(results))

    def average(vectors):
        if len(vectors) == 1:  # merging one replica is the identity: no copy
            return vectors[0]
        if np.all(weights == weights[0]):
            total = vectors[0].copy()
            for vector in vectors[1:]:
                total += vector
            total *= total.dtype.type(1.0 / len(vectors))
            return total
        fractions = weights / weights.sum()
        total = vectors[0] * vectors[0].dtype.type(fractions[0])
        for fraction, vector in zip(fractions[1:], vectors[1:]):
            total += vector * vector.dtype.type(fraction)
        return total

    optimizer_state = None
    if results[0].optimizer_state is not None:
        optimizer_state = {key: average([np.asarray(r.optimizer_state[key]) for r in results])
                           for key in results[0].optimizer_state}
    return MergedModel(average([r.weights for r in results]),
                       average([r.state for r in results]), optimizer_state)


def mix_models(left, right):
    """The sum of two models given as equal-length lists of layers or arrays."""
    if len(left) != len(right):
        raise ValueError(f"cannot mix {len(left)} layers with {len(right)}")
    return [a + b for a, b in zip(left, right)]
