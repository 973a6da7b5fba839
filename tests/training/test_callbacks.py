"""fit composes callbacks: its own options are shorthands for them, and users add their own."""

import signal

import numpy as np
import pytest

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import MaxIterations, OnSignal
from learninspy.layers import Dense, Dropout, Sequential
from learninspy.training import Callback, KeepBest


def _network(seed=1):
    return NeuralNetwork(NetworkParameters([4, 6, 3], seed=seed))


def _fit(network, data, iterations=6, **options):
    train, valid = data
    return network.fit(train, valid, mini_batch=16, parallelism=1, valid_iters=2,
                       stops=[MaxIterations(iterations)],
                       optimizer_params=OptimizerParameters("Adam", {"step-rate": 0.02},
                                                            stops=[MaxIterations(3)]),
                       **options)


class Recorder(Callback):
    def __init__(self, name, log):
        self.name, self.log = name, log

    def on_fit_begin(self, loop):
        self.log.append((self.name, "begin", loop.iteration))

    def on_iteration_end(self, loop):
        self.log.append((self.name, "end of", loop.iteration, loop.evaluated))

    def on_fit_end(self, loop):
        self.log.append((self.name, "end", loop.iteration))


def test_a_users_callbacks_see_every_iteration_and_end_in_reverse_order(iris_scaled):
    log = []
    _fit(_network(), iris_scaled, iterations=3,
         callbacks=[Recorder("first", log), Recorder("second", log)])
    assert log == [("first", "begin", 0), ("second", "begin", 0),
                   ("first", "end of", 1, True), ("second", "end of", 1, True),
                   ("first", "end of", 2, False), ("second", "end of", 2, False),
                   ("first", "end of", 3, True), ("second", "end of", 3, True),
                   ("second", "end", 3), ("first", "end", 3)]


def test_a_callback_stops_the_fit_and_the_model_keeps_what_it_reached(iris_scaled):
    class StopAtFour(Callback):
        def on_iteration_end(self, loop):
            loop.stop = loop.iteration == 4

    network = _network()
    score = _fit(network, iris_scaled, iterations=50, callbacks=[StopAtFour()])
    assert network.history.iterations == [1, 2, 3, 4]
    assert score == network.history.final["valid"] == network.evaluate(iris_scaled[1])


def test_a_stop_criterion_given_as_a_callback_is_early_stopping(iris_scaled):
    network = _network()
    _fit(network, iris_scaled, iterations=50, callbacks=[MaxIterations(2)])
    assert len(network.history) == 2


def test_keep_best_is_the_callback_of_the_shorthand(iris_scaled):
    by_option, by_callback = _network(seed=4), _network(seed=4)
    _fit(by_option, iris_scaled, iterations=8, keep_best=True, reproducible=True)
    _fit(by_callback, iris_scaled, iterations=8, callbacks=[KeepBest()], reproducible=True)
    assert np.array_equal(by_option.get_parameters(), by_callback.get_parameters())
    assert by_option.history.best_iteration == by_callback.history.best_iteration


def test_on_signal_holds_its_handler_for_the_fit_only(iris_scaled):
    previous = signal.getsignal(signal.SIGUSR1)

    class SignalAtThree(Callback):
        def on_iteration_end(self, loop):
            if loop.iteration == 3:
                signal.raise_signal(signal.SIGUSR1)

    network = _network()
    stop = OnSignal(signal.SIGUSR1)
    assert signal.getsignal(signal.SIGUSR1) is previous
    _fit(network, iris_scaled, iterations=50, callbacks=[SignalAtThree(), stop])
    assert len(network.history) == 3  # stopped at the end of the iteration it came in
    assert signal.getsignal(signal.SIGUSR1) is previous


def test_a_failing_fit_releases_what_its_callbacks_hold(iris_scaled):
    previous = signal.getsignal(signal.SIGUSR1)

    class Fails(Callback):
        def on_iteration_end(self, loop):
            raise RuntimeError("a user's callback failed")

    with pytest.raises(RuntimeError, match="a user's callback failed"):
        _fit(_network(), iris_scaled, callbacks=[OnSignal(signal.SIGUSR1), Fails()])
    assert signal.getsignal(signal.SIGUSR1) is previous


def test_something_that_is_no_callback_is_refused(iris_scaled):
    with pytest.raises(TypeError, match="a callback needs on_fit_begin"):
        _fit(_network(), iris_scaled, callbacks=[print])


def test_dropout_outside_fit_draws_from_the_models_seed(rng):
    """No unseeded generator: two models of one seed drop the same inputs in training mode."""
    x = rng.normal(size=(8, 5))
    outputs = [Sequential([Dropout(0.5), Dense(3)], input_shape=(5,), seed=9)
               .forward(x, training=True) for _ in range(2)]
    assert np.array_equal(*outputs)
    with pytest.raises(ValueError, match="has no generator: use it in a model"):
        Dropout(0.5).forward(x, training=True)
