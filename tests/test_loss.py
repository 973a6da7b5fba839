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
