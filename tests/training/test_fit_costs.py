"""fit adds no work around the steps: its training score comes from the replicas' batches,
one replica trains the model itself, and a fit's work grows linearly with its iterations --
checked by counting the work, not by timing it."""

import numpy as np
import pytest

from learninspy.core import inference, sequential
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters, optimize
from learninspy.core.stops import MaxIterations
from learninspy.training import Callback
from learninspy.training.fit import replica_seed

rng = np.random.default_rng(0)
TRAIN = (rng.normal(size=(600, 6)), np.arange(600) % 3)
VALID = (rng.normal(size=(50, 6)), np.arange(50) % 3)


def _network():
    return NeuralNetwork(NetworkParameters([6, 16, 3], dropout_ratios=[0.0, 0.1], seed=2))


def _params():
    return OptimizerParameters("GD", {"step-rate": 0.05, "momentum": 0.9}, merge_criter="avg",
                               stops=[MaxIterations(5)], sampling="fresh", keep_state=True)


def _fit(network, iterations, parallelism=1, **options):
    network.fit(TRAIN, VALID, mini_batch=16, parallelism=parallelism, valid_iters=5,
                reproducible=True, stops=[MaxIterations(iterations)],
                optimizer_params=_params(), **options)
    return network


def test_a_fit_of_one_replica_is_the_inner_loop_bit_for_bit():
    fitted = _fit(_network(), 6)
    by_hand, params, state = _network(), _params(), None
    base = by_hand.next_fit_seed(restart=True)
    for iteration in range(1, 7):
        result = optimize(by_hand, TRAIN, params, mini_batch=16, in_place=True,
                          seed=replica_seed(base, iteration, 0), optimizer_state=state)
        state = {key: value.copy() for key, value in result.optimizer_state.items()}
    assert np.array_equal(fitted.get_parameters(), by_hand.get_parameters())


class Scores(Callback):
    def __init__(self):
        self.seen = []

    def on_iteration_end(self, loop):
        if loop.evaluated:
            self.seen.append((loop.train_score, [r.batch_score for r in loop.results]))


def test_the_training_score_is_the_mean_of_the_replicas_batch_scores():
    scores = Scores()
    network = _fit(_network(), 10, parallelism=3, callbacks=[scores])
    assert network.history.train_kind == "batches" and len(scores.seen) == 2
    for train, batch_scores in scores.seen:
        assert len(batch_scores) == 3 and train == pytest.approx(np.mean(batch_scores))
    evaluated = [v for v in network.history.train if not np.isnan(v)]
    assert evaluated == [train for train, _ in scores.seen]


def test_a_full_pass_training_score_is_computed_when_asked():
    network = _fit(_network(), 6, train_score="full pass")
    assert network.history.train_kind == "full pass"
    assert network.history.final["train"] == network.evaluate(TRAIN)
    with pytest.raises(ValueError, match="train_score must be one of"):
        _fit(_network(), 2, train_score="every row")


def _count_work(monkeypatch, iterations, parallelism=1, **options):
    """(rows fit forwarded outside training steps, parameter copies) of one fit."""
    rows, copies = [0], [0]
    outputs, get_parameters = inference.Inference.outputs, sequential.Sequential.get_parameters

    def counted_outputs(self, X):
        rows[0] += len(X)
        return outputs(self, X)

    def counted_copies(self):
        copies[0] += 1
        return get_parameters(self)

    monkeypatch.setattr(inference.Inference, "outputs", counted_outputs)
    monkeypatch.setattr(sequential.Sequential, "get_parameters", counted_copies)
    _fit(_network(), iterations, parallelism, **options)
    monkeypatch.undo()
    return rows[0], copies[0]


def test_a_fits_work_grows_linearly_with_its_iterations(monkeypatch):
    few, many = _count_work(monkeypatch, 40), _count_work(monkeypatch, 400)
    # rows scored: the validation set every 5 iterations and at the end; never the training set
    assert few[0] == (40 // 5 + 1) * 50 and many[0] == (400 // 5 + 1) * 50
    # one copy of the weights per iteration (what an interruption goes back to), no other
    assert few[1] == 40 and many[1] == 400
    full = _count_work(monkeypatch, 40, train_score="full pass")
    assert full[0] == few[0] + (40 // 5 + 1) * 600  # asked for: a pass over the training set
    three = _count_work(monkeypatch, 40, parallelism=3)
    assert three[1] == 40  # the replicas' workspaces are set from the model, not copied anew
