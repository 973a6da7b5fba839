"""Feature scalers: statistics fitted on one data set, applied to any other.

Both scalers are affine maps x' = (x - offset) / scale per column, fitted from the
engine-neutral statistics of a :class:`~learninspy.data.labeled.LabeledDataSet`
(``column_statistics``) and applied with its ``map_features``, so they work unchanged on local
and distributed data; they also take plain (n, d) arrays. Fit on the training set only and
transform every set with it, so that no statistic of the test set leaks into training::

    >>> scaler = StandardScaler().fit(np.array([[1.0, 10.0], [3.0, 30.0]]))
    >>> scaler.transform(np.array([[2.0, 20.0], [3.0, 30.0]]))
    array([[0.        , 0.        ],
           [0.70710678, 0.70710678]])
"""

import numpy as np

from learninspy._internal.checks import boolean, number
from learninspy._internal.registry import Registry
from learninspy.data.labeled import LabeledDataSet, column_statistics

__all__ = ["StandardScaler", "MinMaxScaler", "SCALERS", "scaler_from_dict", "as_table"]


def as_table(data, what):
    """``data`` as an (n, d) numeric array, or a ValueError naming ``what`` took it."""
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
            statistics = column_statistics(as_table(data, f"{type(self).__name__}.fit"))
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
        return function(as_table(data, f"{type(self).__name__}.transform"))

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
        self.mean, self.std = boolean("mean", mean), boolean("std", std)

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
        if not isinstance(feature_range, (tuple, list)) or len(feature_range) != 2:
            raise ValueError(f"feature_range must be (low, high), got {feature_range!r}")
        low, high = (number(f"feature_range[{i}]", v) for i, v in enumerate(feature_range))
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
SCALERS = Registry("scaling", {"standard": StandardScaler, "minmax": MinMaxScaler})


def scaler_from_dict(values, where="the scaler"):
    """The fitted scaler that ``to_dict()`` described.

    Raises:
        ValueError: a field missing or of the wrong type; the message names it, after
            ``where``.
    """
    kinds = {cls.__name__: cls for cls in SCALERS.values()}
    if not isinstance(values, dict):
        raise ValueError(f"{where} must be an object, got {values!r:.60}")
    if values.get("kind") not in kinds:
        raise ValueError(f"unknown scaler kind {values.get('kind')!r:.60} in {where}; valid "
                         f"kinds are {list(kinds)}")
    arguments = values.get("arguments")
    if not isinstance(arguments, dict):
        raise ValueError(f"{where}.arguments must be an object, got {arguments!r:.60}")
    vectors = {}
    for key in ("offset", "scale"):
        vector = values.get(key)
        if not isinstance(vector, list) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in vector) \
                or not np.all(np.isfinite(np.asarray(vector, dtype=np.float64))):
            raise ValueError(f"{where}.{key} must be a list of finite numbers, got "
                             f"{vector!r:.60}")
        vectors[key] = np.asarray(vector, dtype=np.float64)
    if len(vectors["offset"]) != len(vectors["scale"]) or not np.all(vectors["scale"] != 0):
        raise ValueError(f"{where}: offset and scale must have one value per column, the "
                         "scales non-zero")
    try:
        scaler = kinds[values["kind"]](**arguments)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}.arguments: {error}") from None
    scaler.offset_, scaler.scale_ = vectors["offset"], vectors["scale"]
    return scaler
