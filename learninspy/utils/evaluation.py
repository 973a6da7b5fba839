"""Metrics for classification and regression, named by the keys ``measure=`` takes.

* :class:`ClassificationMetrics`: 'Accuracy', 'Precision', 'Recall', 'F-measure'.
* :class:`RegressionMetrics`: 'MSE', 'RMSE', 'MAE', 'R2', 'ExplVar'.

Both take the predictions paired with the true values, either as an iterable of
``(predicted, actual)`` pairs (as the original API did) or as a tuple of two NumPy arrays
``(predicted, actual)``; everything is computed with vectorised NumPy.
"""

import numpy as np

from learninspy.utils.registry import UnknownNameError

__all__ = ["ClassificationMetrics", "RegressionMetrics", "metrics_for", "predicted_classes",
           "metrics_table"]


def _split_pairs(predicted_and_labels):
    """(predicted, actual) arrays from a pair of NumPy arrays or an iterable of pairs."""
    if (isinstance(predicted_and_labels, tuple) and len(predicted_and_labels) == 2
            and all(isinstance(a, np.ndarray) for a in predicted_and_labels)):
        predicted, actual = predicted_and_labels
    else:
        pairs = list(predicted_and_labels)
        predicted = [p for p, _ in pairs]
        actual = [a for _, a in pairs]
    predicted, actual = np.asarray(predicted, dtype=float), np.asarray(actual, dtype=float)
    if len(predicted) != len(actual):
        raise ValueError(f"{len(predicted)} predictions for {len(actual)} true values")
    if len(actual) == 0:
        raise ValueError("cannot evaluate an empty set of predictions")
    return predicted, actual


class _Metrics:
    measures = {}

    def evaluate(self, measure):
        """The value of the measure named ``measure`` (a key of ``measures``)."""
        if measure not in self.measures:
            raise UnknownNameError("measure", measure, self.measures)
        return float(getattr(self, self.measures[measure])())


class ClassificationMetrics(_Metrics):
    """Metrics of a classification into ``n_classes`` classes.

    Per-class precision and recall follow their usual definitions; a ratio with nothing to
    count (no prediction of a class, say) is 0. Without ``label``, precision and recall are
    macro-averaged over the classes present in the predictions or the true labels, and the
    F-measure combines the two averages (Sokolova & Lapalme, 2009).

    Args:
        predicted_and_labels: iterable of (predicted, actual) pairs, or a tuple of two arrays.
        n_classes: int, number of classes.

    >>> metrics = ClassificationMetrics(list(zip([0, 1, 0, 2, 2, 1], [0, 1, 1, 2, 1, 0])), 3)
    >>> metrics.accuracy(), round(metrics.precision(), 4), round(metrics.recall(), 4)
    (0.5, 0.5, 0.6111)
    >>> round(metrics.f_measure(), 4)
    0.55
    """

    measures = {"Accuracy": "accuracy", "Precision": "precision", "Recall": "recall",
                "F-measure": "f_measure"}

    def __init__(self, predicted_and_labels, n_classes):
        predicted, actual = _split_pairs(predicted_and_labels)
        self.n_classes = int(n_classes)
        for what, values in (("predicted", predicted), ("actual", actual)):
            bad = np.flatnonzero((values != np.round(values)) | (values < 0)
                                 | (values >= self.n_classes))
            if bad.size:
                raise ValueError(f"{what} class {values[bad[0]].item()!r} at position {bad[0]} is not "
                                 f"an integer in [0, {self.n_classes})")
        self.predicted, self.actual = predicted.astype(np.int64), actual.astype(np.int64)
        self.n_elem = len(actual)
        self._confusion = np.bincount(self.actual * self.n_classes + self.predicted,
                                      minlength=self.n_classes ** 2
                                      ).reshape(self.n_classes, self.n_classes)
        self.tp = np.diag(self._confusion)
        self.fp = self._confusion.sum(axis=0) - self.tp
        self.fn = self._confusion.sum(axis=1) - self.tp
        self._present = (self._confusion.sum(axis=0) + self._confusion.sum(axis=1)) > 0

    def confusion_matrix(self):
        """Counts of (actual, predicted): rows are the true classes, columns the predicted."""
        return self._confusion.copy()

    @staticmethod
    def _ratio(numerator, denominator):
        return np.divide(numerator, denominator, out=np.zeros(len(numerator)),
                         where=denominator > 0)

    def _per_class(self, positives):
        return self._ratio(self.tp.astype(float), (self.tp + positives).astype(float))

    def _average(self, values, label):
        if label is not None:
            return float(values[self._check_label(label)])
        return float(values[self._present].mean())

    def _check_label(self, label):
        if int(label) != label or not 0 <= label < self.n_classes:
            raise ValueError(f"label must be an integer in [0, {self.n_classes}), got {label!r}")
        return int(label)

    def accuracy(self, label=None):
        """Fraction of correct predictions; for one ``label``, TP / (TP + FP + FN)."""
        if label is None:
            return float(np.trace(self._confusion)) / self.n_elem
        c = self._check_label(label)
        total = self.tp[c] + self.fp[c] + self.fn[c]
        return float(self.tp[c]) / total if total else 0.0

    def precision(self, label=None):
        """TP / (TP + FP), of one class or macro-averaged."""
        return self._average(self._per_class(self.fp), label)

    def recall(self, label=None):
        """TP / (TP + FN), of one class or macro-averaged."""
        return self._average(self._per_class(self.fn), label)

    def f_measure(self, beta=1, label=None):
        """(1 + beta^2) P R / (beta^2 P + R), of precision P and recall R."""
        p, r = self.precision(label), self.recall(label)
        b2 = beta * beta
        return (1 + b2) * p * r / (b2 * p + r) if (b2 * p + r) > 0 else 0.0


class RegressionMetrics(_Metrics):
    """Metrics of a regression with one or several outputs.

    With several outputs (an autoencoder's reconstruction, say) the errors of all outputs are
    pooled: R2 = 1 - SS_res / SS_tot, where SS_tot sums the squared deviations of each output
    from its own mean, which weighs outputs by their variance and stays defined when some
    output is constant.

    Args:
        predicted_and_labels: iterable of (predicted, actual) pairs, or a tuple of two arrays.
    """

    measures = {"MSE": "mse", "RMSE": "rmse", "MAE": "mae", "R2": "r2",
                "ExplVar": "explained_variance"}

    def __init__(self, predicted_and_labels):
        predicted, actual = _split_pairs(predicted_and_labels)
        predicted, actual = predicted.reshape(len(predicted), -1), actual.reshape(len(actual), -1)
        if predicted.shape != actual.shape:
            raise ValueError(f"predictions have shape {predicted.shape}, true values "
                             f"{actual.shape}")
        self.predicted, self.actual = predicted, actual
        self.n_elem = len(actual)
        self.error = actual - predicted

    def mse(self):
        """Mean squared error."""
        return float(np.mean(self.error ** 2))

    def rmse(self):
        """Root of the mean squared error."""
        return float(np.sqrt(self.mse()))

    def mae(self):
        """Mean absolute error."""
        return float(np.mean(np.abs(self.error)))

    def _pooled(self, residual_term):
        total = float(((self.actual - self.actual.mean(axis=0)) ** 2).sum())
        if total == 0.0:
            return 1.0 if residual_term == 0.0 else 0.0
        return 1.0 - residual_term / total

    def r2(self):
        """Coefficient of determination, 1 - SS_res / SS_tot."""
        return self._pooled(float((self.error ** 2).sum()))

    def explained_variance(self):
        """1 - Var(error) / Var(actual), pooled over outputs."""
        return self._pooled(float(((self.error - self.error.mean(axis=0)) ** 2).sum()))


def metrics_for(classification, predicted, actual, n_classes=None):
    """The metrics object for a task: classification (with ``n_classes``) or regression."""
    if classification:
        return ClassificationMetrics((predicted, actual), n_classes)
    return RegressionMetrics((predicted, actual))


def predicted_classes(outputs):
    """Class indices from a classifier's outputs: the most probable of k softmax outputs, or
    p > 0.5 for a single sigmoid output (binary classification)."""
    outputs = np.asarray(outputs)
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > 0.5).astype(np.int64)
    return outputs.argmax(axis=1)


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
        f"  {values[name]:>{c}.4f}" if name in values else f"  {'-':>{c}}"
        for values, c in zip(columns.values(), cells)) for name in names]
    return "\n".join([header, rule, *rows, rule])
