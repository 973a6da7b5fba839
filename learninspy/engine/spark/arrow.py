"""Arrow record batches to NumPy and back: how every DataFrame is read and scored.

Spark hands Python workers a DataFrame as Arrow record batches (``mapInArrow``, Arrow UDFs);
these functions turn one batch into one float32 matrix with NumPy -- no Python object per row
-- and turn a block of outputs into the columns Spark ML expects. Three layouts of features:

* an ML (or MLlib) ``Vector`` column: in Arrow a ``struct<type: int8, size: int32,
  indices: list<int32>, values: list<double>>``, type 1 for a dense row (``values`` holds it),
  type 0 for a sparse one (``size``, ``indices``, ``values``); dense batches are one reshape,
  mixed ones one scatter into a zero matrix;
* an array column (``array<float>``, ``array<double>``, integers): one reshape;
* a list of numeric columns, stacked inside the batch (no ``VectorAssembler`` needed).

Labels are one numeric column (float64), or an array column for several regression targets.
Bad rows -- a null, rows of different widths -- raise :class:`RowError`, which knows the row;
:func:`located` tells where it is in the whole partition. Only pyarrow and NumPy: each function
is tested on plain Arrow arrays.
"""

import numpy as np

try:
    import pyarrow as pa
except ImportError:
    raise ImportError("reading DataFrames needs pyarrow, which is not installed: "
                      "pip install 'learninspy[spark]'") from None

__all__ = ["RowError", "features_matrix", "labels_array", "batch_arrays", "vector_array",
           "outputs_arrays", "list_array", "located"]


class RowError(ValueError):
    """A bad row of a batch: ``row`` is its index in the batch, ``problem`` what is wrong."""

    def __init__(self, row, problem):
        super().__init__(f"row {row}: {problem}")
        self.row, self.problem = row, problem


def located(error, first_row, partition):
    """``error`` (a RowError) as a ValueError naming the row in its partition."""
    return ValueError(f"row {first_row + error.row} of partition {partition}: {error.problem}")


def _first_null(array):
    return int(np.flatnonzero(array.is_null().to_numpy(zero_copy_only=False))[0])


def _lists(array, what):
    """(flat values, row offsets from 0) of an Arrow list array without null rows."""
    if array.null_count:
        raise RowError(_first_null(array), f"no {what} (null)")
    offsets = array.offsets.to_numpy()
    values = array.values.slice(offsets[0], offsets[-1] - offsets[0])
    return values.to_numpy(zero_copy_only=False), offsets - offsets[0]


def _uniform_width(widths, what):
    bad = np.flatnonzero(widths != widths[0]) if len(widths) else []
    if len(bad):
        raise RowError(int(bad[0]), f"it has {widths[bad[0]]} {what} where earlier rows have "
                                    f"{widths[0]}")
    return int(widths[0]) if len(widths) else 0


def _vectors(struct):
    """The (n, d) float32 matrix of a Vector column (dense and sparse rows mixed)."""
    if struct.null_count:
        raise RowError(_first_null(struct), "no features (a null vector)")
    kind, size, indices, values = struct.flatten()  # flatten() honours a sliced batch
    kind = kind.to_numpy(zero_copy_only=False)
    flat, offsets = _lists(values, "vector values")
    n, lengths = len(kind), np.diff(offsets)
    if (kind == 1).all():  # all dense: one reshape, one cast
        width = _uniform_width(lengths, "features")
        return flat.reshape(n, width).astype(np.float32)
    sparse = kind == 0
    width = _uniform_width(np.where(sparse, size.fill_null(0).to_numpy(zero_copy_only=False),
                                    lengths), "features")
    X = np.zeros((n, width), dtype=np.float32)
    rows = np.repeat(np.arange(n), lengths)
    columns = np.arange(len(flat)) - np.repeat(offsets[:-1], lengths)  # position in the row
    sparse_indices, _ = _lists(indices.filter(pa.array(sparse)), "sparse indices")
    columns[np.repeat(sparse, lengths)] = sparse_indices
    if len(columns) and (columns.max() >= width or columns.min() < 0):
        row = int(rows[np.flatnonzero((columns >= width) | (columns < 0))[0]])
        raise RowError(row, f"a sparse vector has an index outside its size {width}")
    X[rows, columns] = flat
    return X


def _matrix_of_lists(array, dtype, what):
    if pa.types.is_fixed_size_list(array.type):
        array = array.cast(pa.list_(array.type.value_type))
    flat, offsets = _lists(array, what)
    width = _uniform_width(np.diff(offsets), what)
    return flat.reshape(len(array), width).astype(dtype, copy=False)


def _is_list(data_type):
    return (pa.types.is_list(data_type) or pa.types.is_large_list(data_type) or
            pa.types.is_fixed_size_list(data_type))


def _combined(column):
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def features_matrix(column):
    """The (n, d) float32 matrix of a features column: Vectors or arrays of numbers."""
    column = _combined(column)
    if pa.types.is_struct(column.type):
        return _vectors(column)
    if _is_list(column.type):
        return _matrix_of_lists(column, np.float32, "features")
    raise TypeError(f"features must be vectors or arrays of numbers, not Arrow {column.type}")


def _numbers(column, name, dtype):
    column = _combined(column)
    if column.null_count:
        raise RowError(_first_null(column), f"column {name!r} has no value (null)")
    return column.to_numpy(zero_copy_only=False).astype(dtype, copy=False)


def labels_array(column, name):
    """The labels of a column as float64: (n,) for numbers, (n, t) for arrays or vectors."""
    column = _combined(column)
    if _is_list(column.type):
        return _matrix_of_lists(column, np.float64, "targets")
    if pa.types.is_struct(column.type):
        return _vectors(column).astype(np.float64)
    return _numbers(column, name, np.float64)


def batch_arrays(batch, features, label=None):
    """``(X, y)`` of a record batch: X the (n, d) float32 features, y the labels (float64) or
    None without a ``label`` column.

    Args:
        batch: a ``pyarrow.RecordBatch``.
        features: the name of a Vector or array column, or a list of numeric columns' names.
        label: the name of the label column, or None.

    Raises:
        RowError: a null, or rows of different widths; TypeError: a column of another type.
    """
    if isinstance(features, str):
        X = features_matrix(batch.column(features))
    else:
        X = np.empty((batch.num_rows, len(features)), dtype=np.float32)
        for j, name in enumerate(features):
            X[:, j] = _numbers(batch.column(name), name, np.float32)
    y = labels_array(batch.column(label), label) if label is not None else None
    return X, y


def vector_array(X):
    """A column of dense ML Vectors (the Arrow struct Spark's ``VectorUDT`` is made of) holding
    the rows of X."""
    n, d = X.shape
    return pa.StructArray.from_arrays(
        [pa.array(np.ones(n, np.int8)), pa.nulls(n, pa.int32()),
         pa.nulls(n, pa.list_(pa.int32())), list_array(X)],
        names=["type", "size", "indices", "values"])


def list_array(X):
    """A column of arrays of doubles holding the rows of X."""
    n, d = X.shape
    return pa.ListArray.from_arrays(pa.array(np.arange(0, n * d + 1, d, dtype=np.int32)),
                                    pa.array(np.asarray(X, np.float64).reshape(-1)))


def outputs_arrays(model, outputs, wanted=(0, 1, 2), vectors=True):
    """The columns Spark ML models add, for a block of ``model``'s outputs: for
    classification (prediction, probability, rawPrediction) -- the class index as a double and
    two Vector columns, rawPrediction the log-probabilities (the logits up to a per-row
    constant) --; for regression (prediction,): a double, or a Vector for several outputs.
    A classifier's columns not in ``wanted`` (their indices) are None, not computed; with
    ``vectors=False`` arrays of doubles stand for the Vectors."""
    rows = vector_array if vectors else list_array
    outputs = outputs.reshape(len(outputs), -1)
    if model.classification:
        probability = outputs.astype(np.float64)
        if model.binary:  # one sigmoid unit: P(class 1)
            probability = np.hstack([1.0 - probability, probability])
        predicted = pa.array(model.predicted_values(outputs).astype(np.float64)) \
            if 0 in wanted else None
        raw = rows(np.log(np.maximum(probability, np.finfo(np.float64).tiny))) \
            if 2 in wanted else None
        return [predicted, rows(probability) if 1 in wanted else None, raw]
    if outputs.shape[1] == 1:
        return [pa.array(outputs[:, 0].astype(np.float64))]
    return [rows(outputs)]
