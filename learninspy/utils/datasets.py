"""Loaders of the data sets shipped inside the package (see ``learninspy/datasets/README.md``)."""

import gzip
from importlib import resources

import numpy as np

__all__ = ["load_iris", "load_ccpp", "load_mnist", "load_boston"]


def _read(filename, delimiter):
    path = resources.files("learninspy") / "datasets" / filename
    with path.open("rb") as raw:
        stream = gzip.open(raw) if filename.endswith(".gz") else raw
        table = np.loadtxt(stream, delimiter=delimiter, dtype=np.float64)
    return table[:, :-1], table[:, -1]


def _data_set(features, labels):
    from learninspy.utils.data import LocalLabeledDataSet
    return LocalLabeledDataSet((features.astype(np.float32), labels))


def load_iris():
    """Fisher's iris: 150 flowers, 4 measurements (cm), 3 classes (0-2)."""
    return _data_set(*_read("iris.csv", ";"))


def load_ccpp():
    """Combined Cycle Power Plant: 9,568 hourly readings of 4 ambient variables (temperature,
    exhaust vacuum, pressure, humidity) and the net electrical output in MW, the target."""
    return _data_set(*_read("ccpp.csv", ","))


def load_mnist():
    """5,000 MNIST digits (500 per class): 784 pixels (28x28, row-major) in [0, 255] and the
    digit, 0-9."""
    return _data_set(*_read("mnist_5k.csv.gz", ","))


def load_boston():
    """Boston housing: 506 towns, 13 features and the median house value (k$), the target.

    Column 12 ("B") encodes a racially motivated feature; see the data sets' README. It is
    shipped because the Keras regression example the project reproduces trains on it.
    """
    return _data_set(*_read("boston_housing.csv", ","))
