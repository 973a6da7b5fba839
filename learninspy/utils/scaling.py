"""Feature scalers: statistics fitted on one data set, applied to any other.

Both scalers are affine maps x' = (x - offset) / scale per column, fitted from the
engine-neutral statistics of a :class:`~learninspy.utils.data.LabeledDataSet`
(``column_statistics``) and applied with its ``map_features``, so they work unchanged on local
and distributed data; they also take plain (n, d) arrays. Fit on the training set only and
transform every set with it, so that no statistic of the test set leaks into training::

    >>> scaler = StandardScaler().fit(np.array([[1.0, 10.0], [3.0, 30.0]]))
    >>> scaler.transform(np.array([[2.0, 20.0], [3.0, 30.0]]))
    array([[0.        , 0.        ],
           [0.70710678, 0.70710678]])
"""

import numpy as np

from learninspy.utils.data import LabeledDataSet, column_statistics
from learninspy.utils.registry import NamedDict

__all__ = ["StandardScaler", "MinMaxScaler", "SCALERS", "scaler_from_dict"]


def _as_table(data, what):
    X = np.asarray(data)
    if X.ndim != 2 or X.dtype.kind not in "fiub":
        raise ValueError(f"{what} takes a LabeledDataSet or an (n, d) numeric array, got "
                         f"{type(data).__name__} of shape {X.shape}")
    return X


class _AffineScaler:
    """x' = (x - offset_) / scale_, column by column; subclasses compute offset_ and scale_
    from the statistics in :meth:`_fit_statistics`."""

    offset_ = scale_ = None

    def fit(self, data):
        """Compute the scaling from ``data`` (a LabeledDataSet or an (n, d) array); returns
        the scaler."""
        if isinstance(data, LabeledDataSet):
            statistics = data.column_statistics()
        else:
            statistics = column_statistics(_as_table(data, f"{type(self).__name__}.fit"))
        self._fit_statistics(statistics)
        return self

    def transform(self, data):
        """``data`` scaled: a data set of the same kind, or an array for an array."""
        return self._apply(data, self._forward)

    def fit_transform(self, data):
        return self.fit(data).transform(data)

    def inverse_transform(self, data):
        """Undo :meth:`transform`: the data in its original units."""
        return self._apply(data, self._backward)

    def _apply(self, data, function):
        if self.offset_ is None:
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit(data) "
                             "first")
        if isinstance(data, LabeledDataSet):
            return data.map_features(function)
        return function(_as_table(data, f"{type(self).__name__}.transform"))

    def _checked(self, X):
        if X.shape[1] != len(self.offset_):
            raise ValueError(f"features have {X.shape[1]} columns; this "
                             f"{type(self).__name__} was fitted on {len(self.offset_)}")
        return X, X.dtype if X.dtype.kind == "f" else np.dtype(np.float64)

    def _forward(self, X):
        X, dtype = self._checked(X)
        return ((X - self.offset_) / self.scale_).astype(dtype, copy=False)

    def _backward(self, X):
        X, dtype = self._checked(X)
        return (X * self.scale_ + self.offset_).astype(dtype, copy=False)

    def to_dict(self):
        """The fitted scaler as JSON-compatible values (see :func:`scaler_from_dict`)."""
        return {"kind": type(self).__name__, "arguments": self._arguments(),
                "offset": self.offset_.tolist(), "scale": self.scale_.tolist()}


class StandardScaler(_AffineScaler):
    """Standardise each column: subtract its mean, divide by its standard deviation.

    A constant column is only centred (its standard deviation counts as 1).

    Args:
        mean: bool, subtract the mean.
        std: bool, divide by the (unbiased) standard deviation.

    Attributes:
        mean_, std_: the fitted per-column statistics.
    """

    def __init__(self, mean=True, std=True):
        self.mean, self.std = mean, std

    def _arguments(self):
        return {"mean": self.mean, "std": self.std}

    def _fit_statistics(self, statistics):
        self.mean_ = statistics["mean"]
        self.std_ = np.sqrt(statistics["variance"])
        self.offset_ = self.mean_ if self.mean else np.zeros_like(self.mean_)
        self.scale_ = np.where(self.std_ > 0, self.std_, 1.0) if self.std \
            else np.ones_like(self.std_)


class MinMaxScaler(_AffineScaler):
    """Map each column's [min, max] onto ``feature_range``.

    A constant column is shifted to the range's low end.

    Args:
        feature_range: tuple (low, high), low < high.

    Attributes:
        data_min_, data_max_: the fitted per-column extremes.
    """

    def __init__(self, feature_range=(0.0, 1.0)):
        low, high = feature_range
        if not low < high:
            raise ValueError(f"feature_range must be (low, high) with low < high, got "
                             f"{feature_range!r}")
        self.feature_range = feature_range

    def _arguments(self):
        return {"feature_range": list(self.feature_range)}

    def _fit_statistics(self, statistics):
        low, high = self.feature_range
        self.data_min_, self.data_max_ = statistics["min"], statistics["max"]
        spread = self.data_max_ - self.data_min_
        self.scale_ = np.where(spread > 0, spread, 1.0) / (high - low)
        self.offset_ = self.data_min_ - low * self.scale_


#: Scalers by the names configuration files use.
SCALERS = NamedDict("scaling", {"standard": StandardScaler, "minmax": MinMaxScaler})


def scaler_from_dict(values):
    """The fitted scaler that ``to_dict()`` described."""
    kinds = {cls.__name__: cls for cls in SCALERS.values()}
    if values.get("kind") not in kinds:
        raise ValueError(f"unknown scaler kind {values.get('kind')!r}; valid kinds are "
                         f"{list(kinds)}")
    scaler = kinds[values["kind"]](**values["arguments"])
    scaler.offset_ = np.asarray(values["offset"], dtype=np.float64)
    scaler.scale_ = np.asarray(values["scale"], dtype=np.float64)
    return scaler


class ScaledModel:
    """A trained model with the scalers fitted on its training data: it takes features and
    gives predictions in the data's own units.

    Args:
        model: a trained model (NeuralNetwork, Sequential).
        feature_scaler: optional fitted scaler applied to the features before the model.
        target_scaler: optional fitted scaler of a regression model's targets; predictions
            are mapped back through its ``inverse_transform``.
    """

    def __init__(self, model, feature_scaler=None, target_scaler=None):
        self.model, self.feature_scaler, self.target_scaler = model, feature_scaler, target_scaler

    @property
    def classification(self):
        return self.model.classification

    def features(self, X):
        """``X`` as the model takes it (scaled)."""
        return X if self.feature_scaler is None else self.feature_scaler.transform(X)

    def training_data(self, data):
        """A LabeledDataSet as the model trains on it: features and (regression) targets
        scaled."""
        scaled = self.features(data)
        if self.target_scaler is None:
            return scaled
        from learninspy.utils.data import LocalLabeledDataSet
        targets = np.asarray(scaled.labels)
        return LocalLabeledDataSet((scaled.features, self.target_scaler.transform(
            targets.reshape(len(targets), -1))), dtype=scaled.features.dtype)

    def predict(self, X):
        """Class probabilities (classification) or values in the targets' units, (n, k)."""
        outputs = self.model.predict(self.features(_as_table(X, "predict")))
        if self.target_scaler is not None:
            outputs = self.target_scaler.inverse_transform(outputs)
        return outputs

    def metrics(self, data):
        """Every metric of the task on labeled ``data`` (any accepted data set, in the data's
        own units): Accuracy, F-measure, Precision and Recall for classification; R2, RMSE,
        MAE and MSE for regression.

        Returns:
            dict, metric name -> value.
        """
        from learninspy.utils.data import to_arrays
        from learninspy.utils.evaluation import metrics_for
        X, y = to_arrays(data, dtype=np.float64)
        y = y.reshape(len(y), -1)
        targets = y if self.target_scaler is None else self.target_scaler.transform(y)
        _, predicted = self.model.evaluate((self.features(X), targets), predictions=True)
        if self.classification:
            measures = ("Accuracy", "F-measure", "Precision", "Recall")
            metrics = metrics_for(True, predicted, y[:, 0], self.model.n_classes)
        else:
            measures = ("R2", "RMSE", "MAE", "MSE")
            if self.target_scaler is not None:
                predicted = self.target_scaler.inverse_transform(predicted)
            metrics = metrics_for(False, predicted, y)
        return {measure: metrics.evaluate(measure) for measure in measures}

    def save(self, path, extra=None):
        """Write the model and its scalers to one model file (see ``core.persistence``),
        with optional ``extra`` JSON-compatible metadata."""
        from learninspy.core import persistence
        scalers = {name: None if scaler is None else scaler.to_dict() for name, scaler in
                   (("feature_scaler", self.feature_scaler),
                    ("target_scaler", self.target_scaler))}
        persistence.save(self.model, path, extra={**(extra or {}), "scalers": scalers})

    @classmethod
    def load(cls, path):
        """(ScaledModel, extra metadata) from a file written by :meth:`save` or by a model's
        own ``save`` (which has no scalers)."""
        from learninspy.core import persistence
        model, extra = persistence.load(path, with_extra=True)
        scalers = extra.pop("scalers", None) or {}
        restored = {name: None if values is None else scaler_from_dict(values)
                    for name, values in scalers.items()}
        return cls(model, **restored), extra
