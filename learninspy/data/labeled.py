"""Labeled data: points, data sets and the conversions every API entry point shares.

Wherever a data set is expected (``fit``, ``evaluate``, ``cost_overall``, ...) learninspy takes:

* a :class:`LabeledDataSet`;
* a pair ``(X, y)``: features of shape (n, n_features) and labels or targets of n rows;
* a list of labeled points: objects with ``.features`` and ``.label``, such as pyspark's
  ``LabeledPoint`` or this module's own :class:`LabeledPoint`, usable without Spark; or of
  pairs ``(label, features)`` as learninspy 0.1 took them (or ``(features, label)``: a number
  beside a vector is the label, see :func:`~learninspy.data.pairs.pair_fields`).

:func:`to_arrays` turns any of them into a pair of NumPy arrays.

:class:`LabeledDataSet` is the interface every engine's data set implements:
:class:`LocalLabeledDataSet` holds NumPy arrays in memory, ``DistributedLabeledDataSet``
(:mod:`learninspy.engine.spark.dataset`) cached blocks on a Spark cluster. Code that only
uses the interface -- the scalers, :class:`~learninspy.data.pca.PCA` -- works on both.
"""

import abc
import os

import numpy as np

from learninspy._internal.checks import is_integer
from learninspy.data import tables
from learninspy.data.pairs import pair_fields
from learninspy.data.sampling import split_rows

__all__ = ["LabeledPoint", "LabeledDataSet", "LocalLabeledDataSet", "label_to_vector",
           "to_arrays", "split_label_column", "column_statistics", "is_distributed", "one_hot",
           "label_data"]


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


def one_hot(indices, n_classes, dtype=np.float64):
    """(n, n_classes) matrix with a 1 at column ``indices[i]`` of row i: what the losses
    compare class probabilities with. ``indices`` are checked class indices (int)."""
    matrix = np.zeros((len(indices), n_classes), dtype=dtype)
    matrix[np.arange(len(indices)), indices] = 1
    return matrix


def label_data(data, labels):
    """A list of :class:`LabeledPoint`, one per row of ``data`` with its label: learninspy
    0.1's way to label features (e.g. an autoencoder's codes)."""
    features = np.asarray(data)
    if len(features) != len(labels):
        raise ValueError(f"data has {len(features)} rows but labels has {len(labels)}")
    return [LabeledPoint(label, row) for row, label in zip(features, labels)]


def label_to_vector(label, n_classes):
    """Binary vector of ``n_classes`` values with a 1 at index ``label``."""
    index = int(label)
    if index != label or not 0 <= index < n_classes:
        raise ValueError(f"label must be an integer in [0, {n_classes}), got {label!r}")
    return one_hot([index], n_classes)[0]


class LabeledDataSet(abc.ABC):
    """Interface of a labeled data set, shared by local and distributed implementations.

    Everything but ``collect`` keeps the data where it is: a distributed data set answers the
    statistics hooks with one aggregation over the cluster and ``map_features`` with a lazy
    map, so scalers and PCA never move the data to the driver.

    Attributes:
        features: the feature vectors (an (n, d) array for local data, an RDD of vectors for
            distributed data).
        labels: the labels, in the same order (an (n,) or (n, k) array for local data).
        is_distributed: bool, True when the data lives on a cluster; ``fit`` then picks the
            Spark engine.
    """

    is_distributed = False

    @property
    @abc.abstractmethod
    def shape(self):
        """tuple (number of rows, number of features)."""

    rows = property(lambda self: self.shape[0], doc="Number of rows (learninspy 0.1's name).")
    cols = property(lambda self: self.shape[1], doc="Number of features (0.1's name).")

    @abc.abstractmethod
    def collect(self):
        """The whole data set as a list of :class:`LabeledPoint`."""

    @abc.abstractmethod
    def split_data(self, fractions, seed=123, balanced=False):
        """Split at random into data sets of the same kind, one per fraction.

        Args:
            fractions: list of floats > 0 summing to 1 (e.g. [0.7, 0.15, 0.15]).
            seed: int, seeds the shuffling.
            balanced: True splits every class in the same fractions (the labels must be class
                indices).
        """

    @abc.abstractmethod
    def load_file(self, path, pos_label=-1):
        """Replace the contents with a text file's (see :func:`learninspy.data.tables.read_table`
        for the formats); returns the data set.

        Args:
            path: the file.
            pos_label: int, the column holding the label (-1: the last one).
        """

    @abc.abstractmethod
    def save_file(self, path):
        """Write the data set as a text table, one example per line with the label last, so
        that ``load_file(path)`` reads it back unchanged."""

    @abc.abstractmethod
    def column_statistics(self):
        """Per-column statistics of the features, in one pass.

        Returns:
            dict with 'count' (int, the rows) and float64 arrays of d values: 'mean',
            'variance' (unbiased, divided by count - 1, as Spark's ``colStats``; 0 for one
            row), 'min' and 'max'.
        """

    @abc.abstractmethod
    def covariance(self):
        """The features' mean vector and covariance matrix (unbiased, divided by n - 1).

        Returns:
            tuple (mean, covariance): float64 arrays of shapes (d,) and (d, d).
        """

    @abc.abstractmethod
    def map_features(self, function):
        """A new data set of the same kind, with the same labels and ``function`` applied to
        the features.

        Args:
            function: vectorised, (m, d) array -> (m, k) array, applied to blocks of rows;
                a picklable callable (a module-level function or a method of a picklable
                object) so that it can travel to Spark executors.
        """


class LocalLabeledDataSet(LabeledDataSet):
    """A labeled data set held in memory as two NumPy arrays.

    Args:
        data: a pair ``(X, y)``, a list of labeled points or of ``(label, features)`` pairs,
            another LabeledDataSet, the path of a text file (see :meth:`load_file`), or None
            for an empty data set.
        dtype: dtype of the features (float32 by default, as training uses).
        pos_label: for a file, the column holding the label (-1: the last one).
        label_column: for a file, the label's column by name instead, 'first' or 'last' (see
            :func:`learninspy.data.tables.label_position`).

    An RDD or a distributed data set is collected, as learninspy 0.1 did. Like 0.1's list of
    labeled points, the data set iterates over its rows as :class:`LabeledPoint`, and
    ``data[i]`` is row i while ``data[a:b]`` (or an array of rows) is a LocalLabeledDataSet.

    >>> data = LocalLabeledDataSet(([[1.0, 2.0], [3.0, 4.0]], [0, 1]))
    >>> data.shape
    (2, 2)
    """

    def __init__(self, data=None, dtype=np.float32, pos_label=-1, label_column=None):
        self.dtype = np.dtype(dtype)
        if isinstance(data, (str, os.PathLike)):
            self.load_file(data, pos_label, label_column=label_column)
        elif data is None:
            self.features, self.labels = np.zeros((0, 0), self.dtype), np.zeros(0)
        else:
            if is_distributed(data) and hasattr(data, "collect"):
                data = data.collect()
            self.features, self.labels = to_arrays(data, dtype=self.dtype)

    @property
    def shape(self):
        return self.features.shape

    def __len__(self):
        return len(self.features)

    def collect(self):
        return [LabeledPoint(label, row) for row, label in zip(self.features, self.labels)]

    data = property(collect, doc="The rows as a list of LabeledPoint (learninspy 0.1's name).")

    def __iter__(self):
        return (LabeledPoint(label, row) for row, label in zip(self.features, self.labels))

    def __getitem__(self, index):
        if is_integer(index):
            return LabeledPoint(self.labels[index], self.features[index])
        return LocalLabeledDataSet((self.features[index], self.labels[index]), dtype=self.dtype)

    def split_data(self, fractions, seed=123, balanced=False):
        return [LocalLabeledDataSet((self.features[rows], self.labels[rows]), dtype=self.dtype)
                for rows in split_rows(self.labels, fractions, seed, balanced)]

    def load_file(self, path, pos_label=-1, format="auto", label_column=None):
        """Replace the contents with a text file's; returns the data set.

        Args:
            path: CSV, TSV, semicolon or space separated numbers, one example per line
                (see :func:`learninspy.data.tables.read_table`).
            pos_label: int, the column holding the label (-1: the last one).
            format: 'auto' or a key of :data:`learninspy.data.tables.FORMATS`.
            label_column: the label's column by name, 'first' (where learninspy 0.1 wrote
                it) or 'last' (where learninspy writes it), or an index, instead of
                ``pos_label``.

        Raises:
            FileNotFoundError: no such file.
            ValueError: a malformed line (the message names the file and the line) or a
                ``pos_label`` outside the columns.
        """
        pos_label = tables.label_position(pos_label, label_column)
        features, self.labels = split_label_column(tables.read_table(path, format), pos_label,
                                                   os.fspath(path))
        self.features = features.astype(self.dtype)
        return self

    def save_file(self, path):
        """Write the data set as a text table, label last (format from the extension, see
        :func:`learninspy.data.tables.write_table`); atomic."""
        labels = self.labels.reshape(len(self.labels), -1)
        if labels.shape[1] != 1:
            raise ValueError(f"save_file writes one label per line; these labels have "
                             f"{labels.shape[1]} values per example")
        digits = "%.9g" if self.features.dtype.itemsize <= 4 else "%.17g"
        formats = [digits] * self.features.shape[1] + ["%.17g"]
        tables.write_table(path, np.column_stack([self.features, labels]), fmt=formats)

    def column_statistics(self):
        return column_statistics(self.features)

    def covariance(self):
        X = self.features.astype(np.float64)
        mean = X.mean(axis=0)
        centered = X - mean
        return mean, centered.T @ centered / max(len(X) - 1, 1)

    def map_features(self, function):
        features = np.asarray(function(self.features))
        if features.ndim != 2 or len(features) != len(self.features):
            raise ValueError(f"map_features needs a function returning ({len(self.features)}, "
                             f"k) features, got shape {features.shape}")
        return LocalLabeledDataSet((features, self.labels), dtype=self.dtype)

    def __repr__(self):
        return f"LocalLabeledDataSet(shape={self.shape})"


def is_distributed(data):
    """True for data that Spark holds: a data set whose ``is_distributed`` is true (a
    ``DistributedLabeledDataSet``), a pyspark RDD or DataFrame, classic or Spark Connect's.
    Never imports pyspark, and reads the attribute on the type: a Spark Connect DataFrame
    answers any attribute name with a Column."""
    if getattr(type(data), "is_distributed", None) is True:  # e.g. a LabeledFrame
        return True
    if isinstance(data, LabeledDataSet):
        return bool(data.is_distributed)
    return any(cls.__module__.startswith("pyspark.") and cls.__name__ in ("RDD", "DataFrame")
               for cls in type(data).__mro__)


def split_label_column(table, pos_label=-1, source="the table"):
    """(features, labels) of a 2-D table whose column ``pos_label`` holds the labels.

    Raises:
        ValueError: ``pos_label`` is not a column of the table, or no column is left for
            features; the message names ``source``.
    """
    columns = table.shape[1]
    if not is_integer(pos_label) or not -columns <= pos_label < columns:
        raise ValueError(f"label column {pos_label!r} is not a column of {source}, which has "
                         f"{columns} (valid: {-columns} to {columns - 1})")
    if columns < 2:
        raise ValueError(f"{source} has one column: no room for features and a label")
    return np.delete(table, pos_label, axis=1), table[:, pos_label]


def column_statistics(X):
    """:meth:`LabeledDataSet.column_statistics` of an (n, d) array of features."""
    X = np.asarray(X)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"statistics need an (n, d) array of features with n >= 1, got shape "
                         f"{X.shape}")
    return {"count": len(X), "mean": X.mean(axis=0, dtype=np.float64),
            "variance": X.var(axis=0, ddof=1, dtype=np.float64) if len(X) > 1
            else np.zeros(X.shape[1]),
            "min": X.min(axis=0).astype(np.float64), "max": X.max(axis=0).astype(np.float64)}


def _vector(features):
    to_array = getattr(features, "toArray", None)  # pyspark SparseVector and DenseVector
    return to_array() if to_array is not None else features


def _is_point(item):
    return hasattr(item, "features") and hasattr(item, "label")


def _row(item, index):
    """(features, label) of item ``index`` of a list: a labeled point or a pair."""
    if _is_point(item):
        return item.features, item.label
    if isinstance(item, (tuple, list)) and len(item) == 2:
        return pair_fields(item, f"item {index} of the data")
    raise TypeError(f"item {index} of the data is a {type(item).__name__}, not a labeled point "
                    "(an object with .features and .label) or a (label, features) pair")


def to_arrays(data, dtype=np.float32):
    """Features and labels of ``data`` as arrays.

    Args:
        data: a LabeledDataSet, a pair ``(X, y)``, or a list of labeled points or of
            ``(label, features)`` pairs.
        dtype: dtype of the returned features.

    Returns:
        tuple (X, y): X of shape (n, n_features) and ``dtype``; y as given (float, or as the
        array passed), of n rows.

    Raises:
        TypeError: ``data`` is none of the accepted forms.
        ValueError: features and labels disagree in length, rows differ in width, or a pair
            holds two numbers (see :func:`~learninspy.data.pairs.pair_fields`).
    """
    if isinstance(data, LabeledDataSet):
        if data.is_distributed:
            raise TypeError(f"{type(data).__name__} is not held locally; collect it first or "
                            "use the Spark engine")
        X, y = data.features, data.labels
    elif isinstance(data, tuple) and len(data) == 2 and not _is_point(data[0]):
        X, y = data
    elif isinstance(data, (list, tuple)) or (hasattr(data, "__iter__")
                                             and not hasattr(data, "shape")):
        rows = [_row(item, i) for i, item in enumerate(data)]
        try:
            X = np.array([np.asarray(_vector(f), dtype=dtype).ravel() for f, _ in rows],
                         dtype=dtype)
        except ValueError:
            widths = [np.size(_vector(f)) for f, _ in rows]
            bad = next((i for i, w in enumerate(widths) if w != widths[0]), None)
            if bad is None:
                raise
            raise ValueError(f"labeled point {bad} has {widths[bad]} features, point 0 has "
                             f"{widths[0]}") from None
        y = np.array([label for _, label in rows], dtype=float)
        if len(rows) == 0:
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
