"""Metrics for classification and regression, named by the keys ``measure=`` takes.

* :class:`ClassificationMetrics`: 'Accuracy', 'Precision', 'Recall', 'F-measure'.
* :class:`RegressionMetrics`: 'MSE', 'RMSE', 'MAE', 'R2', 'ExplVar'.

Both take the predictions paired with the true values, either as an iterable of
``(predicted, actual)`` pairs (as learninspy 0.1 did) or as a tuple of two NumPy arrays
``(predicted, actual)``; everything is computed with vectorised NumPy.
"""

from learninspy.metrics.classification import ClassificationMetrics, predicted_classes
from learninspy.metrics.regression import RegressionMetrics

__all__ = ["ClassificationMetrics", "RegressionMetrics", "metrics_for", "predicted_classes",
           "metrics_table", "LOWER_IS_BETTER", "higher_is_better"]

#: Measures where a lower value is better; the others are scores to maximise.
LOWER_IS_BETTER = frozenset({"MSE", "RMSE", "MAE"})


def higher_is_better(measure):
    """True for a score to maximise, False for an error to minimise."""
    return measure not in LOWER_IS_BETTER


def metrics_for(classification, predicted, actual, n_classes=None):
    """The metrics object for a task: classification (with ``n_classes``) or regression."""
    if classification:
        return ClassificationMetrics((predicted, actual), n_classes)
    return RegressionMetrics((predicted, actual))


def metrics_table(columns):
    """Metrics as an aligned text table, one column per data set.

    Args:
        columns: dict, column title -> {metric name -> value}, e.g.
            ``{'train': {'Accuracy': 0.98}, 'test': {'Accuracy': 0.95}}``.

    >>> print(metrics_table({'test': {'Accuracy': 0.95, 'F-measure': 0.9512}}))
    metric           test
    ---------------------
    Accuracy       0.9500
    F-measure      0.9512
    ---------------------
    """
    names = list(dict.fromkeys(name for values in columns.values() for name in values))
    width = max(len("metric"), *(len(name) for name in names))
    cells = [max(10, len(title)) for title in columns]
    header = f"{'metric':<{width}}" + "".join(f"  {t:>{c}}" for t, c in zip(columns, cells))
    rule = "-" * len(header)
    rows = [f"{name:<{width}}" + "".join(
        f"  {values[name]:>{c}.4f}" if values.get(name) is not None else f"  {'-':>{c}}"
        for values, c in zip(columns.values(), cells)) for name in names]
    return "\n".join([header, rule, *rows, rule])
