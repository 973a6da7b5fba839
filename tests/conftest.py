"""Shared fixtures: seeded splits of the shipped data sets."""

import numpy as np
import pytest

from learninspy.utils.data import LocalLabeledDataSet, load_ccpp, load_iris, split_data


@pytest.fixture(scope="session")
def iris_split():
    """Iris, stratified 70/30 (train, test); the test part is never used for training."""
    return split_data(load_iris(), [0.7, 0.3], seed=123, balanced=True)


@pytest.fixture(scope="session")
def iris_scaled(iris_split):
    """``iris_split`` with features standardised by the training part's statistics."""
    train, test = iris_split
    mean, std = train.features.mean(axis=0), train.features.std(axis=0)
    return [LocalLabeledDataSet(((d.features - mean) / std, d.labels)) for d in (train, test)]


@pytest.fixture(scope="session")
def ccpp_split():
    """CCPP, 80/20, features and targets standardised with the training part's statistics."""
    train, test = split_data(load_ccpp(), [0.8, 0.2], seed=123)
    mean, std = train.features.mean(axis=0), train.features.std(axis=0)
    t_mean, t_std = train.labels.mean(), train.labels.std()
    return [LocalLabeledDataSet(((d.features - mean) / std, (d.labels - t_mean) / t_std))
            for d in (train, test)]


@pytest.fixture
def rng():
    return np.random.default_rng(0)
