import numpy as np
import pytest

from learninspy.core import activations
from learninspy.core.activations import fun_activation, fun_activation_d
from learninspy.utils.checks import check_activation

DOCUMENTED = ["Identity", "Tanh", "Sigmoid", "ReLU", "LeakyReLU", "Softplus", "LeCunnSigm"]


def test_documented_keys_are_registered_in_both_dicts():
    assert list(fun_activation) == DOCUMENTED
    assert list(fun_activation_d) == DOCUMENTED
    assert fun_activation["Tanh"] is activations.tanh
    assert fun_activation_d["ReLU"](np.array([-1.0, 2.0])).tolist() == [0.0, 1.0]


@pytest.mark.parametrize("name", DOCUMENTED)
def test_derivative_matches_finite_differences(name):
    assert check_activation(name) < 1e-6


@pytest.mark.parametrize("name", DOCUMENTED)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_safe_and_dtype_preserving_for_large_inputs(name, dtype):
    record = activations.get(name)
    z = np.array([-1e4, -500.0, -30.0, -1.0, 0.0, 1.0, 30.0, 500.0, 1e4], dtype=dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        outputs = [record.function(z), record.derivative(z)]
        if record.inplace is not None:
            outputs.append(record.inplace(z.copy()))
    for out in outputs:
        assert out.dtype == dtype
        assert np.all(np.isfinite(out))


def test_documented_formulas():
    z = np.array([-2.0, 0.5, 3.0])
    assert np.allclose(activations.relu(z), [0.0, 0.5, 3.0])
    assert np.allclose(activations.leaky_relu(z), [-0.02, 0.5, 3.0])
    assert np.allclose(activations.sigmoid(z), 1 / (1 + np.exp(-z)))
    assert np.allclose(activations.softplus(z), np.log1p(np.exp(z)))
    assert np.allclose(activations.lecunn_sigmoid(z), 1.7159 * np.tanh(2 * z / 3))
    assert np.allclose(activations.identity(z), z)


def test_adding_an_activation_through_the_documented_dicts(iris_split):
    from learninspy.core.model import NetworkParameters, NeuralNetwork

    def cube(z):
        return z ** 3

    def _cube_d(z):
        return 3 * z ** 2

    fun_activation["Cube"] = cube
    fun_activation_d["Cube"] = _cube_d
    try:
        assert check_activation("Cube") < 1e-6
        network = NeuralNetwork(NetworkParameters([4, 3, 3], activation="Cube"))
        assert network.predict(iris_split[1].features).shape == (45, 3)
    finally:
        del fun_activation["Cube"]
    assert "Cube" not in fun_activation


def test_unknown_activation_lists_the_valid_ones():
    with pytest.raises(ValueError, match="valid choices are .*'ReLU'"):
        activations.get("Relu")
