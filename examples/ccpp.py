"""Combined Cycle Power Plant: the net output (MW) from 4 ambient readings, with a 4 -> 30 -> 1
network.

Features and targets are standardised with the training part's statistics (the model file
keeps the scalers, so predictions come back in MW); the hidden layer is ReLU and the output
linear (a ReLU output unit can die and stop learning). 80% train, 20% test; a least-squares
linear fit on the same split is the baseline. Expected: R2 about 0.946, RMSE 3.97 MW (linear:
4.40).

    python examples/ccpp.py [--quick] [--plots DIR] [--engine local|spark]
    learninspy demo ccpp                     # the same, from anywhere
"""

import sys
import time

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.scaled_model import ScaledModel
from learninspy.core.stops import MaxIterations
from learninspy.data.datasets import load_ccpp
from learninspy.data.scaling import StandardScaler
from learninspy.data.splits import split_data
from learninspy.demos import DemoResult, faster_scheme, linear_rmse, main


def train(quick=False, engine=None, verbose=1):
    """Train on 80% of the readings and score on the other 20%, in MW."""
    readings, test = split_data(load_ccpp(), [0.8, 0.2], seed=123)
    network = NeuralNetwork(NetworkParameters([4, 30, 1], activation=["ReLU", "Identity"],
                                              classification=False, strength_l1=0.0,
                                              strength_l2=0.0, seed=123))
    model = ScaledModel(network, StandardScaler().fit(readings),
                        StandardScaler().fit(readings.labels.reshape(-1, 1)))
    started = time.perf_counter()
    network.fit(model.training_data(readings), mini_batch=64, parallelism=1, valid_iters=10,
                stops=[MaxIterations(30 if quick else 150)],
                optimizer_params=faster_scheme("Adam", {"step-rate": 0.005}, local_steps=20),
                engine=engine, verbose=verbose)
    seconds = time.perf_counter() - started
    metrics = {**model.metrics(test), "linear RMSE": linear_rmse(readings, test)}
    return DemoResult("ccpp", model, test, metrics, seconds,
                      "net output (MW) of a power plant from 4 ambient readings")


if __name__ == "__main__":
    sys.exit(main(train))
