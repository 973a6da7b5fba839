"""What a model learns, and the data it accepts: the task its loss defines and the checks at
the API boundary.

:class:`Task` is a mixin of :class:`~learninspy.core.sequential.Sequential`. From the loss it
tells classification (class indices, a softmax or sigmoid output) from regression (a matrix of
targets) and the measures that score each; from the input and output shapes it checks every
data set once, where it enters the API, and names the first bad row, column or label. After
that, training and prediction take the arrays as they are.
"""

import numpy as np

from learninspy.core import loss as losses
from learninspy.data.labeled import one_hot, to_arrays
from learninspy.metrics import ClassificationMetrics, RegressionMetrics

__all__ = ["Task"]


def _first_bad_row(mask):
    rows = np.flatnonzero(~mask.reshape(len(mask), -1).all(axis=1))
    return int(rows[0]) if rows.size else None


def _first_non_finite_row(X, rows=16384):
    """The first row of ``X`` holding a NaN or an infinity, or None. Scans in blocks of rows,
    so that checking a large data set never doubles its memory."""
    for start in range(0, len(X), rows):
        bad = _first_bad_row(np.isfinite(X[start:start + rows]))
        if bad is not None:
            return start + bad
    return None


class Task:
    """The task side of a model: needs ``loss``, ``dtype``, ``input_shape``, ``output_shape``
    and ``build`` from the class it is mixed into."""

    @property
    def loss_record(self):
        if self.loss is None:
            raise ValueError(f"{type(self).__name__} has no loss; pass loss= "
                             f"(one of {losses.names()})")
        return losses.get(self.loss)

    @property
    def classification(self):
        """True when the loss is for classification (labels are class indices)."""
        return self.loss_record.fused_with is not None

    @property
    def binary(self):
        """True for two classes with one sigmoid output, the probability of class 1."""
        return self.loss_record.fused_with == "Sigmoid"

    @property
    def n_classes(self):
        """Number of classes of a classification model: its output units, 2 if binary."""
        return 2 if self.binary else int(np.prod(self.output_shape))

    def default_measure(self):
        return "F-measure" if self.classification else "R2"

    def check_measure(self, measure):
        """``measure`` (or the task's default) after checking it names a metric of the task."""
        measure = measure or self.default_measure()
        metrics = ClassificationMetrics if self.classification else RegressionMetrics
        if measure not in metrics.measures:
            task = "classification" if self.classification else "regression"
            raise ValueError(f"unknown measure {measure!r} for {task}; valid measures are "
                             f"{list(metrics.measures)}")
        return measure

    # --- Checking data at the API boundary ----------------------------------------------------

    def check_features(self, X):
        """``X`` as a (n, *input_shape) array of the model's dtype, checked."""
        X = np.asarray(X)
        if X.dtype.kind not in "fiub":
            raise TypeError(f"features must be numeric, got dtype {X.dtype}")
        if self.input_shape is None:
            self.build(X.shape[1:])
        if X.shape[1:] != self.input_shape:
            if X.ndim >= 2 and int(np.prod(X.shape[1:])) == int(np.prod(self.input_shape)):
                X = X.reshape((len(X),) + self.input_shape)
            else:
                width = X.shape[1] if X.ndim == 2 else X.shape[1:]
                raise ValueError(f"features have {width} columns per example but the model "
                                 f"takes inputs of shape {self.input_shape}")
        X = X.astype(self.dtype, copy=False)
        bad = _first_non_finite_row(X)
        if bad is not None:
            raise ValueError(f"features contain NaN or inf (first at row {bad})")
        return X

    def check_targets(self, y):
        """Checked targets: class indices (int64) for classification, a (n, k) array for
        regression."""
        y = np.asarray(y)
        if y.dtype.kind not in "fiub":
            raise TypeError(f"labels must be numeric, got dtype {y.dtype}")
        if self.binary and self.output_shape != (1,):
            raise ValueError(f"{self.loss} classifies two classes with one sigmoid output (the "
                             f"probability of class 1); the model's output has shape "
                             f"{self.output_shape}")
        if self.classification:
            y = y.reshape(len(y), -1)
            if y.shape[1] != 1:
                raise ValueError(f"classification labels must be one class index per example, "
                                 f"got {y.shape[1]} values per example")
            y = y[:, 0]
            indices = np.isfinite(y) & (y == np.round(y)) & (y >= 0)
            bad = _first_bad_row(indices & (y < self.n_classes))
            if bad is not None:
                message = (f"label {y[bad].item()!r} at row {bad} is not a class index in "
                           f"[0, {self.n_classes})")
                if indices.all():  # every label is a class index: the model has too few
                    classes = int(y.max()) + 1
                    message += (f": the labels name {classes} classes, but the model's "
                                f"output has {self.n_classes} (one unit per class); give its "
                                f"last layer {classes} units")
                raise ValueError(message)
            return y.astype(np.int64)
        y = y.reshape(len(y), -1).astype(self.dtype, copy=False)
        outputs = int(np.prod(self.output_shape))
        if y.shape[1] != outputs:
            raise ValueError(f"targets have {y.shape[1]} values per example but the model has "
                             f"{outputs} outputs")
        bad = _first_non_finite_row(y)
        if bad is not None:
            raise ValueError(f"targets contain NaN or inf (first at row {bad})")
        return y

    def labeled_arrays(self, data):
        """Checked ``(features, targets)`` of any accepted data set (see :mod:`learninspy.data`)."""
        X, y = to_arrays(data, dtype=self.dtype)
        if len(X) == 0:
            raise ValueError("the data set is empty")
        return self.check_features(X), self.check_targets(y)

    def target_matrix(self, targets):
        """The matrix the loss compares outputs with: one-hot rows for class indices, a
        column of 0 / 1 for binary classification."""
        if not self.classification:
            return targets
        if self.binary:
            return targets.reshape(-1, 1).astype(self.dtype)
        return one_hot(targets, self.n_classes, self.dtype)
