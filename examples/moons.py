"""Two interleaving moons: which moon a point of the plane is on, with a 2 -> 5 -> 2 network
of sigmoid units (the size a from-scratch NumPy tutorial of this task uses).

1,000 points with noise 0.15; 70% train, 30% test. Expected: about 0.997 test accuracy.

    python examples/moons.py [--quick] [--plots DIR] [--engine local|spark]
    learninspy demo moons                    # the same, from anywhere
"""

import sys
import time

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.scaled_model import ScaledModel
from learninspy.core.stops import MaxIterations
from learninspy.data.datasets import make_moons
from learninspy.data.splits import split_data
from learninspy.demos import DemoResult, faster_scheme, main


def train(quick=False, engine=None, verbose=1):
    """Train on 70% of the points (stratified) and score on the other 30%."""
    points, test = split_data(make_moons(1000, noise=0.15, seed=123), [0.7, 0.3], seed=123,
                              balanced=True)
    network = NeuralNetwork(NetworkParameters([2, 5, 2], activation="Sigmoid", strength_l1=0.0,
                                              strength_l2=1e-4, seed=123))
    started = time.perf_counter()
    network.fit(points, mini_batch=64, parallelism=1, valid_iters=10,
                stops=[MaxIterations(20 if quick else 100)],
                optimizer_params=faster_scheme("Adam", {"step-rate": 0.05}, local_steps=10),
                engine=engine, verbose=verbose)
    seconds = time.perf_counter() - started
    model = ScaledModel(network)
    return DemoResult("moons", model, test, model.metrics(test), seconds,
                      "which of two interleaving moons a point of the plane is on")


if __name__ == "__main__":
    sys.exit(main(train))
