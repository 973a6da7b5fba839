"""Ready-made trainings on the data sets shipped with learninspy.

``learninspy demo NAME`` runs one and prints its test metrics; the scripts of ``examples/``
and the test suite use the same functions. Each demo splits its data with a fixed seed,
trains a network suited to the task and scores it on examples it never saw.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import criterion
from learninspy.utils import data as datasets

__all__ = ["DEMOS", "DemoResult", "run_demo", "format_metrics"]


@dataclass
class DemoResult:
    """What a demo reached.

    Attributes:
        name: the demo's name.
        network: the trained network.
        metrics: test metrics, name -> value.
        seconds: training time.
    """

    name: str
    network: NeuralNetwork
    metrics: dict = field(default_factory=dict)
    seconds: float = 0.0


DEMOS = {}


def _demo(function):
    DEMOS[function.__name__.removeprefix("demo_")] = function
    return function


def _standardize(train, *others):
    """Features scaled by the training set's mean and standard deviation."""
    mean, std = train.features.mean(axis=0), train.features.std(axis=0) + 1e-8
    return [datasets.LocalLabeledDataSet(((d.features - mean) / std, d.labels))
            for d in (train,) + others]


def _fit(network, train, valid, iterations, optimizer_params, mini_batch, engine, verbose,
         parallelism=1):
    started = time.perf_counter()
    network.fit(train, valid, mini_batch=mini_batch, parallelism=parallelism, valid_iters=10,
                stops=[criterion["MaxIterations"](iterations)], optimizer_params=optimizer_params,
                engine=engine, verbose=verbose)
    return time.perf_counter() - started


def _classification_metrics(network, test):
    return {measure: network.evaluate(test, measure=measure)
            for measure in ("Accuracy", "F-measure", "Precision", "Recall")}


@_demo
def demo_iris(quick=False, engine=None, verbose=1):
    """Iris flowers, 4 -> 10 -> 3, Adam; 70/30 split."""
    train, test = datasets.split_data(datasets.load_iris(), [0.7, 0.3], seed=123, balanced=True)
    network = NeuralNetwork(NetworkParameters([4, 10, 3], activation="Tanh", strength_l1=0.0,
                                              strength_l2=1e-4, seed=123))
    optimizer = OptimizerParameters("Adam", {"step-rate": 0.01}, merge_criter="avg",
                                    stops=[criterion["MaxIterations"](10)], sampling="fresh",
                                    keep_state=True)
    seconds = _fit(network, train, test if quick else None, 20 if quick else 60, optimizer, 32,
                   engine, verbose)
    return DemoResult("iris", network, _classification_metrics(network, test), seconds)


@_demo
def demo_ccpp(quick=False, engine=None, verbose=1):
    """Power plant output from 4 ambient readings, 4 -> 30 -> 1, standardised; 80/20 split."""
    train, test = datasets.split_data(datasets.load_ccpp(), [0.8, 0.2], seed=123)
    mean, std = train.labels.mean(), train.labels.std()
    train, test = _standardize(train, test)
    scaled = [datasets.LocalLabeledDataSet((d.features, (d.labels - mean) / std))
              for d in (train, test)]
    network = NeuralNetwork(NetworkParameters([4, 30, 1], activation=["ReLU", "Identity"],
                                              classification=False, strength_l1=0.0,
                                              strength_l2=0.0, seed=123))
    optimizer = OptimizerParameters("Adam", {"step-rate": 0.005}, merge_criter="avg",
                                    stops=[criterion["MaxIterations"](20)], sampling="fresh",
                                    keep_state=True)
    seconds = _fit(network, scaled[0], None, 30 if quick else 150, optimizer, 64, engine,
                   verbose)
    predicted = network.predict(test.features)[:, 0] * std + mean
    error = predicted - test.labels
    metrics = {"R2": network.evaluate(scaled[1], measure="R2"),
               "RMSE (MW)": float(np.sqrt(np.mean(error ** 2))),
               "MAE (MW)": float(np.mean(np.abs(error)))}
    return DemoResult("ccpp", network, metrics, seconds)


@_demo
def demo_mnist(quick=False, engine=None, verbose=1):
    """5,000 MNIST digits, 784 -> 256 -> 128 -> 10 ReLU with dropout, SGD with momentum;
    stratified 70/15/15 split."""
    digits = datasets.load_mnist()
    digits = datasets.LocalLabeledDataSet((digits.features / 255.0, digits.labels))
    train, valid, test = datasets.split_data(digits, [0.7, 0.15, 0.15], seed=123, balanced=True)
    network = NeuralNetwork(NetworkParameters([784, 256, 128, 10], activation="ReLU",
                                              dropout_ratios=[0.0, 0.2, 0.2], strength_l1=0.0,
                                              strength_l2=1e-4, seed=123))
    optimizer = OptimizerParameters("GD", {"step-rate": 0.05, "momentum": 0.9},
                                    stops=[criterion["MaxIterations"](20)], merge_criter="avg",
                                    sampling="fresh", keep_state=True)
    seconds = _fit(network, train, valid, 30 if quick else 100, optimizer, 64, engine, verbose)
    return DemoResult("mnist", network, _classification_metrics(network, test), seconds)


def run_demo(name, quick=False, engine=None, verbose=1):
    """Run the demo ``name`` (one of ``DEMOS``); ``quick`` trains briefly, for tests."""
    if name not in DEMOS:
        raise ValueError(f"unknown demo {name!r}; valid demos are {sorted(DEMOS)}")
    return DEMOS[name](quick=quick, engine=engine, verbose=verbose)


def format_metrics(result):
    """A readable table of a demo's test metrics."""
    width = max(len(name) for name in result.metrics)
    rule = "-" * (width + 13)
    lines = [f"learninspy demo '{result.name}': test metrics after {result.seconds:.1f}s of "
             "training", rule]
    lines += [f"{name:<{width}}   {value:>10.4f}" for name, value in result.metrics.items()]
    lines.append(rule)
    return "\n".join(lines)
