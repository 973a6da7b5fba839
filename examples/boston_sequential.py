"""The Keras regression example on Boston housing, rebuilt with the layer API.

    python examples/boston_sequential.py

The Keras model: Dense 32 - BatchNormalization - Dense 16 - BatchNormalization - Dropout 0.2 -
Dense 1 on 13 standardised features, mean squared error, Adam, mini-batches of 8, 32 epochs.
``summary()`` reports Keras's parameter counts: 1,185 in all, 1,089 trainable and 96
non-trainable (BatchNormalization's running statistics). On a seeded 80/20 split its test
RMSE is about 4.4 k$, some 20% below linear least squares (5.75 k$).

The data set's column 12 ("B") encodes a racially motivated feature; it is used here only
because the Keras example trains on it (see ``learninspy/datasets/README.md``).
"""

import time

import numpy as np

from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import criterion
from learninspy.layers import BatchNormalization, Dense, Dropout, Sequential
from learninspy.data.datasets import load_boston
from learninspy.data.splits import split_data
from learninspy.demos import linear_rmse

MINI_BATCH = 8


def build_model(seed=123):
    """The Keras example's network, for 13 input features."""
    return Sequential([
        Dense(32, activation="ReLU"),
        BatchNormalization(),
        Dense(16, activation="ReLU"),
        BatchNormalization(),
        Dropout(0.2),
        Dense(1),                                  # linear output: the price in k$
    ], loss="MSE", input_shape=(13,), seed=seed)


def standardised_split(seed=123):
    """Train and test (features, prices) of an 80/20 split, the features standardised with
    the training part's statistics."""
    train, test = split_data(load_boston(), [0.8, 0.2], seed=seed)
    mean, std = train.features.mean(axis=0), train.features.std(axis=0)
    return [((part.features - mean) / std, part.labels) for part in (train, test)]


def main(epochs=32, seed=123, verbose=1):
    """Train the network as the Keras example does and compare it with linear regression.

    Returns:
        tuple (model, test RMSE of the network, test RMSE of linear regression).
    """
    train, test = standardised_split()
    model = build_model(seed)
    if verbose:
        model.summary()
    steps_per_epoch = -(-len(train[0]) // MINI_BATCH)
    optimizer = OptimizerParameters("Adam", {"step-rate": 0.001}, merge_criter="avg",
                                    stops=[criterion["MaxIterations"](steps_per_epoch)],
                                    sampling="fresh", keep_state=True)
    started = time.perf_counter()
    model.fit(train, None, mini_batch=MINI_BATCH, parallelism=1, valid_iters=epochs,
              stops=[criterion["MaxIterations"](epochs)], optimizer_params=optimizer,
              reproducible=True)
    rmse = float(np.sqrt(np.mean((model.predict(test[0])[:, 0] - test[1]) ** 2)))
    baseline = linear_rmse(train, test)
    if verbose:
        print(f"test RMSE {rmse:.2f} k$ (linear regression: {baseline:.2f} k$), "
              f"{time.perf_counter() - started:.1f} s")
    return model, rmse, baseline


if __name__ == "__main__":
    main()
