"""Metrics of a classification: 'Accuracy', 'Precision', 'Recall', 'F-measure'."""

import numpy as np

from learninspy.metrics.base import Metrics, split_pairs

__all__ = ["ClassificationMetrics", "predicted_classes"]


class ClassificationMetrics(Metrics):
    """Metrics of a classification into ``n_classes`` classes.

    Per-class precision and recall follow their usual definitions; a ratio with nothing to
    count (no prediction of a class, say) is 0. Without ``label``, precision and recall are
    macro-averaged over the classes present in the predictions or the true labels, and the
    F-measure combines the two averages (Sokolova & Lapalme, 2009); ``macro=False`` gives the
    micro averages instead, sum(TP) / sum(TP + FP) and sum(TP) / sum(TP + FN), which equal the
    accuracy when each example has one class.

    learninspy 0.1 averaged over all ``n_classes`` and counted a ratio with nothing to count
    as 1.0, so that a class never predicted had a perfect precision; the two agree when every
    class is predicted and present.

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
        predicted, actual = split_pairs(predicted_and_labels)
        self.n_classes = int(n_classes)
        for what, values in (("predicted", predicted), ("actual", actual)):
            bad = np.flatnonzero((values != np.round(values)) | (values < 0)
                                 | (values >= self.n_classes))
            if bad.size:
                raise ValueError(f"{what} class {values[bad[0]].item()!r} at position {bad[0]} "
                                 f"is not an integer in [0, {self.n_classes})")
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

    def _average(self, values, positives, label, macro):
        if label is not None:
            return float(values[self._check_label(label)])
        if not macro:
            return float(self.tp.sum()) / float((self.tp + positives).sum())
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

    def precision(self, label=None, macro=True):
        """TP / (TP + FP), of one class, macro-averaged, or micro-averaged (``macro=False``)."""
        return self._average(self._per_class(self.fp), self.fp, label, macro)

    def recall(self, label=None, macro=True):
        """TP / (TP + FN), of one class, macro-averaged, or micro-averaged (``macro=False``)."""
        return self._average(self._per_class(self.fn), self.fn, label, macro)

    def f_measure(self, beta=1, label=None, macro=True):
        """(1 + beta^2) P R / (beta^2 P + R), of precision P and recall R (of one class, or
        both macro- or micro-averaged)."""
        p, r = self.precision(label, macro), self.recall(label, macro)
        b2 = beta * beta
        return (1 + b2) * p * r / (b2 * p + r) if (b2 * p + r) > 0 else 0.0


def predicted_classes(outputs):
    """Class indices from a classifier's outputs: the most probable of k softmax outputs, or
    p > 0.5 for a single sigmoid output (binary classification)."""
    outputs = np.asarray(outputs)
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > 0.5).astype(np.int64)
    return outputs.argmax(axis=1)
