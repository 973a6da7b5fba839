"""Every layer: its gradients (finite differences, float64), its maths against a plain
reference, its shapes, its configuration and its errors."""

import numpy as np
import pytest

from learninspy.core import activations
from learninspy.core.layers import (
    Activation, AvgPool2D, BatchNormalization, Conv2D, Dense, Dropout, Flatten, KLSparsity, Layer,
    MaskingNoise, MaxPool2D, Reshape, Softmax, Tanh, layer_class, layer_classes)
from learninspy.utils.checks import check_layer

GRADIENT_CASES = [
    (lambda: Dense(4, "Tanh"), (3,)),
    (lambda: Dense(3, "Softmax"), (4,)),
    (lambda: Dropout(0.5), (6,)),
    (lambda: MaskingNoise(0.3), (6,)),
    (lambda: Conv2D(3, 3), (6, 6, 2)),
    (lambda: Conv2D(3, (3, 2), strides=2, padding="same", activation="Tanh"), (7, 6, 2)),
    (lambda: Conv2D(2, 3, strides=(2, 1), padding=1, activation="Sigmoid"), (5, 5, 1)),
    (lambda: MaxPool2D(), (4, 4, 2)),
    (lambda: MaxPool2D(3, strides=2, padding="same"), (5, 6, 2)),
    (lambda: AvgPool2D(), (4, 4, 2)),
    (lambda: AvgPool2D((3, 2), strides=(2, 1), padding="same"), (5, 6, 2)),
    (lambda: BatchNormalization(), (5,)),
    (lambda: BatchNormalization(momentum=0.5), (3, 3, 2)),
    (lambda: Flatten(), (2, 3, 2)),
    (lambda: Reshape((3, -1)), (6,)),
] + [(lambda name=name: layer_class(name)(), (5,)) for name in activations.names() + ["Softmax"]]


@pytest.mark.parametrize("make, input_shape", GRADIENT_CASES,
                         ids=lambda case: repr(case()) if callable(case) else str(case))
def test_gradients_match_finite_differences_in_training_mode(make, input_shape):
    assert check_layer(make(), input_shape, batch=4) < 1e-6


def test_sparsity_penalty_gradient_matches_finite_differences():
    activations_in_0_1 = np.random.default_rng(0).uniform(0.1, 0.9, size=(4, 5))
    assert check_layer(KLSparsity(0.5, target=0.2), (5,), x=activations_in_0_1) < 1e-6


def test_every_layer_of_the_library_has_a_gradient_check():
    checked = {type(make()).__name__ for make, _ in GRADIENT_CASES} | {"KLSparsity"}
    library = {name for name in layer_classes()  # concrete classes: bases have no forward
               if layer_class(name).__module__.startswith("learninspy.core.layers")
               and layer_class(name).forward is not Layer.forward}
    assert library - {"Activation"} <= checked  # Activation: through each named subclass


def test_every_registered_activation_has_a_layer_named_after_it():
    for name in activations.names():
        layer = layer_class(name)()
        assert isinstance(layer, Activation) and layer.output_activation == name
        assert layer.get_config() == {"name": None}
    assert Softmax().output_activation == "Softmax"


def test_an_activation_layer_equals_the_activation_fused_in_dense():
    rng = np.random.default_rng(0)
    x, grad = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    fused, plain, tanh = Dense(4, "Tanh"), Dense(4), Tanh()
    for layer, shape in ((fused, (3,)), (plain, (3,)), (tanh, (4,))):
        layer.ensure_built(shape, np.random.default_rng(1), np.float64)
    out = fused.forward(x, training=True)
    assert np.allclose(tanh.forward(plain.forward(x, training=True), training=True), out)
    fused.backward(grad.copy())
    plain.backward(tanh.backward(grad.copy()))
    assert np.allclose(fused.grads["w"], plain.grads["w"])


def _built(layer, input_shape, rng=None):
    layer.ensure_built(input_shape, rng or np.random.default_rng(0), np.float64)
    return layer


def _reference_convolution(x, kernel, bias, stride, padding):
    """Plain loops: output[n, i, j, f] = sum of the window times the kernel, plus b."""
    x = np.pad(x, ((0, 0), padding[0], padding[1], (0, 0)))
    kh, kw, _, filters = kernel.shape
    rows = (x.shape[1] - kh) // stride[0] + 1
    columns = (x.shape[2] - kw) // stride[1] + 1
    out = np.zeros((len(x), rows, columns, filters))
    for i in range(rows):
        for j in range(columns):
            window = x[:, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw]
            out[:, i, j] = np.tensordot(window, kernel, axes=3) + bias
    return out


@pytest.mark.parametrize("kwargs, input_shape, padding", [
    ({}, (7, 6, 2), ((0, 0), (0, 0))),
    ({"strides": 2, "padding": "same"}, (7, 6, 2), ((1, 1), (0, 1))),
    ({"kernel_size": (3, 2), "strides": (1, 3), "padding": 2}, (5, 7, 3), ((2, 2), (2, 2))),
])
def test_convolution_matches_plain_loops(kwargs, input_shape, padding):
    kwargs = {"kernel_size": 3, **kwargs}
    layer = _built(Conv2D(4, **kwargs), input_shape)
    layer.params["b"][...] = np.arange(4)
    x = np.random.default_rng(1).normal(size=(2,) + input_shape)
    stride = (kwargs.get("strides", 1),) * 2 if isinstance(kwargs.get("strides", 1), int) \
        else kwargs["strides"]
    expected = _reference_convolution(x, layer.params["kernel"], layer.params["b"], stride,
                                      padding)
    assert layer.output_shape == expected.shape[1:]
    assert np.allclose(layer.forward(x), expected)
    assert np.allclose(layer.forward(x, training=True), expected)


def test_same_padding_gives_ceil_of_size_over_stride():
    for size, stride in [(28, 1), (28, 2), (7, 2), (5, 3)]:
        layer = _built(Conv2D(1, 3, strides=stride, padding="same"), (size, size, 1))
        assert layer.output_shape[:2] == (-(-size // stride),) * 2


def test_pooling_matches_plain_reductions():
    x = np.random.default_rng(0).normal(size=(2, 4, 6, 3))
    blocks = x.reshape(2, 2, 2, 3, 2, 3)
    assert np.array_equal(_built(MaxPool2D(), x.shape[1:]).forward(x), blocks.max(axis=(2, 4)))
    assert np.allclose(_built(AvgPool2D(), x.shape[1:]).forward(x), blocks.mean(axis=(2, 4)))
    # 'same' padding is never part of the result: the corner window of 3x3 pools, stride 2,
    # over a 3x3 image covers only the 2x2 pixels at the bottom right
    image = np.arange(9.0).reshape(1, 3, 3, 1)
    assert _built(AvgPool2D(3, 2, "same"), (3, 3, 1)).forward(image)[0, :, :, 0][1, 1] == 6.0
    assert _built(MaxPool2D(2, 2, "same"), (3, 3, 1)).forward(-image)[0, 1, 1, 0] == -8.0


def test_max_pooling_sends_the_gradient_to_the_first_maximum_only():
    layer = _built(MaxPool2D(), (2, 2, 1))
    x = np.array([[[[1.0], [3.0]], [[3.0], [2.0]]]])
    layer.forward(x, training=True)
    grad = layer.backward(np.ones((1, 1, 1, 1)))
    assert np.array_equal(grad[0, :, :, 0], [[0.0, 1.0], [0.0, 0.0]])


def test_batch_normalization_uses_batch_statistics_in_training_and_running_ones_at_inference():
    layer = _built(BatchNormalization(momentum=0.9), (2, 2, 3))
    x = np.random.default_rng(0).normal(loc=5.0, scale=2.0, size=(16, 2, 2, 3))
    y = layer.forward(x, training=True)
    per_channel = y.reshape(-1, 3)
    assert np.allclose(per_channel.mean(axis=0), 0.0) and np.allclose(per_channel.std(axis=0),
                                                                       1.0, atol=1e-3)
    channels = x.reshape(-1, 3)
    assert np.allclose(layer.state["moving_mean"], 0.1 * channels.mean(axis=0))
    assert np.allclose(layer.state["moving_variance"], 0.9 + 0.1 * channels.var(axis=0))
    layer.state["moving_mean"][...], layer.state["moving_variance"][...] = 5.0, 4.0
    one = layer.forward(x[:1])
    assert np.allclose(one, (x[:1] - 5.0) / np.sqrt(4.0 + 1e-3))
    assert np.allclose(layer.forward(x)[:1], one)  # inference does not depend on the batch
    assert layer.count_params == 6 and layer.count_state == 6


def test_reshape_and_flatten_shapes():
    assert _built(Reshape((28, 28, 1)), (784,)).output_shape == (28, 28, 1)
    assert _built(Reshape((-1, 4)), (2, 6)).output_shape == (3, 4)
    assert _built(Flatten(), (4, 4, 16)).output_shape == (256,)
    x = np.arange(24.0).reshape(2, 12)
    assert _built(Reshape((3, 4)), (12,)).forward(x).shape == (2, 3, 4)


@pytest.mark.parametrize("make", [
    lambda: Conv2D(8, 5, strides=(2, 1), padding="same", activation="ReLU", name="c"),
    lambda: MaxPool2D((2, 3), strides=1, padding="same"), lambda: AvgPool2D(),
    lambda: BatchNormalization(momentum=0.9, epsilon=1e-5), lambda: Reshape((2, -1)),
    lambda: Flatten(name="f"), lambda: Activation("LeakyReLU"), lambda: Softmax(),
])
def test_configuration_rebuilds_the_same_layer(make):
    layer = make()
    clone = layer_class(type(layer).__name__)(**layer.get_config())
    assert clone.get_config() == layer.get_config() and repr(clone) == repr(layer)


@pytest.mark.parametrize("make, message", [
    (lambda: Conv2D(0, 3), "filters must be a positive integer, got 0"),
    (lambda: Conv2D(4, (3,)), r"kernel_size must be a positive integer or a pair of them, "
                              r"got \(3,\)"),
    (lambda: Conv2D(4, 3, strides=0), "strides must be a positive integer or a pair"),
    (lambda: Conv2D(4, 3, padding="full"), r"padding must be one of \['valid', 'same'\] or an "
                                           r"integer >= 0, got 'full'"),
    (lambda: Conv2D(4, 3, activation="Relu"), "unknown activation 'Relu'; valid choices"),
    (lambda: MaxPool2D(padding=1), r"padding must be one of \['valid', 'same'\], got 1"),
    (lambda: BatchNormalization(momentum=1.0), r"momentum must be a number in \[0, 1\)"),
    (lambda: BatchNormalization(epsilon=0), "epsilon must be a number > 0"),
    (lambda: Reshape((28, 0)), "target_shape must be a tuple of positive integers"),
    (lambda: Reshape((-1, -1)), "target_shape must be a tuple of positive integers"),
    (lambda: Activation("Softmaxx"), "unknown activation 'Softmaxx'"),
])
def test_bad_arguments_are_rejected_at_construction(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("layer, input_shape, message", [
    (Conv2D(4, 3), (784,), r"Conv2D takes images of shape \(height, width, channels\), got "
                           r"examples of shape \(784,\); for flat rows of pixels, add a Reshape"),
    (MaxPool2D(name="pool"), (28, 28), "pool takes images of shape"),
    (Conv2D(4, 5), (3, 8, 1), "a 5x5 window does not fit images of 3x8 pixels with padding "
                              "'valid'"),
    (Dense(3), (4, 4, 2), "add a Flatten layer before it"),
    (Reshape((28, 28, 2)), (784,), r"cannot turn examples of shape \(784,\) \(784 values\) "
                                   r"into shape \(28, 28, 2\)"),
])
def test_shapes_that_do_not_fit_are_rejected_at_build(layer, input_shape, message):
    with pytest.raises(ValueError, match=message):
        _built(layer, input_shape)
