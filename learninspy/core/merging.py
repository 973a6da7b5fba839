"""Merging replicas: the weighted average that turns the models trained in parallel into one.

Each replica of an iteration starts from the same model and trains on its own samples
(:func:`learninspy.core.optimization.optimize`); :func:`merge_models` averages their parameter
vectors, their non-trainable state and their optimizers' states, weighing each replica by how
good it is.
"""

import numpy as np

__all__ = ["MERGE_CRITERIA", "MERGE_GOALS", "merge_models", "mix_models"]

#: How replicas weigh: equally, by their score (or inverse cost), or by its logarithm.
MERGE_CRITERIA = ("avg", "w_avg", "log_avg")
#: What the weight is computed from.
MERGE_GOALS = ("hits", "cost")


def _merge_weight(result, criter, goal, higher_is_better):
    if criter == "avg":
        return 1.0
    value = result[goal]
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
        results_rdd: the results of :func:`optimize`, a list (or an RDD, which is collected).
        criter: 'avg', 'w_avg' or 'log_avg'.
        goal: 'hits' or 'cost'.
        higher_is_better: False when 'hits' is a measure to minimise (MSE, RMSE, MAE).

    Returns:
        dict with the merged 'weights', 'state' and 'optimizer_state' (or None).
    """
    if criter not in MERGE_CRITERIA:
        raise ValueError(f"criter must be one of {list(MERGE_CRITERIA)}, got {criter!r}")
    if goal not in MERGE_GOALS:
        raise ValueError(f"goal must be one of {list(MERGE_GOALS)}, got {goal!r}")
    results = results_rdd.collect() if hasattr(results_rdd, "collect") else list(results_rdd)
    if not results:
        raise ValueError("there are no replicas to merge")
    weights = np.array([_merge_weight(r, criter, goal, higher_is_better) for r in results])
    if not np.all(np.isfinite(weights)) or weights.sum() <= 0:
        weights = np.ones(len(results))

    def average(vectors):
        if len(vectors) == 1:
            return vectors[0].copy()
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

    merged = {"weights": average([r["weights"] for r in results]),
              "state": average([r["state"] for r in results]), "optimizer_state": None}
    if results[0].get("optimizer_state") is not None:
        merged["optimizer_state"] = {
            key: average([np.asarray(r["optimizer_state"][key]) for r in results])
            for key in results[0]["optimizer_state"]}
    return merged


def mix_models(left, right):
    """The sum of two models given as equal-length lists of layers or arrays."""
    if len(left) != len(right):
        raise ValueError(f"cannot mix {len(left)} layers with {len(right)}")
    return [a + b for a, b in zip(left, right)]
