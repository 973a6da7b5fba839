import numpy as np
import pytest

from learninspy.utils.data import (LabeledPoint, LocalLabeledDataSet, label_to_vector, load_boston,
                                   load_ccpp, load_iris, load_mnist, make_moons, make_spiral,
                                   split_balanced, split_data, subsample, to_arrays)


def test_shipped_data_sets():
    iris, ccpp = load_iris(), load_ccpp()
    assert iris.shape == (150, 4) and sorted(set(iris.labels)) == [0, 1, 2]
    assert ccpp.shape == (9568, 4) and 420 < ccpp.labels.mean() < 470
    assert iris.features.dtype == np.float32
    mnist, boston = load_mnist(), load_boston()
    assert mnist.shape == (5000, 784)
    assert np.bincount(mnist.labels.astype(int)).tolist() == [500] * 10
    assert boston.shape == (506, 13)


def test_conversions():
    points = [LabeledPoint(1, [1.0, 2.0]), LabeledPoint(0, np.array([3.0, 4.0]))]
    X, y = to_arrays(points)
    assert X.tolist() == [[1.0, 2.0], [3.0, 4.0]] and y.tolist() == [1, 0]
    data = LocalLabeledDataSet(points)
    assert data.shape == (2, 2) and data.collect() == points
    X2, y2 = to_arrays((X, y))
    assert X2 is X or np.array_equal(X2, X)
    assert label_to_vector(2, 4).tolist() == [0, 0, 1, 0]
    with pytest.raises(ValueError, match=r"integer in \[0, 3\)"):
        label_to_vector(3, 3)


def test_split_and_subsample():
    iris = load_iris()
    parts = split_data(iris, [0.7, 0.15, 0.15], seed=1, balanced=True)
    assert [len(p) for p in parts] == [105, 21, 24]  # 35, 7 and 8 of each class of 50
    assert all(np.bincount(p.labels.astype(int)).std() <= 1 for p in parts)
    assert sum(len(p) for p in parts) == 150
    sample = subsample(iris, 30, balanced=True, seed=2)
    assert np.bincount(sample.labels.astype(int)).tolist() == [10, 10, 10]
    with pytest.raises(ValueError, match="sum to 1"):
        split_data(iris, [0.5, 0.6])


def test_pyspark_labeled_points_are_accepted_without_a_spark_context():
    from pyspark.mllib.linalg import SparseVector
    from pyspark.mllib.regression import LabeledPoint as SparkPoint
    points = [SparkPoint(1.0, [0.5, 1.5]), SparkPoint(0.0, SparseVector(2, {1: 2.0}))]
    X, y = to_arrays(points)
    assert X.tolist() == [[0.5, 1.5], [0.0, 2.0]] and y.tolist() == [1.0, 0.0]


# --- LabeledDataSet: the engine-neutral interface ---------------------------------------------

def test_the_interface_is_abstract_and_lists_every_hook():
    from learninspy.utils.data import LabeledDataSet
    hooks = {"shape", "collect", "split_data", "load_file", "save_file", "column_statistics",
             "covariance", "map_features"}
    assert LabeledDataSet.__abstractmethods__ == hooks
    with pytest.raises(TypeError, match="abstract"):
        LabeledDataSet()
    assert LocalLabeledDataSet.is_distributed is False


def test_distributed_data_is_not_silently_collected():
    from learninspy.utils.data import LabeledDataSet

    class Remote(LabeledDataSet):
        is_distributed = True
        shape = (3, 2)
        collect = split_data = load_file = save_file = lambda self, *a, **k: None
        column_statistics = covariance = map_features = lambda self, *a: None

    with pytest.raises(TypeError, match="Remote is not held locally; collect it first or use "
                                        "the Spark engine"):
        to_arrays(Remote())


# --- Text files ---------------------------------------------------------------------------------

def test_text_file_round_trip(tmp_path):
    source = tmp_path / "source.tsv"
    source.write_text("label\tx1\tx2\n2\t0.1\t-3.5\n0\t1e-3\t7\n1\t2.25\t0.3333333\n")
    data = LocalLabeledDataSet(str(source), pos_label=0)  # label in the first column
    assert np.allclose(data.features, [[0.1, -3.5], [1e-3, 7], [2.25, 0.3333333]])
    assert data.labels.tolist() == [2, 0, 1]
    for name in ("copy.csv", "copy.txt", "copy.csv.gz"):
        data.save_file(tmp_path / name)  # label last
        again = LocalLabeledDataSet().load_file(tmp_path / name)
        assert again.features.dtype == np.float32
        assert np.array_equal(again.features, data.features), name
        assert np.array_equal(again.labels, data.labels), name


def test_shipped_csv_round_trip_keeps_every_value(tmp_path):
    iris = load_iris()
    iris.save_file(tmp_path / "iris.csv")
    again = LocalLabeledDataSet(tmp_path / "iris.csv")
    assert np.array_equal(again.features, iris.features)
    assert np.array_equal(again.labels, iris.labels)
    float64 = LocalLabeledDataSet((np.random.default_rng(0).normal(size=(5, 3)), np.arange(5)),
                                  dtype=np.float64)
    float64.save_file(tmp_path / "f64.csv")
    assert np.array_equal(LocalLabeledDataSet(tmp_path / "f64.csv", dtype=np.float64).features,
                          float64.features)


def test_file_errors_name_the_file_and_the_line(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("1,2,0\n3,4,1\n5,six,1\n")
    with pytest.raises(ValueError, match=r"data\.csv, line 3: 'six' is not a number"):
        LocalLabeledDataSet(path)
    with pytest.raises(FileNotFoundError, match="no such data file: .*absent.csv"):
        LocalLabeledDataSet(tmp_path / "absent.csv")
    path.write_text("1,2,0\n3,4,1\n")
    with pytest.raises(ValueError, match=r"label column 3 is not a column of .*data\.csv, which "
                                         r"has 3 \(valid: -3 to 2\)"):
        LocalLabeledDataSet(path, pos_label=3)
    with pytest.raises(ValueError, match="one label per line"):
        LocalLabeledDataSet((np.zeros((2, 2)), np.zeros((2, 2)))).save_file(tmp_path / "y.csv")


# --- Splits and samples -------------------------------------------------------------------------

def test_split_fractions_are_respected_and_balanced_splits_keep_proportions():
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1, 2], [600, 300, 100])
    data = LocalLabeledDataSet((rng.normal(size=(1000, 3)), labels))
    fractions = [0.6, 0.25, 0.15]
    plain = split_data(data, fractions, seed=4)
    assert [len(p) for p in plain] == [600, 250, 150]
    balanced = data.split_data(fractions, seed=4, balanced=True)
    for part, fraction in zip(balanced, fractions):
        counts = np.bincount(part.labels.astype(int), minlength=3)
        assert np.abs(counts - fraction * np.array([600, 300, 100])).max() <= 1
    rows = np.concatenate([p.features for p in balanced])
    assert len(np.unique(rows, axis=0)) == 1000  # a partition: no row lost or repeated
    assert all(np.array_equal(a.features, b.features) for a, b in
               zip(balanced, split_balanced(data, fractions, seed=4)))
    other_seed = split_balanced(data, fractions, seed=5)
    assert not np.array_equal(balanced[0].features, other_seed[0].features)


def test_splits_keep_the_dtype_and_check_balanced_labels():
    data = LocalLabeledDataSet((np.ones((10, 2)), np.arange(10) * 0.5), dtype=np.float64)
    assert split_data(data, [0.5, 0.5])[0].features.dtype == np.float64
    with pytest.raises(ValueError, match=r"class indices .*row 1 has label 0\.5"):
        split_data(data, [0.5, 0.5], balanced=True)
    with pytest.raises(ValueError, match=r"class indices .*row 1 has label 0\.5"):
        subsample(data, 4, balanced=True)


# --- Statistics hooks ---------------------------------------------------------------------------

def test_statistics_hooks_match_numpy():
    X = np.random.default_rng(1).normal(size=(50, 4)) * [1, 2, 3, 4] + [0, 1, 2, 3]
    data = LocalLabeledDataSet((X, np.zeros(50)), dtype=np.float64)
    stats = data.column_statistics()
    assert stats["count"] == 50
    assert np.allclose(stats["mean"], X.mean(axis=0))
    assert np.allclose(stats["variance"], X.var(axis=0, ddof=1))
    assert np.array_equal(stats["min"], X.min(axis=0))
    assert np.array_equal(stats["max"], X.max(axis=0))
    mean, covariance = data.covariance()
    assert np.allclose(mean, X.mean(axis=0)) and np.allclose(covariance, np.cov(X, rowvar=False))
    mapped = data.map_features(lambda block: block[:, :2] * 2)
    assert isinstance(mapped, LocalLabeledDataSet) and mapped.shape == (50, 2)
    assert np.array_equal(mapped.labels, data.labels) and np.allclose(mapped.features, X[:, :2] * 2)
    with pytest.raises(ValueError, match=r"returning \(50, k\) features, got shape \(50,\)"):
        data.map_features(lambda block: block[:, 0])


# --- Generators of the example tasks--------------------------------------------------------------

def test_moons_and_spiral_generators():
    moons = make_moons(301, noise=0.0, seed=3)
    assert moons.shape == (301, 2) and np.bincount(moons.labels.astype(int)).tolist() == [150, 151]
    upper = moons.features[moons.labels == 0]
    assert np.allclose(np.hypot(*upper.T), 1.0)  # without noise, points lie on the half circles
    assert np.array_equal(make_moons(50, seed=1).features, make_moons(50, seed=1).features)
    assert not np.array_equal(make_moons(50, seed=1).features, make_moons(50, seed=2).features)
    spiral = make_spiral(40, 4, noise=0.0, seed=0)
    assert spiral.shape == (160, 2) and np.bincount(spiral.labels.astype(int)).tolist() == [40] * 4
    radius = np.hypot(*spiral.features.T)
    assert radius.max() == pytest.approx(1.0) and radius.min() == 0.0
    with pytest.raises(ValueError, match="n_classes must be a positive integer, got 0"):
        make_spiral(10, 0)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        make_moons(10, noise=-1)


def test_a_network_trains_and_predicts_on_a_data_set_read_from_a_file(tmp_path):
    from learninspy.core.model import NetworkParameters, NeuralNetwork
    from learninspy.core.optimization import OptimizerParameters
    from learninspy.core.stops import criterion
    make_moons(400, noise=0.1, seed=0).save_file(tmp_path / "moons.csv")
    train, test = LocalLabeledDataSet(tmp_path / "moons.csv").split_data([0.75, 0.25], seed=1)
    network = NeuralNetwork(NetworkParameters([2, 16, 2], activation="Tanh", seed=0))
    network.fit(train, test, mini_batch=32, parallelism=1, stops=[criterion["MaxIterations"](40)],
                optimizer_params=OptimizerParameters("Adam", {"step-rate": 0.05},
                                                     sampling="fresh"))
    assert network.evaluate(test, measure="Accuracy") >= 0.9
    probabilities = network.predict(test)
    assert probabilities.shape == (100, 2) and np.allclose(probabilities.sum(axis=1), 1.0)
    assert np.mean(probabilities.argmax(axis=1) == test.labels) >= 0.9
