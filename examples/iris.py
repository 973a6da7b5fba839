"""Iris flowers: 4 measurements (cm) -> 3 species, with a 4 -> 10 -> 3 Tanh network.

The measurements share one scale, so they go in unscaled. On this small sample the
boundary between versicolor and virginica overfits easily: an L2 penalty of 1e-2 and the
average of 4 replicas per iteration keep it smooth. Expected: about 0.98 test accuracy.

    python examples/iris.py [--quick] [--plots DIR] [--engine local|spark]
    learninspy demo iris                     # the same, from anywhere
"""

import sys
import time

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.scaled_model import ScaledModel
from learninspy.core.stops import MaxIterations
from learninspy.data.datasets import load_iris
from learninspy.data.splits import split_data
from learninspy.demos import DemoResult, faster_scheme, main


def train(quick=False, engine=None, verbose=1):
    """Train on 70% of the flowers (stratified) and score on the other 30%."""
    flowers, test = split_data(load_iris(), [0.7, 0.3], seed=123, balanced=True)
    network = NeuralNetwork(NetworkParameters([4, 10, 3], activation="Tanh", strength_l1=0.0,
                                              strength_l2=1e-2, seed=123))
    started = time.perf_counter()
    network.fit(flowers, mini_batch=32, parallelism=4, valid_iters=10,
                stops=[MaxIterations(30 if quick else 150)],
                optimizer_params=faster_scheme("Adam", {"step-rate": 0.01}, local_steps=10),
                engine=engine, verbose=verbose)
    seconds = time.perf_counter() - started
    model = ScaledModel(network)
    return DemoResult("iris", model, test, model.metrics(test), seconds,
                      "iris species from 4 flower measurements")


if __name__ == "__main__":
    sys.exit(main(train))
