"""Sequential through the public layer API: building, summaries, training, files, shipping."""

import pickle
import subprocess
import sys

import numpy as np
import pytest

import learninspy
from learninspy import layers
from learninspy.core import inference, layers as core_layers, sequential
from learninspy.core.layers import layer_class
from learninspy.core.optimization import OptimizerParameters, merge_models, optimize
from learninspy.core.stops import criterion
from learninspy.layers import (AvgPool2D, BatchNormalization, Conv2D, Dense, Dropout, Flatten,
                               Layer, MaxPool2D, ReLU, Reshape, Sequential, Sigmoid, Softmax)
from learninspy.utils.checks import check_network


def _adam(steps, step_rate=0.01):
    return OptimizerParameters("Adam", {"step-rate": step_rate}, merge_criter="avg",
                               stops=[criterion["MaxIterations"](steps)], sampling="fresh",
                               keep_state=True)


def _small_cnn(seed=0, dtype="float32"):
    return Sequential([Reshape((6, 6, 1)), Conv2D(3, 3, padding="same", activation="ReLU"),
                       BatchNormalization(), MaxPool2D(), Conv2D(4, 2), AvgPool2D(),
                       Flatten(), Dropout(0.1), Dense(3, "Softmax")],
                      loss="CrossEntropy", input_shape=(36,), seed=seed, dtype=dtype)


def _blobs(n=60, seed=0):
    """Three classes of 6x6 'images', each brighter in its own third of the rows."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 3
    images = rng.normal(scale=0.5, size=(n, 6, 6))
    for c in range(3):
        images[labels == c, 2 * c:2 * c + 2] += 2.0
    return images.reshape(n, 36), labels


def test_public_names():
    assert layers.Sequential is learninspy.Sequential is sequential.Sequential
    assert set(layers.__all__) >= {"Dense", "ReLU", "Softmax", "Dropout", "BatchNormalization",
                                   "Conv2D", "MaxPool2D", "AvgPool2D", "Flatten", "Reshape",
                                   "Layer", "Activation"}
    assert all(getattr(layers, name) is getattr(core_layers, name, getattr(layers, name))
               for name in layers.__all__)


def test_summary_of_a_cnn_names_layers_like_keras():
    table = _small_cnn().summary(print_fn=None)
    assert "conv2d_1 (Conv2D)" in table and "conv2d_2 (Conv2D)" in table
    assert "max_pool2d_1 (MaxPool2D)" in table and "batch_normalization_1" in table
    for shape in ["(None, 6, 6, 3)", "(None, 3, 3, 3)", "(None, 2, 2, 4)", "(None, 1, 1, 4)"]:
        assert shape in table
    # convolutions 30 + 52, BatchNormalization 4 x 3 (gamma, beta, mean, variance), Dense 15
    assert "Total params: 109" in table and "Trainable params: 103" in table
    assert "Non-trainable params: 6" in table


def test_backpropagation_through_every_kind_of_layer():
    # (BatchNormalization right after a convolution would cancel the convolution's bias: its
    # gradient, exactly 0, cannot be checked against finite differences by relative error.)
    model = Sequential([Reshape((6, 6, 1)), Conv2D(3, 3, strides=2, padding="same"), ReLU(),
                        MaxPool2D(), BatchNormalization(), Conv2D(2, 1, padding=1),
                        AvgPool2D(), Flatten(), Dense(3), Softmax()],
                       loss="CrossEntropy", input_shape=(36,), dtype="float64",
                       strength_l1=1e-3, strength_l2=1e-2)
    assert check_network(model, _blobs(8)) < 1e-6


def test_a_cnn_learns_and_its_parameters_stay_views_of_one_vector():
    model = _small_cnn()
    x, y = _blobs(90)
    model.fit((x, y), mini_batch=16, parallelism=2, stops=[criterion["MaxIterations"](15)],
              optimizer_params=_adam(10))
    assert model.evaluate(_blobs(60, seed=1), measure="Accuracy") >= 0.9
    conv = model.layers[1]
    assert np.shares_memory(conv.params["kernel"], model._params)
    assert np.shares_memory(model.layers[2].state["moving_mean"], model._state)


def test_batch_norm_running_statistics_are_merged_across_replicas():
    model = Sequential([Dense(3), BatchNormalization(momentum=0.5), Dense(1)], loss="MSE",
                       input_shape=(2,), seed=1)
    x = np.random.default_rng(0).normal(loc=3.0, size=(64, 2))
    data = (x, x.sum(axis=1))
    replicas = [optimize(model, data, _adam(5), mini_batch=8, seed=s, in_place=False)
                for s in (1, 2, 3)]
    assert not np.allclose(replicas[0]["state"], replicas[1]["state"])
    merged = merge_models(replicas, criter="avg")
    assert np.allclose(merged["state"], np.mean([r["state"] for r in replicas], axis=0))
    model.fit(data, mini_batch=8, parallelism=3, stops=[criterion["MaxIterations"](30)],
              optimizer_params=_adam(5))
    # after training, the running mean is that of the first layer's outputs over the data
    first = model.layers[0].forward(x.astype(np.float32))
    assert np.allclose(model.layers[1].state["moving_mean"], first.mean(axis=0), atol=0.2)


def test_a_model_with_batch_norm_predicts_identically_after_save_and_load(tmp_path):
    model = _small_cnn()
    x, y = _blobs(90)
    model.fit((x, y), mini_batch=16, parallelism=2, stops=[criterion["MaxIterations"](3)],
              optimizer_params=_adam(5))
    assert not np.allclose(model.get_state(), np.tile([0.0] * 3 + [1.0] * 3, 1))  # trained
    model.save(tmp_path / "cnn.lea")
    loaded = Sequential.load(tmp_path / "cnn.lea")
    assert np.array_equal(loaded.get_state(), model.get_state())
    assert np.array_equal(loaded.predict(x), model.predict(x))
    assert np.allclose(loaded.predict(x[:1]), model.predict(x)[:1])  # batch-independent
    shipped = pickle.loads(pickle.dumps(model))
    assert np.array_equal(shipped.predict(x), model.predict(x))


def test_a_custom_layer_unknown_to_the_worker_travels_with_the_model():
    cloudpickle = pytest.importorskip("pyspark.cloudpickle")

    class Doubling(Layer):  # defined here, so cloudpickle ships the class by value
        def forward(self, x, training=False):
            return 2 * x

        def backward(self, grad):
            return 2 * grad

    model = Sequential([Dense(2), Doubling()], input_shape=(3,))
    payload = cloudpickle.dumps(model)
    expected = model.predict(np.ones((2, 3))).tolist()
    worker = ("import pickle, sys, numpy as np; model = pickle.loads(sys.stdin.buffer.read()); "
              "print(model.predict(np.ones((2, 3))).tolist())")
    output = subprocess.run([sys.executable, "-c", worker], input=payload, capture_output=True,
                            check=True).stdout
    assert output.decode().strip() == str(expected)
    core_layers.base.LAYERS.unregister(Doubling)  # in this process too
    assert pickle.loads(payload).predict(np.ones((2, 3))).tolist() == expected
    assert layer_class(f"{Doubling.__module__}.{Doubling.__qualname__}") is Doubling


def test_binary_classification_with_one_sigmoid_output(iris_scaled):
    train, test = [(d.features, (d.labels == 0).astype(float)) for d in iris_scaled]
    for output in ([Dense(1, "Sigmoid")], [Dense(1), Sigmoid()]):
        model = Sequential([Dense(4, "Tanh")] + output, loss="BinaryCrossEntropy",
                           input_shape=(4,), seed=3)
        assert model.binary and model.n_classes == 2
        model.fit(train, mini_batch=16, parallelism=1, stops=[criterion["MaxIterations"](10)],
                  optimizer_params=_adam(10))
        assert model.evaluate(test, measure="Accuracy") >= 0.95
        probabilities = model.predict(test[0])
        assert probabilities.shape == (len(test[0]), 1) and np.all((0 <= probabilities)
                                                                    & (probabilities <= 1))
    with pytest.raises(ValueError, match=r"classifies two classes with one sigmoid output .* "
                                         r"shape \(2,\)"):
        Sequential([Dense(2, "Sigmoid")], loss="BinaryCrossEntropy",
                   input_shape=(4,)).fit(train)
    with pytest.raises(ValueError, match="needs a last layer with a Sigmoid output"):
        Sequential([Dense(1)], loss="BinaryCrossEntropy", input_shape=(4,)).fit(train)


def test_add_composes_the_same_model_as_a_list():
    added = Sequential(loss="CrossEntropy", seed=5).add(Dense(4, "ReLU")).add(Softmax())
    added.add(Dense(2)).add(Softmax()).build((3,))
    listed = Sequential([Dense(4, "ReLU"), Softmax(), Dense(2), Softmax()], loss="CrossEntropy",
                        input_shape=(3,), seed=5)
    assert added.layer_names() == listed.layer_names() == ["dense_1", "softmax_1", "dense_2",
                                                           "softmax_2"]
    assert np.array_equal(added.get_parameters(), listed.get_parameters())


def test_forward_builds_from_the_first_batch_and_checks_later_ones():
    model = Sequential([Dense(2), ReLU()])
    assert model.forward(np.ones((3, 5))).shape == (3, 2) and model.input_shape == (5,)
    assert model.forward(np.ones((3, 5))).dtype == np.float32
    with pytest.raises(ValueError, match=r"the model takes batches of shape \(n, \*\(5,\)\), "
                                         r"got an array of shape \(3, 4\)"):
        model.forward(np.ones((3, 4)))


def test_prediction_in_chunks_equals_one_forward_pass(monkeypatch):
    model = _small_cnn()
    x, _ = _blobs(50)
    whole = model.forward(x)
    monkeypatch.setattr(inference, "PREDICT_VALUES", 108 * 16)  # 16 rows per chunk
    assert np.allclose(model.predict(x), whole)
