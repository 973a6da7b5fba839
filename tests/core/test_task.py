"""The task a model's loss defines, and the data checks at the API boundary."""

import numpy as np
import pytest

from learninspy.layers import Dense, Flatten, Sequential


def _model(loss, units, input_shape=(4,)):
    activation = {"CrossEntropy": "Softmax", "BinaryCrossEntropy": "Sigmoid"}.get(loss, "Identity")
    return Sequential([Dense(units, activation)], loss=loss, input_shape=input_shape)


def test_the_loss_tells_the_task_and_its_measures():
    softmax = _model("CrossEntropy", 3)
    assert (softmax.classification, softmax.binary, softmax.n_classes) == (True, False, 3)
    assert softmax.check_measure(None) == "F-measure"
    sigmoid = _model("BinaryCrossEntropy", 1)
    assert (sigmoid.classification, sigmoid.binary, sigmoid.n_classes) == (True, True, 2)
    regression = _model("MSE", 2)
    assert (regression.classification, regression.check_measure(None)) == (False, "R2")
    with pytest.raises(ValueError, match=r"unknown measure 'Accuracy' for regression; valid "
                                         r"measures are \['MSE'"):
        regression.check_measure("Accuracy")


def test_a_model_without_loss_says_which_losses_exist():
    with pytest.raises(ValueError, match=r"Sequential has no loss; pass loss= \(one of \["):
        Sequential([Dense(2)], input_shape=(4,)).classification


def test_target_matrix_is_one_hot_rows_or_a_binary_column():
    labels = np.array([2, 0, 1, 2])
    one_hot = _model("CrossEntropy", 3).target_matrix(labels)
    assert one_hot.dtype == np.float32 and np.array_equal(one_hot.argmax(axis=1), labels)
    assert np.array_equal(one_hot.sum(axis=1), np.ones(4))
    column = _model("BinaryCrossEntropy", 1).target_matrix(np.array([1, 0, 1]))
    assert column.shape == (3, 1) and np.array_equal(column[:, 0], [1, 0, 1])
    targets = np.ones((3, 2), np.float32)
    assert _model("MSE", 2).target_matrix(targets) is targets


def test_labeled_arrays_reshape_flat_rows_and_cast_once():
    model = Sequential([Flatten(), Dense(3, "Softmax")], loss="CrossEntropy", input_shape=(2, 3))
    X = np.arange(24, dtype=np.float64).reshape(4, 6)
    features, labels = model.labeled_arrays((X, [0.0, 1.0, 2.0, 1.0]))
    assert features.shape == (4, 2, 3) and features.dtype == np.float32
    assert labels.dtype == np.int64 and list(labels) == [0, 1, 2, 1]

