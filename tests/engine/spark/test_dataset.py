"""DistributedLabeledDataSet on the shared local[2] session: sources, checks, statistics,
evaluation and prediction as Spark jobs."""

import numpy as np
import pytest

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.utils.data import LabeledPoint

pytestmark = pytest.mark.usefixtures("spark")


@pytest.fixture(scope="module")
def arrays():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 4)).astype(np.float32) * [1, 2, 3, 4] + [0, 1, 2, 3]
    return X.astype(np.float32), (np.arange(60) % 3).astype(float)


@pytest.fixture(scope="module")
def dataset(sc, arrays):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    return DistributedLabeledDataSet(arrays, sc, num_partitions=3)


def _sorted_rows(points):
    return sorted((float(p.label), tuple(np.asarray(p.features, dtype=np.float32).tolist()))
                  for p in points)


def test_local_data_are_dealt_to_cached_float32_blocks(dataset, arrays):
    X, y = arrays
    assert dataset.shape == (60, 4) and len(dataset) == 60 and dataset.num_partitions == 3
    assert dataset.is_distributed and dataset.blocks.is_cached
    blocks = dataset.blocks.glom().collect()
    assert [len(b) for b in blocks] == [1, 1, 1]  # one (X, y) block per partition
    first_X, first_y = blocks[0][0]
    assert first_X.dtype == np.float32 and np.array_equal(first_X, X[0::3])  # row i to i mod 3
    assert np.array_equal(first_y, y[0::3])
    assert _sorted_rows(dataset.collect()) == _sorted_rows(
        [LabeledPoint(label, row) for row, label in zip(X, y)])
    features, labels = dataset.features.collect(), dataset.labels.collect()
    assert len(features) == 60 and features[0].dtype == np.float32 and labels[:3] == [0, 0, 0]


def test_sources_rdd_of_points_pairs_and_dataframes(spark, sc, arrays):
    from pyspark.ml.linalg import Vectors
    from pyspark.mllib.regression import LabeledPoint as SparkPoint
    from learninspy.utils.distributed import DistributedLabeledDataSet
    X, y = arrays
    expected = _sorted_rows([LabeledPoint(label, row) for row, label in zip(X, y)])
    points = sc.parallelize([SparkPoint(label, row) for row, label in zip(X, y)], 2)
    pairs = sc.parallelize([(row.tolist(), label) for row, label in zip(X, y)], 4)
    vectors = spark.createDataFrame([(Vectors.dense(row.tolist()), float(label))
                                     for row, label in zip(X, y)], ["features", "label"])
    lists = spark.createDataFrame([(int(label), row.tolist()) for row, label in zip(X, y)],
                                  ["kind", "pixels"])
    for data in (DistributedLabeledDataSet(points), DistributedLabeledDataSet(pairs),
                 DistributedLabeledDataSet(vectors, num_partitions=2),
                 DistributedLabeledDataSet(lists, features_col="pixels", label_col="kind")):
        assert data.shape == (60, 4)
        assert _sorted_rows(data.collect()) == expected


def test_text_files_round_trip(sc, dataset, tmp_path):
    from learninspy.utils.data import LocalLabeledDataSet
    from learninspy.utils.distributed import DistributedLabeledDataSet
    path = tmp_path / "rows"
    dataset.save_file(path)  # a folder of part files, as Spark writes
    again = DistributedLabeledDataSet(path)
    assert _sorted_rows(again.collect()) == _sorted_rows(dataset.collect())  # exact float32
    (tmp_path / "first.csv").write_text("kind;x;y\n# a comment\n1;0.5;2.5\n\n0;1.5;3.5\n")
    first = DistributedLabeledDataSet(context=sc).load_file(tmp_path / "first.csv", pos_label=0)
    assert _sorted_rows(first.collect()) == [(0.0, (1.5, 3.5)), (1.0, (0.5, 2.5))]
    local = LocalLabeledDataSet(tmp_path / "first.csv", pos_label=0)  # read alike
    assert _sorted_rows(local.collect()) == _sorted_rows(first.collect())


@pytest.mark.parametrize("rows, error, message", [
    ([([1.0, 2.0], 0.0), ([1.0, 2.0, 3.0], 1.0)], ValueError,
     "rows have different numbers of features: row 0 of partition 0 has 2, row 1 has 3"),
    ([([1.0, 2.0], 0.0)] * 2 + [([1.0], 1.0)] * 2, ValueError,
     "rows have different numbers of features: partition 0 has 2, partition 1 has 1"),
    ([(["a", "b"], 0.0)], ValueError, "the features of row 0 of partition 0 are not numeric"),
    ([([1.0, 2.0], "zero")], ValueError, "the labels of partition 0 are not numbers"),
    ([42], ValueError, "row 0 of partition 0 is neither a labeled point nor a .features, "
                       "label. pair"),
])
def test_malformed_rows_are_rejected_when_the_data_set_is_built(sc, rows, error, message):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    with pytest.raises(error, match=message):
        DistributedLabeledDataSet(sc.parallelize(rows, 2 if len(rows) == 4 else 1))


def test_dataframes_without_the_named_columns_or_types(spark):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    frame = spark.createDataFrame([([1.0, 2.0], 0.0, "x")], ["features", "label", "name"])
    with pytest.raises(ValueError, match=r"no label column 'target'; its columns are "
                                         r"\['features', 'label', 'name'\] \(name it with "
                                         r"label_col=\)"):
        DistributedLabeledDataSet(frame, label_col="target")
    with pytest.raises(TypeError, match="the features column 'name' must hold vectors or "
                                        "arrays of numbers, it holds string"):
        DistributedLabeledDataSet(frame, features_col="name")


def test_bad_text_lines(sc, dataset, tmp_path):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    (tmp_path / "ragged.csv").write_text("1,2,0\n1,2\n")
    with pytest.raises(ValueError, match="line 0 of partition 0 of the file has 3, line 1 "
                                         "has 2"):
        DistributedLabeledDataSet(context=sc).load_file(tmp_path / "ragged.csv",
                                                        num_partitions=1)
    (tmp_path / "words.csv").write_text("1,2,0\n1,two,0\n")
    with pytest.raises(ValueError, match="values that are not numbers: '1 two 0'"):
        dataset.load_file(tmp_path / "words.csv", num_partitions=1)
    assert dataset.shape == (60, 4)  # a failed load leaves the contents as they were
    (tmp_path / "three.csv").write_text("1,2,0\n3,4,1\n")
    with pytest.raises(ValueError, match="label column 3 is not a column of partition 0 of "
                                         "the file, which has 3"):
        DistributedLabeledDataSet(tmp_path / "three.csv", sc, num_partitions=1, pos_label=3)


@pytest.mark.parametrize("change, message", [
    (lambda X, y: (X, np.where(np.arange(60) == 31, 3.0, y)),
     r"label 3.0 at row \d+ is not a class index in \[0, 3\)"),
    (lambda X, y: (X, np.where(np.arange(60) == 40, 0.5, y)), r"label 0.5 at row \d+"),
    (lambda X, y: (X, np.where(np.arange(60) == 2, -1.0, y)), r"label -1.0 at row \d+"),
    (lambda X, y: (np.where(np.arange(60)[:, None] == 7, np.nan, X), y),
     r"features contain NaN or inf \(first at row \d+\)"),
    (lambda X, y: (X[:, :3], y), r"features have 3 columns per example but the model takes "
                                 r"inputs of shape \(4,\)"),
])
def test_values_are_checked_against_the_model_before_any_work(sc, arrays, change, message):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    data = DistributedLabeledDataSet(change(*arrays), sc, num_partitions=2)
    network = NeuralNetwork(NetworkParameters([4, 5, 3]))
    before = network.get_parameters()
    for call in (lambda: network.fit(data), lambda: network.evaluate(data)):
        with pytest.raises(ValueError, match=message):
            call()
    assert np.array_equal(network.get_parameters(), before)


def test_one_partition_reports_the_rows_local_data_would(sc, arrays):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    X, y = arrays
    y = np.where(np.arange(60) == 31, 3.0, y)
    network = NeuralNetwork(NetworkParameters([4, 5, 3]))
    with pytest.raises(ValueError, match=r"label 3.0 at row 31 is not"):
        network.evaluate((X, y))
    with pytest.raises(ValueError, match=r"label 3.0 at row 31 is not"):
        network.evaluate(DistributedLabeledDataSet((X, y), sc, num_partitions=1))


def test_split_data_keeps_the_partitions_and_the_classes(dataset):
    parts = dataset.split_data([0.5, 0.25, 0.25], seed=3, balanced=True)
    assert [p.num_partitions for p in parts] == [3, 3, 3]
    assert [len(p) for p in parts] == [30, 15, 15]
    labels = [np.bincount(np.array(p.labels.collect(), dtype=int)) for p in parts]
    assert [c.tolist() for c in labels] == [[10, 10, 10], [5, 5, 5], [5, 5, 5]]
    everything = sum((p.collect() for p in parts), [])
    assert _sorted_rows(everything) == _sorted_rows(dataset.collect())
    again = dataset.split_data([0.5, 0.25, 0.25], seed=3, balanced=True)
    assert _sorted_rows(again[1].collect()) == _sorted_rows(parts[1].collect())
    with pytest.raises(ValueError, match="sum to 1"):
        dataset.split_data([0.5, 0.6])


def test_statistics_hooks_match_numpy(dataset, arrays):
    X = arrays[0].astype(np.float64)
    stats = dataset.column_statistics()
    assert stats["count"] == 60
    for key, expected in (("mean", X.mean(axis=0)), ("variance", X.var(axis=0, ddof=1)),
                          ("min", X.min(axis=0)), ("max", X.max(axis=0))):
        np.testing.assert_allclose(stats[key], expected, rtol=1e-12)
    mean, covariance = dataset.covariance()
    np.testing.assert_allclose(mean, X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(covariance, np.cov(X, rowvar=False), rtol=1e-10)


def test_map_features_applies_a_vectorised_function_per_block(dataset, arrays):
    stats = dataset.column_statistics()
    mean, std = stats["mean"], np.sqrt(stats["variance"])
    scaled = dataset.map_features(lambda X: (X - mean) / std)
    assert scaled.shape == (60, 4) and scaled.blocks.is_cached
    np.testing.assert_allclose(scaled.column_statistics()["variance"], 1.0, rtol=1e-5)
    projected = dataset.map_features(lambda X: X[:, :2] @ np.ones((2, 1)))
    assert projected.shape == (60, 1)
    with pytest.raises(ValueError, match=r"map_features: the function must return an \(n, k\) "
                                         r"matrix .* it returned shape \(20,\)"):
        dataset.map_features(lambda X: X.sum(axis=1))


def test_scalers_and_pca_fit_and_transform_distributed_data(dataset, arrays):
    from learninspy.utils.data import LocalLabeledDataSet, MinMaxScaler, StandardScaler
    from learninspy.utils.feature import PCA
    local = LocalLabeledDataSet(arrays)
    for scaler in (StandardScaler, MinMaxScaler):
        on_spark, in_memory = scaler().fit(dataset), scaler().fit(local)
        np.testing.assert_allclose(on_spark.offset_, in_memory.offset_, rtol=1e-10)
        np.testing.assert_allclose(on_spark.scale_, in_memory.scale_, rtol=1e-10)
        scaled = on_spark.transform(dataset)
        assert scaled.is_distributed
        np.testing.assert_allclose(np.array([row for _, row in _sorted_rows(scaled.collect())]),
                                   [row for _, row in _sorted_rows(
                                       in_memory.transform(local).collect())], rtol=1e-6)
    on_spark, in_memory = PCA(dataset), PCA(local)
    assert on_spark.k == in_memory.k
    np.testing.assert_allclose(on_spark.explained_variance(), in_memory.explained_variance(),
                               rtol=1e-8)
    projected = on_spark.transform(k=2)
    assert projected.is_distributed and projected.shape == (60, 2)


def test_evaluate_and_predict_run_as_spark_jobs(spark, sc, arrays, dataset):
    X, y = arrays
    network = NeuralNetwork(NetworkParameters([4, 6, 3], seed=2))
    network.fit((X, y), parallelism=1)
    local_scores = [network.evaluate((X, y), measure=m) for m in ("Accuracy", "F-measure")]
    assert [network.evaluate(dataset, measure=m) for m in ("Accuracy", "F-measure")] \
        == local_scores
    score, predicted = network.evaluate(dataset, predictions=True, measure="Accuracy")
    assert score == local_scores[0] and len(predicted.collect()) == 60
    ordered = type(dataset)((X, y), sc, num_partitions=1)
    outputs = network.predict(ordered)
    assert np.allclose(np.array(outputs.collect()), network.predict(X), atol=1e-6)
    assert np.allclose(np.array(network.predict(sc.parallelize(list(X), 2)).collect()),
                       network.predict(X), atol=1e-6)
    from pyspark.ml.linalg import Vectors
    frame = spark.createDataFrame([(i, Vectors.dense(row.tolist())) for i, row in enumerate(X)],
                                  ["id", "features"])
    rows = network.predict(frame).orderBy("id").collect()
    assert [r.prediction for r in rows] == network.predict(X).argmax(axis=1).tolist()
    assert np.allclose([r.probability.toArray() for r in rows], network.predict(X), atol=1e-6)


def test_regression_scores_and_predictions(spark, sc):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 3)).astype(np.float32)
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1
    network = NeuralNetwork(NetworkParameters([3, 8, 1], activation=["Tanh", "Identity"],
                                              classification=False))
    network.fit((X, y), parallelism=1)
    from learninspy.utils.distributed import DistributedLabeledDataSet
    data = DistributedLabeledDataSet((X, y), sc, num_partitions=2)
    assert network.evaluate(data, measure="R2") == pytest.approx(
        network.evaluate((X, y), measure="R2"), rel=1e-9)
    frame = spark.createDataFrame([(row.tolist(),) for row in X], ["features"])
    predicted = [r.prediction for r in network.predict(frame).collect()]
    assert np.allclose(predicted, network.predict(X)[:, 0], atol=1e-5)


def test_the_class_is_importable_from_utils_data():
    from learninspy.utils import data
    from learninspy.utils.distributed import DistributedLabeledDataSet
    assert data.DistributedLabeledDataSet is DistributedLabeledDataSet


def test_save_file_writes_labels_of_one_element_vectors(sc, tmp_path):
    """Regression: labels of shape (n, 1) crashed the Spark task that writes the lines
    ("only 0-dimensional arrays can be converted to Python scalars"); the local data set
    wrote the same data fine, and both must read back the same rows."""
    from learninspy.utils.data import LocalLabeledDataSet
    from learninspy.utils.distributed import DistributedLabeledDataSet
    X = np.arange(12, dtype=np.float32).reshape(6, 2)
    y = np.arange(6, dtype=np.float64).reshape(6, 1) / 4
    distributed = DistributedLabeledDataSet((X, y), sc, num_partitions=2)
    assert distributed.summary.label_width == 1
    distributed.save_file(tmp_path / "spark")
    LocalLabeledDataSet((X, y)).save_file(tmp_path / "local.csv")
    again = DistributedLabeledDataSet(tmp_path / "spark", sc)
    local = LocalLabeledDataSet(tmp_path / "local.csv")
    expected = [(label, tuple(row)) for row, label in zip(X.tolist(), y[:, 0].tolist())]
    assert _sorted_rows(again.collect()) == _sorted_rows(local.collect()) == expected
