"""Labeled data: points, data sets and the conversions every API entry point shares.

Wherever a data set is expected (``fit``, ``evaluate``, ``cost_overall``, ...) learninspy takes:

* a :class:`LabeledDataSet`;
* a pair ``(X, y)``: features of shape (n, n_features) and labels or targets of n rows;
* a list of labeled points: objects with ``.features`` and ``.label``, such as pyspark's
  ``LabeledPoint`` or this module's own :class:`LabeledPoint`, usable without Spark.

:func:`to_arrays` turns any of them into a pair of NumPy arrays.
"""

import numpy as np

from learninspy.utils.sampling import BatchSampler

__all__ = ["LabeledPoint", "LabeledDataSet", "LocalLabeledDataSet", "label_to_vector",
           "to_arrays", "subsample", "split_data", "load_iris", "load_ccpp", "load_mnist", "load_boston"]


class LabeledPoint:
    """A feature vector and its label; same constructor and attributes as pyspark's.

    Args:
        label: float (a class index or a regression target) or array of targets.
        features: array-like vector.
    """

    __slots__ = ("label", "features")

    def __init__(self, label, features):
        self.label = label
        self.features = np.asarray(features, dtype=float)

    def __repr__(self):
        return f"LabeledPoint({self.label!r}, {self.features!r})"

    def __eq__(self, other):
        return (isinstance(other, LabeledPoint) and np.array_equal(self.label, other.label)
                and np.array_equal(self.features, other.features))

    def __reduce__(self):
        return LabeledPoint, (self.label, self.features)


def label_to_vector(label, n_classes):
    """Binary vector of ``n_classes`` values with a 1 at index ``label``."""
    index = int(label)
    if index != label or not 0 <= index < n_classes:
        raise ValueError(f"label must be an integer in [0, {n_classes}), got {label!r}")
    vector = np.zeros(n_classes)
    vector[index] = 1.0
    return vector


class LabeledDataSet:
    """Interface of a labeled data set, shared by local and distributed implementations.

    Attributes:
        features: the feature vectors (an (n, d) array for local data).
        labels: the labels (an (n,) or (n, k) array for local data).
        shape: tuple (number of rows, number of features).
    """

    features = labels = None

    @property
    def shape(self):
        raise NotImplementedError

    def collect(self):
        """The whole data set as a list of :class:`LabeledPoint`."""
        raise NotImplementedError


class LocalLabeledDataSet(LabeledDataSet):
    """A labeled data set held in memory as two NumPy arrays.

    Args:
        data: a pair ``(X, y)``, a list of labeled points, or another LabeledDataSet.
        dtype: dtype of the features (float32 by default, as training uses).
    """

    def __init__(self, data, dtype=np.float32):
        self.features, self.labels = to_arrays(data, dtype=dtype)

    @property
    def shape(self):
        return self.features.shape

    def __len__(self):
        return len(self.features)

    def collect(self):
        return [LabeledPoint(label, row) for row, label in zip(self.features, self.labels)]

    def __repr__(self):
        return f"LocalLabeledDataSet(shape={self.shape})"


def _vector(features):
    to_array = getattr(features, "toArray", None)  # pyspark SparseVector and DenseVector
    return to_array() if to_array is not None else features


def _is_point(item):
    return hasattr(item, "features") and hasattr(item, "label")


def to_arrays(data, dtype=np.float32):
    """Features and labels of ``data`` as arrays.

    Args:
        data: a LabeledDataSet, a pair ``(X, y)`` or a list of labeled points.
        dtype: dtype of the returned features.

    Returns:
        tuple (X, y): X of shape (n, n_features) and ``dtype``; y as given (float, or as the
        array passed), of n rows.

    Raises:
        TypeError: ``data`` is none of the accepted forms.
        ValueError: features and labels disagree in length, or rows differ in width.
    """
    if isinstance(data, LabeledDataSet):
        if not isinstance(data, LocalLabeledDataSet) and not isinstance(data.features, np.ndarray):
            raise TypeError(f"{type(data).__name__} is not held locally; collect it first or "
                            "use the Spark engine")
        X, y = data.features, data.labels
    elif isinstance(data, tuple) and len(data) == 2 and not _is_point(data[0]):
        X, y = data
    elif isinstance(data, (list, tuple)) or (hasattr(data, "__iter__") and not hasattr(data, "shape")):
        points = list(data)
        if not all(_is_point(p) for p in points):
            bad = next(i for i, p in enumerate(points) if not _is_point(p))
            raise TypeError(f"item {bad} of the data is a {type(points[bad]).__name__}, not a "
                            "labeled point (an object with .features and .label)")
        try:
            X = np.array([np.asarray(_vector(p.features), dtype=dtype).ravel() for p in points],
                         dtype=dtype)
        except ValueError:
            widths = [np.size(_vector(p.features)) for p in points]
            bad = next(i for i, w in enumerate(widths) if w != widths[0])
            raise ValueError(f"labeled point {bad} has {widths[bad]} features, point 0 has "
                             f"{widths[0]}") from None
        y = np.array([p.label for p in points], dtype=float)
        if len(points) == 0:
            X = X.reshape(0, 0)
    else:
        raise TypeError("data must be a LabeledDataSet, a pair (X, y) or a list of labeled "
                        f"points, got {type(data).__name__}")
    X = np.asarray(X)
    if X.dtype.kind not in "fiub":
        raise TypeError(f"features must be numeric, got dtype {X.dtype}")
    X = X.astype(dtype, copy=False)
    y = np.asarray(y)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if len(X) != len(y):
        raise ValueError(f"features have {len(X)} rows but labels have {len(y)}")
    return X, y


def subsample(data, size, balanced=False, seed=123):
    """A random sample of ``size`` rows of ``data``, without replacement while rows remain.

    Args:
        data: anything :func:`to_arrays` accepts.
        size: int, number of rows.
        balanced: bool; True gives every class (the labels must be class indices) the same
            share of the sample.
        seed: int or numpy Generator.

    Returns:
        LocalLabeledDataSet.
    """
    X, y = to_arrays(data)
    classes = y.astype(np.int64) if balanced else None
    rows = BatchSampler(len(X), classes, np.random.default_rng(seed)).sample(int(size))
    return LocalLabeledDataSet((X[rows], y[rows]))


def split_data(data, fractions, seed=123, balanced=False):
    """Split ``data`` at random into parts of the given fractions.

    Args:
        data: anything :func:`to_arrays` accepts.
        fractions: list of floats > 0 summing to 1 (e.g. [0.7, 0.15, 0.15]).
        seed: int, seeds the shuffling.
        balanced: bool; True splits every class in the same fractions (stratified split;
            the labels must be class indices).

    Returns:
        list of LocalLabeledDataSet, one per fraction.
    """
    fractions = np.asarray(fractions, dtype=float)
    if fractions.ndim != 1 or len(fractions) < 1 or np.any(fractions <= 0) \
            or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"fractions must be positive and sum to 1, got {list(fractions)}")
    X, y = to_arrays(data)
    rng = np.random.default_rng(seed)
    groups = [np.arange(len(X))]
    if balanced:
        classes = y.astype(np.int64).ravel()
        groups = [np.flatnonzero(classes == c) for c in np.unique(classes)]
    parts = [[] for _ in fractions]
    for group in groups:
        shuffled = rng.permutation(group)
        bounds = np.round(np.cumsum(fractions)[:-1] * len(shuffled)).astype(int)
        for part, rows in zip(parts, np.split(shuffled, bounds)):
            part.append(rows)
    return [LocalLabeledDataSet((X[rows], y[rows])) for rows in
            (np.sort(np.concatenate(part)) for part in parts)]


from learninspy.utils.datasets import (  # noqa: E402  (the loaders build LocalLabeledDataSets)
    load_boston, load_ccpp, load_iris, load_mnist)
