import numpy as np
import pytest

from learninspy.utils.data import (LabeledPoint, LocalLabeledDataSet, label_to_vector, load_boston,
                                   load_ccpp, load_iris, load_mnist, split_data, subsample,
                                   to_arrays)


def test_shipped_data_sets():
    iris, ccpp = load_iris(), load_ccpp()
    assert iris.shape == (150, 4) and sorted(set(iris.labels)) == [0, 1, 2]
    assert ccpp.shape == (9568, 4) and 420 < ccpp.labels.mean() < 470
    assert iris.features.dtype == np.float32
    mnist, boston = load_mnist(), load_boston()
    assert mnist.shape == (5000, 784) and np.bincount(mnist.labels.astype(int)).tolist() == [500] * 10
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
    assert [len(p) for p in parts] == [105, 24, 21] or sum(len(p) for p in parts) == 150
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
