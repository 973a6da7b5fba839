"""Shared fixtures: seeded splits of the shipped data sets, a data set seen through its hooks."""

import numpy as np
import pytest

from learninspy.utils.data import (LabeledDataSet, LocalLabeledDataSet, column_statistics,
                                   load_ccpp, load_iris, split_data)


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


class HooksOnly(LabeledDataSet):
    """A data set reachable only through the engine-neutral hooks, as a distributed one is:
    reading its features directly fails."""

    is_distributed = True

    def __init__(self, X, y):
        self._X, self._y = np.asarray(X, dtype=np.float64), np.asarray(y)
        self.mapped = 0

    @property
    def features(self):
        raise AssertionError("the features were read directly, not through the hooks")

    labels = shape = property(lambda self: None)
    collect = split_data = load_file = save_file = lambda self, *args: None

    def column_statistics(self):
        return column_statistics(self._X)

    def covariance(self):
        return self._X.mean(axis=0), np.cov(self._X, rowvar=False)

    def map_features(self, function):
        self.mapped += 1
        return HooksOnly(function(self._X), self._y)


@pytest.fixture
def hooks_only():
    """The class of a data set that only its statistics hooks and map_features can read."""
    return HooksOnly


@pytest.fixture(scope="session")
def spark():
    """The one Spark session of the test run: local[2], no web UI; stopped at the end."""
    from learninspy.context import get_session
    session = get_session("local[2]", app_name="learninspy-tests", ui=False,
                          config={"spark.sql.shuffle.partitions": "2"})
    yield session
    session.stop()


@pytest.fixture(scope="session")
def sc(spark):
    return spark.sparkContext
