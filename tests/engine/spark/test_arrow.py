"""Arrow record batches to NumPy and back, on plain pyarrow arrays (no Spark), and the blocks
tasks store on an executor's disk."""

import numpy as np
import pyarrow as pa
import pytest

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.engine.spark.arrow import (RowError, batch_arrays, features_matrix, located,
                                           outputs_arrays, vector_array)
from learninspy.engine.spark.stored import BlockWriter, open_block, remove_block


def _vectors(rows):
    """A column of ML Vectors as Spark hands them to Python: dense rows as lists, sparse
    ones as (size, {index: value})."""
    kinds, sizes, indices, values = [], [], [], []
    for row in rows:
        if isinstance(row, tuple):
            size, entries = row
            kinds.append(0), sizes.append(size), indices.append(sorted(entries))
            values.append([entries[i] for i in sorted(entries)])
        else:
            kinds.append(1), sizes.append(None), indices.append(None), values.append(row)
    return pa.StructArray.from_arrays(
        [pa.array(kinds, pa.int8()), pa.array(sizes, pa.int32()),
         pa.array(indices, pa.list_(pa.int32())), pa.array(values, pa.list_(pa.float64()))],
        names=["type", "size", "indices", "values"])


def test_dense_sparse_and_array_columns_give_the_same_float32_matrix():
    expected = np.array([[1.0, 0.0, 2.5], [0.0, 3.0, 0.0], [4.0, 5.0, 6.0]], np.float32)
    dense = _vectors(expected.tolist())
    mixed = _vectors([(3, {0: 1.0, 2: 2.5}), [0.0, 3.0, 0.0], (3, {0: 4.0, 1: 5.0, 2: 6.0})])
    arrays = pa.array(expected.tolist(), pa.list_(pa.float32()))
    fixed = pa.array(expected.tolist(), pa.list_(pa.float64(), 3))
    for column in (dense, mixed, arrays, fixed, pa.chunked_array([arrays[:1], arrays[1:]])):
        X = features_matrix(column)
        assert X.dtype == np.float32 and np.array_equal(X, expected)
    assert np.array_equal(features_matrix(mixed.slice(1)), expected[1:])  # sliced batches


def test_numeric_columns_are_assembled_and_labels_read_as_float64():
    batch = pa.RecordBatch.from_pydict({"x": [1, 2], "y": [0.5, 1.5], "label": [0, 1],
                                        "targets": [[1.0, 2.0], [3.0, 4.0]]})
    X, y = batch_arrays(batch, ["y", "x"], "label")
    assert np.array_equal(X, [[0.5, 1.0], [1.5, 2.0]]) and X.dtype == np.float32
    assert y.dtype == np.float64 and y.tolist() == [0.0, 1.0]
    assert batch_arrays(batch, ["x"], "targets")[1].shape == (2, 2)
    assert batch_arrays(batch, ["x"])[1] is None


@pytest.mark.parametrize("column, message", [
    (pa.array([[1.0, 2.0], None], pa.list_(pa.float64())), "row 1: no features"),
    (pa.array([[1.0, 2.0], [1.0]], pa.list_(pa.float64())),
     "row 1: it has 1 features where earlier rows have 2"),
    (_vectors([[1.0, 2.0], (3, {0: 1.0})]), "row 1: it has 3 features where earlier rows"),
    (_vectors([(2, {5: 1.0})]), "row 0: a sparse vector has an index outside its size 2"),
])
def test_bad_rows_are_named(column, message):
    with pytest.raises(RowError, match=message):
        features_matrix(column)


def test_a_row_error_is_located_in_its_partition_and_nulls_are_named():
    batch = pa.RecordBatch.from_pydict({"x": [1.0, None, 3.0], "label": [0, 1, 0]})
    with pytest.raises(RowError) as caught:
        batch_arrays(batch, ["x"], "label")
    assert str(located(caught.value, 2000, 3)) == \
        "row 2001 of partition 3: column 'x' has no value (null)"
    with pytest.raises(TypeError, match="vectors or arrays of numbers"):
        features_matrix(pa.array(["a"]))


def test_outputs_become_the_columns_spark_ml_models_add():
    classifier = NeuralNetwork(NetworkParameters([3, 4, 3], seed=1))
    outputs = classifier.predict(np.eye(3))
    prediction, probability, raw = outputs_arrays(classifier, outputs)
    assert prediction.to_pylist() == outputs.argmax(axis=1).tolist()
    assert np.allclose(features_matrix(probability), outputs)
    assert np.allclose(np.exp(features_matrix(raw)), outputs, atol=1e-6)
    assert np.array_equal(features_matrix(vector_array(outputs)), outputs.astype(np.float32))
    regressor = NeuralNetwork(NetworkParameters([3, 1], activation="Identity",
                                                classification=False))
    (single,) = outputs_arrays(regressor, regressor.predict(np.eye(3)))
    assert pa.types.is_float64(single.type)


def test_stored_blocks_are_memory_mapped_back_and_leave_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARK_LOCAL_DIRS", str(tmp_path))
    writer = BlockWriter("token", 4)
    rng = np.random.default_rng(0)
    parts = [(rng.random((3, 2), dtype=np.float32), np.arange(3.0)) for _ in range(2)]
    for X, y in parts:
        writer.append(X, y)
    handle = writer.close()
    assert handle["rows"] == 6 and handle["part"] == 4 and handle["problem"] is None
    X, y = open_block(handle)
    assert np.array_equal(X, np.concatenate([p[0] for p in parts])) and not X.flags.writeable
    assert np.array_equal(y, np.concatenate([p[1] for p in parts]))
    remove_block(handle)
    assert list(tmp_path.iterdir()) == []
    failed = BlockWriter("token", 5)
    failed.append(*parts[0])
    handle = failed.abort("row 2: no features (null)")
    assert handle["prefix"] is None and handle["problem"].startswith("row 2")
    assert list((tmp_path / "learninspy-token").iterdir()) == []
    with pytest.raises(ValueError, match="row 3 has features of shape"):
        writer = BlockWriter("token", 6)
        writer.append(*parts[0])
        writer.append(np.zeros((1, 5), np.float32), np.zeros(1))


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_an_ordered_writer_stores_its_rows_in_the_order_of_their_keys(tmp_path, monkeypatch,
                                                                      kernel_copy):
    monkeypatch.setenv("SPARK_LOCAL_DIRS", str(tmp_path))
    if not kernel_copy:  # where the OS has no copy_file_range
        monkeypatch.delattr("os.copy_file_range", raising=False)
    rng = np.random.default_rng(1)
    keys = np.concatenate([np.arange(50, 90), np.arange(0, 50), rng.permutation(60) + 90])
    X = np.repeat(keys[:, None], 3, axis=1).astype(np.float32)
    y = np.stack([keys, -keys], axis=1).astype(np.int64)  # two labels per row
    writer = BlockWriter("token", 0, ordered=True)
    for rows in np.array_split(np.arange(len(keys)), 4):  # batches that cut across runs
        writer.append(X[rows], y[rows], keys[rows])
    handle = writer.close()
    stored_X, stored_y = open_block(handle)
    assert np.array_equal(stored_X[:, 0], np.arange(150)) and stored_X.shape == (150, 3)
    assert np.array_equal(stored_y, np.stack([np.arange(150), -np.arange(150)], axis=1))
    remove_block(handle)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="one key per row; rows 0 to 2 have none"):
        BlockWriter("token", 1, ordered=True).append(X[:3], y[:3])
