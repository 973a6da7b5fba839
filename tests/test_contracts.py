"""Every registered component goes through the same checks: a new one costs no new test."""

import pickle

import numpy as np
import pytest

from learninspy.core import activations, loss, rules
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import Minimizer, OptimizerParameters
from learninspy.engine import ENGINES
from learninspy.core.stops import criterion
from learninspy.utils.checks import check_activation, check_loss
from learninspy.utils.evaluation import ClassificationMetrics, RegressionMetrics

CRITERION_ARGS = {"MaxIterations": (3,), "AchieveTolerance": (0.5,), "ModuloNIterations": (2,),
                  "TimeElapsed": (60,), "NotBetterThanAfter": (0.5, 2), "Patience": (3, "hits", 2),
                  "OnSignal": ()}


@pytest.mark.parametrize("name", activations.names())
def test_activation_contract(name):
    record = activations.get(name)
    assert check_activation(name) < 1e-6
    assert record.init in ("he", "glorot", "glorot4")
    network = NeuralNetwork(NetworkParameters([3, 4, 2], activation=name, seed=1))
    out = network.predict(np.ones((2, 3)))
    assert out.shape == (2, 2) and np.all(np.isfinite(out))


@pytest.mark.parametrize("name", loss.names())
def test_loss_contract(name):
    assert check_loss(name) < 1e-6


@pytest.mark.parametrize("name", rules.names())
def test_optimizer_contract(name, iris_scaled):
    params = OptimizerParameters(name, stops=[criterion["MaxIterations"](3)])
    assert str(params).startswith(f"The algorithm used is {name} with the next parameters:")
    network = NeuralNetwork(NetworkParameters([4, 5, 3]))
    results = list(Minimizer[name](network, iris_scaled[0], params))
    assert len(results) == 3 and all(np.isfinite(r["cost"]) for r in results)
    optimizer = Minimizer[name](network, parameters=params)
    assert all(v.shape in ((), (network.count_params,)) for v in optimizer.state.values())
    pickle.loads(pickle.dumps(optimizer.state))


@pytest.mark.parametrize("name", list(criterion))
def test_criterion_contract(name):
    stop = criterion[name](*CRITERION_ARGS[name])
    assert isinstance(stop({"iterations": 1, "hits": 0.1, "cost": 1.0}), bool)
    assert str(stop).startswith("Stop ")
    stop.reset()
    combined = stop | criterion["MaxIterations"](1)
    assert combined({"iterations": 1, "hits": 0.1, "cost": 1.0})


@pytest.mark.parametrize("metrics, arguments", [
    (ClassificationMetrics, ((np.array([0, 1, 1]), np.array([0, 1, 0])), 2)),
    (RegressionMetrics, ((np.array([0.5, 1.0, 2.0]), np.array([0.4, 1.2, 1.9])),)),
])
def test_every_measure_evaluates(metrics, arguments):
    instance = metrics(*arguments)
    for measure in metrics.measures:
        assert np.isfinite(instance.evaluate(measure))
    with pytest.raises(ValueError, match="valid choices"):
        instance.evaluate("AUC")


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_contract(engine, iris_scaled, request):
    """Every engine trains as the local engine does, bit for bit (reproducible fits)."""
    if engine == "spark":
        request.getfixturevalue("spark")  # the test run's one session

    def trained(on):
        network = NeuralNetwork(NetworkParameters([4, 6, 3], seed=5))
        network.fit(iris_scaled[0], mini_batch=16, parallelism=2, engine=on, reproducible=True,
                    stops=[criterion["MaxIterations"](3)],
                    optimizer_params=OptimizerParameters("Adam", sampling="fresh",
                                                         stops=[criterion["MaxIterations"](4)]))
        return network.get_parameters()

    assert np.array_equal(trained(engine), trained("local"))
