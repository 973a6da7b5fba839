"""Each speed optimisation against a plain reference computation of the same thing."""

import numpy as np
import pytest

from learninspy.core.batches import FixedBatch, TrainingSet
from learninspy.core.layers import Dense, Dropout
from learninspy.core.optimization import Minimizer, OptimizerParameters
from learninspy.core.sequential import Sequential
from learninspy.core.stops import criterion
from learninspy.utils.sampling import BatchSampler

OPTIONS = {"GD": {"step-rate": 0.05, "momentum": 0.9},
           "Adadelta": {"offset": 1e-4}, "Adam": {"step-rate": 0.01},
           "RMSProp": {"step-rate": 0.01, "momentum": 0.5}}


def _model(l1=0.0, l2=0.0):
    return Sequential([Dense(16, "Tanh"), Dropout(0.0), Dense(12, "ReLU"), Dense(3, "Softmax")],
                      loss="CrossEntropy", input_shape=(5,), dtype="float64", seed=4,
                      strength_l1=l1, strength_l2=l2)


@pytest.mark.parametrize("algorithm", list(OPTIONS) + ["Nesterov"])
def test_layer_by_layer_updates_match_a_plain_loop(algorithm, rng):
    """The optimizer's iterator updates each layer as soon as backpropagation leaves it, with
    GD's step rate folded into the gradients; a plain loop computes every gradient first, then
    updates the whole flat vector. Same weights after 20 steps."""
    name = "GD" if algorithm == "Nesterov" else algorithm
    options = dict(OPTIONS[name], **({"momentum_type": "nesterov"} if algorithm == "Nesterov"
                                     else {}))
    X, y = rng.normal(size=(40, 5)), rng.integers(0, 3, 40)
    fused, plain = _model(1e-3, 1e-2), _model(1e-3, 1e-2)
    params = OptimizerParameters(name, options, stops=[criterion["MaxIterations"](20)])
    batch = TrainingSet.of(fused, (X, y)).rows(slice(None))
    list(Minimizer[name](fused, FixedBatch(batch), params))
    reference = Minimizer[name](plain, parameters=params)
    for _ in range(20):
        plain.loss_and_gradients(batch[0], batch[1])
        reference.step()
    assert np.allclose(fused.get_parameters(), plain.get_parameters(), rtol=1e-9, atol=1e-12)


def test_a_diverging_step_updates_nothing(rng):
    model = _model()
    X, y = rng.normal(size=(8, 5)), rng.integers(0, 3, 8)
    features, labels = model.labeled_arrays((X, y))
    targets = model.target_matrix(labels)
    before = model.get_parameters()
    calls = []
    model._params[0] = np.nan  # every output becomes NaN
    cost = model.loss_and_gradients(features, targets, after_layer=calls.append)
    assert not np.isfinite(cost) and calls == []
    model.set_parameters(before)


def test_the_blockwise_nan_scan_finds_the_first_bad_row():
    from learninspy.core.task import _first_non_finite_row
    X = np.zeros((40000, 3), dtype=np.float32)
    assert _first_non_finite_row(X) is None
    X[33000, 1], X[35000, 0] = np.nan, np.inf
    assert _first_non_finite_row(X) == 33000
    assert _first_non_finite_row(X, rows=7) == 33000


def test_balanced_batches_share_the_remainder_fairly():
    classes = np.repeat(np.arange(3), [50, 50, 50])
    sampler = BatchSampler(len(classes), classes, np.random.default_rng(0))
    counts = np.zeros(3, dtype=int)
    for _ in range(30):
        batch = sampler.sample(10)  # 3 per class and one more, taken in turn
        per_class = np.bincount(classes[batch], minlength=3)
        assert sorted(per_class) == [3, 3, 4]
        counts += per_class
    assert counts.tolist() == [100, 100, 100]
    assert len(sampler.sample(0)) == 0


def test_training_buffers_do_not_change_what_the_model_computes(rng):
    model = _model()
    X = rng.normal(size=(6, 5))
    inference = model.predict(X)
    training = model.forward(X, training=True).copy()  # reused scratch arrays
    again = model.forward(X[::-1].copy(), training=True)
    assert np.allclose(training, inference) and np.allclose(again[::-1], inference)


@pytest.mark.parametrize("shape, dtype", [((7,), "float32"), ((3, 5), "float64"), ((), "float32")])
def test_aligned_arrays_start_on_a_cache_line(shape, dtype):
    from learninspy.utils.arrays import CACHE_LINE, aligned_empty, aligned_zeros
    empty, zeros = aligned_empty(shape, dtype), aligned_zeros(shape, dtype)
    for array in (empty, zeros):
        assert array.shape == shape and array.dtype == np.dtype(dtype)
        assert array.flags.c_contiguous and array.ctypes.data % CACHE_LINE == 0
    assert not zeros.any()


def test_the_training_vectors_and_buffers_are_aligned(rng):
    """The flat parameter, gradient and optimizer vectors and the layers' scratch buffers start
    on a cache line (a few percent of the step at batch 32), and the layers' arrays are still
    views into the flat vectors that the optimizer updates."""
    from learninspy.utils.arrays import CACHE_LINE
    X, y = rng.normal(size=(40, 5)), rng.integers(0, 3, 40)
    model = _model()
    params = OptimizerParameters("GD", OPTIONS["GD"], stops=[criterion["MaxIterations"](3)])
    minimizer = Minimizer["GD"](model, FixedBatch(TrainingSet.of(model, (X, y)).rows(
        slice(None))), params)
    first_weights = model.layers[0].params["w"].copy()
    list(minimizer)
    vectors = [model.parameter_vector, model.gradient_vector, minimizer.state["velocity"],
               minimizer.rule.scratch(model.parameter_vector)[0]]
    vectors += [buffer for layer in model.layers for buffer in layer._buffers.values()]
    assert all(vector.ctypes.data % CACHE_LINE == 0 for vector in vectors)
    assert np.shares_memory(model.layers[0].params["w"], model.parameter_vector)
    assert not np.array_equal(model.layers[0].params["w"], first_weights)
