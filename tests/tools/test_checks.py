"""The gradient checks as someone adding their own component uses them: a right derivative
passes, a slip is caught."""

import numpy as np
import pytest

from learninspy.core import activations, loss
from learninspy.core.layers import Dense
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.utils.checks import check_activation, check_layer, check_loss, check_network

RIGHT = 1e-6  # a correct derivative stays below this
WRONG = 1e-2  # a wrong one goes far above


@pytest.fixture
def swish():
    """A user's activation, registered for the test and removed afterwards."""
    def _swish_derivative(z):
        s = 1.0 / (1.0 + np.exp(-z))
        return s + z * s * (1.0 - s)

    @activations.register("Swish", derivative=_swish_derivative)
    def swish(z):
        return z / (1.0 + np.exp(-z))

    yield "Swish"
    del activations.fun_activation["Swish"]


def test_a_user_activation_is_checked_before_and_after_registering(swish):
    assert check_activation(swish) < RIGHT
    record = activations.get(swish)
    slipped = activations.Activation("SwishSlip", record.function,
                                      lambda z: 1.0 / (1.0 + np.exp(-z)))  # forgot a term
    assert check_activation(slipped) > WRONG
    assert check_layer(Dense(3, activation=swish), (4,)) < RIGHT
    assert check_layer(Dense(3, activation=slipped), (4,)) > WRONG


def test_a_whole_network_with_a_user_activation(swish):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)), rng.integers(0, 2, 6)
    network = NeuralNetwork(NetworkParameters([3, 5, 2], activation=swish, dtype="float64",
                                              strength_l1=1e-3, strength_l2=1e-2))
    assert check_network(network, (X, y)) < RIGHT
    activations.fun_activation_d[swish] = lambda z: np.ones_like(z)  # a slip in the derivative
    assert check_network(NeuralNetwork(network.params), (X, y)) > WRONG


def test_a_user_loss():
    def _mae_derivative(o, t):
        return np.sign(o - t)

    @loss.register("MAE", derivative=_mae_derivative)
    def mae(o, t):
        return np.mean(np.sum(np.abs(o - t), axis=-1))

    try:
        assert check_loss("MAE") < RIGHT
        loss.fun_loss_d["MAE"] = lambda o, t: o - t  # the MSE's derivative by mistake
        assert check_loss("MAE") > WRONG
    finally:
        del loss.fun_loss["MAE"]
    assert "MAE" not in loss.names()
