import numpy as np
import pytest

from learninspy.core import activations, loss
from learninspy.core.neurons import LocalNeurons


def test_algebra():
    a = LocalNeurons(np.array([[1.0, 2.0], [3.0, 4.0]]), (2, 2))
    b = LocalNeurons(np.eye(2))
    assert (a.mul_array(b).collect() == a.collect()).all()
    assert (a.mul_elemwise(b).collect() == np.diag([1.0, 4.0])).all()
    assert (a.sum_array(b).collect() == a.collect() + np.eye(2)).all()
    assert ((a + 1) - 1) == a
    assert ((a * 2) / 2) == a
    assert (a ** 2).collect()[1, 1] == 16.0
    assert a.transpose().collect()[0, 1] == 3.0
    assert a.outer(np.array([1.0, 0.0])).shape == (4, 2)
    assert a.count() == 4 and a.shape == (2, 2) and a.sum() == 10.0
    assert list(a.sum(axis=0)) == [4.0, 6.0]


def test_norms_and_their_gradients():
    w = LocalNeurons(np.array([[-1.0, 2.0], [0.5, -3.0]]))
    value, grad = w.l1()
    assert value == 6.5 and (grad.collect() == np.sign(w.collect())).all()
    value, grad = w.l2()
    assert value == pytest.approx(0.5 * (1 + 4 + 0.25 + 9)) and grad == w


def test_functions_of_the_network():
    z = LocalNeurons(np.array([-1.0, 0.0, 2.0]))
    assert z.activation(activations.relu).collect().tolist() == [0.0, 0.0, 2.0]
    p = z.softmax()
    assert p.sum() == pytest.approx(1.0)
    t = np.array([0.0, 0.0, 1.0])
    assert LocalNeurons(p).loss(loss.cross_entropy, t) == pytest.approx(-np.log(p[2]))
    assert np.allclose(LocalNeurons(p).loss_d(loss.fun_loss_d["CrossEntropy"], t).collect(),
                       p - t)


def test_inverted_dropout_keeps_the_expected_value():
    x = LocalNeurons(np.ones((200, 50)))
    dropped, mask = x.dropout(0.3, seed=1)
    assert set(np.unique(mask)) == {0.0, 1.0}
    assert abs(1 - mask.mean() - 0.3) < 0.02
    assert np.allclose(dropped.collect()[mask == 1], 1 / 0.7)
    assert abs(dropped.collect().mean() - 1.0) < 0.03
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        x.dropout(1.0)


def test_shape_is_checked():
    with pytest.raises(ValueError, match="cannot view"):
        LocalNeurons(np.zeros(6), (4, 2))
