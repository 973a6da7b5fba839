"""The data sets shipped inside the package (see ``learninspy/datasets/README.md``) and
generators of two toy problems of the plane: two interleaving moons and a spiral."""

import gzip
from importlib import resources

import numpy as np

from learninspy._internal.checks import integer, number, positive_integer
from learninspy.data.labeled import LocalLabeledDataSet
from learninspy.data.splits import split_data

__all__ = ["load_iris", "load_ccpp", "load_mnist", "load_boston", "make_moons", "make_spiral"]


def _read(filename, delimiter):
    path = resources.files("learninspy") / "datasets" / filename
    with path.open("rb") as raw:
        stream = gzip.open(raw) if filename.endswith(".gz") else raw
        table = np.loadtxt(stream, delimiter=delimiter, dtype=np.float64)
    return table[:, :-1], table[:, -1]


def _data_set(features, labels):
    return LocalLabeledDataSet((features.astype(np.float32), labels))


def _split(data, split, seed, balanced):
    """``data``, or with ``split`` fractions a tuple of its parts, as ``train, valid, test =
    load_mnist(split=...)`` unpacks them."""
    if split is None:
        return data
    return tuple(split_data(data, split, seed=seed, balanced=balanced))


# Each loader returns a LocalLabeledDataSet, which iterates over its rows as labeled points as
# learninspy 0.1's lists did; with split=[fractions] (seeded by seed), a tuple of data sets.

def load_iris(split=None, seed=123):
    """Fisher's iris: 150 flowers, 4 measurements (cm), 3 classes (0-2).

    Args:
        split: optional fractions: then a tuple of data sets, one per fraction, each class
            split in the same fractions.
        seed: int, seeds the split.
    """
    return _split(_data_set(*_read("iris.csv", ";")), split, seed, balanced=True)


def load_ccpp(split=None, seed=123):
    """Combined Cycle Power Plant: 9,568 hourly readings of 4 ambient variables (temperature,
    exhaust vacuum, pressure, humidity) and the net electrical output in MW, the target.

    Args:
        split: optional fractions: then a tuple of data sets, one per fraction.
        seed: int, seeds the split.
    """
    return _split(_data_set(*_read("ccpp.csv", ",")), split, seed, balanced=False)


def load_mnist(split=None, seed=123):
    """5,000 MNIST digits (500 per class): 784 pixels (28x28, row-major) in [0, 255] and the
    digit, 0-9.

    learninspy 0.1's ``load_mnist()`` returned the whole MNIST split 50,000 / 10,000 / 10,000,
    pixels in [0, 1]; ``train, valid, test = load_mnist(split=[5/7, 1/7, 1/7])`` splits these
    5,000 digits in the same proportions (divide the features by 255 for 0.1's scale).

    Args:
        split: optional fractions: then a tuple of data sets, one per fraction, each digit
            split in the same fractions.
        seed: int, seeds the split.
    """
    return _split(_data_set(*_read("mnist_5k.csv.gz", ",")), split, seed, balanced=True)


def load_boston():
    """Boston housing: 506 towns, 13 features and the median house value (k$), the target.

    Column 12 ("B") encodes a racially motivated feature; see the data sets' README. It is
    shipped because the Keras regression example trains on it.
    """
    return _data_set(*_read("boston_housing.csv", ","))


def make_moons(n=200, noise=0.2, seed=123):
    """Two interleaving half circles in the plane, one per class, as scikit-learn draws them.

    Args:
        n: int, number of points (half of them, rounded down, in class 0: the upper moon).
        noise: float, standard deviation of the Gaussian noise added to the coordinates.
        seed: int, seeds the noise and the order of the points.

    Returns:
        LocalLabeledDataSet of shape (n, 2), labels 0 and 1, in random order.
    """
    integer("n", n, minimum=2)
    number("noise", noise, ">= 0", lambda v: v >= 0)
    rng = np.random.default_rng(seed)
    upper, lower = np.linspace(0, np.pi, n // 2), np.linspace(0, np.pi, n - n // 2)
    features = np.concatenate([np.column_stack([np.cos(upper), np.sin(upper)]),
                               np.column_stack([1 - np.cos(lower), 0.5 - np.sin(lower)])])
    labels = np.repeat([0.0, 1.0], [len(upper), len(lower)])
    order = rng.permutation(n)
    features = features[order] + rng.normal(scale=noise, size=(n, 2))
    return _data_set(features, labels[order])


def make_spiral(points_per_class=100, n_classes=3, noise=0.2, seed=123):
    """Spiral arms in the plane, one per class (the data set of Stanford's CS231n notes).

    Arm k runs from the centre out to radius 1 while its angle sweeps 4 radians from 4k;
    each angle gets Gaussian noise.

    Args:
        points_per_class: int, points of every arm.
        n_classes: int, number of arms.
        noise: float, standard deviation of the noise on the angle (radians).
        seed: int, seeds the noise.

    Returns:
        LocalLabeledDataSet of shape (points_per_class * n_classes, 2), labels 0 to
        n_classes - 1, arm by arm.
    """
    positive_integer("points_per_class", points_per_class)
    positive_integer("n_classes", n_classes)
    rng = np.random.default_rng(seed)
    radius = np.tile(np.linspace(0.0, 1.0, points_per_class), n_classes)
    labels = np.repeat(np.arange(n_classes, dtype=np.float64), points_per_class)
    start = 4.0 * labels
    angle = start + np.tile(np.linspace(0.0, 4.0, points_per_class), n_classes) \
        + rng.normal(scale=noise, size=len(labels))
    features = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return _data_set(features, labels)
