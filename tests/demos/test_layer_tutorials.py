"""The layer API's example scripts run and reach their quality bars."""

import importlib.util
import pathlib
import sys

import numpy as np
import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def _example(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = sys.modules[name] = importlib.util.module_from_spec(spec)  # importable: picklable
    spec.loader.exec_module(module)
    return module


def test_the_keras_regression_example_on_boston():
    from sklearn.linear_model import LinearRegression
    boston = _example("boston_sequential")
    lines = boston.build_model().summary(print_fn=None).splitlines()
    for layer, shape, count in [("dense_1 (Dense)", "(None, 32)", "448"),
                                ("batch_normalization_1 (BatchNormalization)", "(None, 32)",
                                 "128"),
                                ("dense_2 (Dense)", "(None, 16)", "528"),
                                ("batch_normalization_2 (BatchNormalization)", "(None, 16)",
                                 "64"),
                                ("dropout_1 (Dropout)", "(None, 16)", "0"),
                                ("dense_3 (Dense)", "(None, 1)", "17")]:
        row = next(line for line in lines if line.startswith(layer))
        assert shape in row and row.split()[-1] == count
    assert {"Total params: 1,185", "Trainable params: 1,089",
            "Non-trainable params: 96"} <= set(lines)

    model, rmse, baseline = boston.main(verbose=0)
    (x, y), (x_test, y_test) = boston.standardised_split()
    linear = LinearRegression().fit(x, y)
    sklearn_rmse = np.sqrt(np.mean((linear.predict(x_test) - y_test) ** 2))
    assert baseline == pytest.approx(sklearn_rmse)
    assert rmse <= 0.9 * sklearn_rmse  # at least 10% below linear regression


def test_the_spiral_task_with_a_hand_written_loop():
    _, accuracy = _example("spiral_loop").main(verbose=0)
    assert accuracy >= 0.97


def test_custom_layer_trains_saves_and_travels():
    # main() itself asserts that the saved-and-loaded and the pickled models predict the same
    model, accuracy, gradient_error = _example("custom_layer").main(verbose=0)
    assert gradient_error < 1e-6
    assert accuracy >= 0.9
    assert not np.allclose(model.layers[1].params["slope"], 0.25)  # the slopes learnt


def test_small_cnn_on_mnist_beats_every_multilayer_perceptron():
    model, accuracy, seconds = _example("mnist_cnn").main(verbose=0)
    # the MNIST demo's MLP reaches 0.933 on the same split, scikit-learn's MLP 0.941
    assert accuracy >= 0.96
    assert model.count_params < 25_000
