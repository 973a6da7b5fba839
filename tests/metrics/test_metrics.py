import numpy as np
import pytest

from learninspy.utils.evaluation import ClassificationMetrics, RegressionMetrics


def test_classification_documented_example():
    predict = [0, 1, 0, 2, 2, 1]
    labels = [0, 1, 1, 2, 1, 0]
    metrics = ClassificationMetrics(list(zip(predict, labels)), 3)
    assert metrics.accuracy() == 0.5
    assert metrics.precision() == pytest.approx(0.5)
    assert metrics.recall() == pytest.approx(0.6111, abs=1e-4)
    assert metrics.f_measure() == pytest.approx(0.55)
    assert metrics.confusion_matrix().tolist() == [[1, 1, 0], [1, 1, 1], [0, 0, 1]]
    assert metrics.evaluate("F-measure") == metrics.f_measure()
    assert metrics.precision(label=2) == 0.5 and metrics.recall(label=2) == 1.0


def test_classification_edge_cases():
    metrics = ClassificationMetrics((np.array([0, 0, 0]), np.array([0, 1, 2])), 3)
    assert metrics.precision(label=1) == 0.0  # never predicted: nothing to count is 0
    assert metrics.f_measure(beta=2) >= 0
    absent = ClassificationMetrics((np.array([0, 1]), np.array([0, 1])), 5)
    assert absent.f_measure() == 1.0  # classes never seen do not drag the average down
    with pytest.raises(ValueError, match="predicted class 7.0 at position 1"):
        ClassificationMetrics((np.array([0, 7]), np.array([0, 1])), 3)
    with pytest.raises(ValueError, match="empty"):
        ClassificationMetrics([], 3)


def test_regression_metrics():
    predicted, actual = np.array([1.0, 2.0, 4.0]), np.array([1.0, 3.0, 3.0])
    metrics = RegressionMetrics((predicted, actual))
    assert metrics.mse() == pytest.approx(2 / 3)
    assert metrics.rmse() == pytest.approx(np.sqrt(2 / 3))
    assert metrics.mae() == pytest.approx(2 / 3)
    assert metrics.r2() == pytest.approx(1 - 2 / np.sum((actual - actual.mean()) ** 2))
    assert metrics.explained_variance() == pytest.approx(1 - np.var(actual - predicted) /
                                                         np.var(actual))


def test_multi_output_r2_pools_outputs_and_tolerates_constant_ones():
    actual = np.array([[0.0, 1.0], [0.0, 2.0], [0.0, 3.0]])
    predicted = np.array([[0.0, 1.1], [0.1, 2.0], [0.0, 2.9]])
    r2 = RegressionMetrics((predicted, actual)).r2()
    assert r2 == pytest.approx(1 - 0.03 / 2.0)
