import numpy as np
import pytest

from learninspy.core import loss
from learninspy.utils.checks import check_loss


@pytest.mark.parametrize("name", ["CrossEntropy", "BinaryCrossEntropy", "MSE"])
def test_derivative_matches_finite_differences(name):
    assert check_loss(name) < 1e-6


def test_documented_dicts():
    assert set(loss.fun_loss) == {"CrossEntropy", "BinaryCrossEntropy", "MSE"}
    assert loss.fun_loss["MSE"] is loss.mse
    assert set(loss.fun_loss_d) == {"CrossEntropy", "BinaryCrossEntropy", "MSE"}


def test_values_for_one_example_and_the_mean_for_a_batch():
    o, t = np.array([0.7, 0.2, 0.1]), np.array([1.0, 0.0, 0.0])
    assert loss.cross_entropy(o, t) == pytest.approx(-np.log(0.7))
    assert loss.mse(np.array([1.0, 2.0]), np.array([0.0, 0.0])) == pytest.approx(2.5)
    batch_o, batch_t = np.stack([o, o[::-1]]), np.stack([t, t])
    assert loss.cross_entropy(batch_o, batch_t) == pytest.approx(
        (-np.log(0.7) - np.log(0.1)) / 2)


def test_softmax_is_stable_and_sums_to_one():
    z = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4]], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = loss.softmax(z)
        cost = loss.cross_entropy(p, np.eye(3, dtype=np.float32)[[1, 0]])
    assert np.allclose(p.sum(axis=1), 1.0)
    assert p.dtype == np.float32
    assert np.isfinite(cost)


def test_unknown_loss():
    with pytest.raises(ValueError, match="valid choices"):
        loss.get("Hinge")


def test_binary_cross_entropy_values_and_safety():
    o, t = np.array([[0.9], [0.2]]), np.array([[1.0], [0.0]])
    assert loss.binary_cross_entropy(o, t) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    with np.errstate(divide="raise", invalid="raise"):
        assert np.isfinite(loss.binary_cross_entropy(np.array([[0.0], [1.0]], dtype=np.float32),
                                                     np.array([[1.0], [0.0]])))


@pytest.mark.parametrize("loss_fn, activate, target", [
    (loss.SoftmaxCrossEntropy(), loss.softmax, np.array([2, 0, 1])),
    (loss.SigmoidBinaryCrossEntropy(), lambda z: 1 / (1 + np.exp(-z)),
     np.array([[1.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.0], [1.0, 1.0, 0.0, 0.0]])),
    (loss.MeanSquaredError(), lambda z: z, np.arange(12.0).reshape(3, 4) / 10),
])
def test_loss_operators_backward_is_the_gradient_of_forward(loss_fn, activate, target):
    """The operators take the logits (the input of the fused activation); their backward is
    d (mean loss) / d logits."""
    z = np.random.default_rng(0).normal(size=(3, 4))
    cost = loss_fn.forward(z, target)
    assert np.allclose(loss_fn.output, activate(z))
    assert cost == pytest.approx(loss_fn.record.function(activate(z), loss_fn.target))
    grad = loss_fn.backward()
    step, numeric = 1e-6, np.zeros_like(z)
    for index in np.ndindex(z.shape):
        shifted = z.copy()
        shifted[index] += step
        plus = loss_fn.forward(shifted, target)
        shifted[index] -= 2 * step
        numeric[index] = (plus - loss_fn.forward(shifted, target)) / (2 * step)
    assert np.allclose(grad, numeric, atol=1e-8)


def test_loss_operator_targets():
    z = np.array([[2.0, -1.0, 0.5], [0.0, 1.0, -3.0]], dtype=np.float32)
    softmax_ce = loss.SoftmaxCrossEntropy()
    assert softmax_ce(z, np.array([0, 1])) == pytest.approx(
        softmax_ce(z, np.eye(3, dtype=np.float32)[[0, 1]]))
    assert softmax_ce.backward().dtype == np.float32
    mse = loss.MeanSquaredError()
    assert mse(z[:, :1], np.array([1.0, 2.0])) == pytest.approx(((2 - 1) ** 2 + 2 ** 2) / 4)
    with pytest.raises(ValueError, match=r"targets must be class indices in \[0, 3\), got "
                                         r"values from 0 to 3"):
        softmax_ce(z, np.array([0, 3]))
    with pytest.raises(ValueError, match=r"targets of shape \(2, 2\) do not match outputs of "
                                         r"shape \(2, 3\)"):
        mse(z, np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"2 targets for outputs of shape \(2, 3\): give one "
                                         r"row of 3 targets per example"):
        mse(z, np.ones(2))
    with pytest.raises(ValueError, match=r"takes outputs of shape \(n, k\), got \(3,\)"):
        mse(z[0], np.ones(3))
    with pytest.raises(ValueError, match=r"backward\(\) needs a forward\(\) first"):
        loss.SigmoidBinaryCrossEntropy().backward()
