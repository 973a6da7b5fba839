"""Boston house prices (k$) from 13 features, with the Keras regression example's network:
13 -> 32 -> 16 -> 1, dropout 0.2 before the output (its batch normalisation left out; see
``boston_sequential.py`` for the whole Keras model).

Features and targets are standardised with the training part's statistics; 80% train, 20%
test; a least-squares linear fit on the same split is the baseline. Expected: RMSE about
3.65 k$ against 5.75 for the linear fit. The data set's column 12 ("B") encodes a racially
motivated feature; it is used only because the Keras example trains on it (see
``learninspy/datasets/README.md``).

    python examples/boston.py [--quick] [--plots DIR] [--engine local|spark]
    learninspy demo boston                   # the same, from anywhere
"""

import sys
import time

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.scaled_model import ScaledModel
from learninspy.core.stops import MaxIterations
from learninspy.data.datasets import load_boston
from learninspy.data.scaling import StandardScaler
from learninspy.data.splits import split_data
from learninspy.demos import DemoResult, faster_scheme, linear_rmse, main


def train(quick=False, engine=None, verbose=1):
    """Train on 80% of the towns and score on the other 20%, in k$."""
    towns, test = split_data(load_boston(), [0.8, 0.2], seed=123)
    network = NeuralNetwork(NetworkParameters([13, 32, 16, 1],
                                              activation=["ReLU", "ReLU", "Identity"],
                                              dropout_ratios=[0.0, 0.0, 0.2],
                                              classification=False, strength_l1=0.0,
                                              strength_l2=1e-3, seed=123))
    model = ScaledModel(network, StandardScaler().fit(towns),
                        StandardScaler().fit(towns.labels.reshape(-1, 1)))
    started = time.perf_counter()
    network.fit(model.training_data(towns), mini_batch=32, parallelism=1, valid_iters=10,
                stops=[MaxIterations(40 if quick else 200)],
                optimizer_params=faster_scheme("Adam", {"step-rate": 0.005}, local_steps=10),
                engine=engine, verbose=verbose)
    seconds = time.perf_counter() - started
    metrics = {**model.metrics(test), "linear RMSE": linear_rmse(towns, test)}
    return DemoResult("boston", model, test, metrics, seconds,
                      "median house value (k$) of Boston towns from 13 features")


if __name__ == "__main__":
    sys.exit(main(train))
