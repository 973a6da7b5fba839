"""Splits and samples of any accepted data set, as local data sets."""

import numpy as np

from learninspy.data.labeled import LabeledDataSet, LocalLabeledDataSet, to_arrays
from learninspy.data.sampling import BatchSampler, class_indices

__all__ = ["subsample", "split_data", "split_balanced"]


def _local(data):
    """``data`` as a LocalLabeledDataSet, keeping a local data set's dtype (float32 else)."""
    dtype = data.dtype if isinstance(data, LocalLabeledDataSet) else np.float32
    return LocalLabeledDataSet(to_arrays(data, dtype=dtype), dtype=dtype)


def subsample(data, size, balanced=False, seed=123):
    """A random sample of ``size`` rows of ``data``, without replacement while rows remain.

    Args:
        data: anything :func:`~learninspy.data.labeled.to_arrays` accepts.
        size: int, number of rows.
        balanced: bool; True gives every class (the labels must be class indices) the same
            share of the sample.
        seed: int or numpy Generator.

    Returns:
        LocalLabeledDataSet.
    """
    data = _local(data)
    classes = class_indices(data.labels) if balanced else None
    rows = BatchSampler(len(data), classes, np.random.default_rng(seed)).sample(int(size))
    return LocalLabeledDataSet((data.features[rows], data.labels[rows]), dtype=data.dtype)


def split_data(data, fractions, seed=123, balanced=False):
    """Split ``data`` at random into parts of the given fractions.

    Args:
        data: anything :func:`~learninspy.data.labeled.to_arrays` accepts, or a data set
            Spark holds (split by its own ``split_data``).
        fractions: list of floats > 0 summing to 1 (e.g. [0.7, 0.15, 0.15]).
        seed: int, seeds the shuffling.
        balanced: bool; True splits every class in the same fractions (stratified split;
            the labels must be class indices).

    Returns:
        list of data sets, one per fraction: LocalLabeledDataSet for local data.
    """
    if isinstance(data, LabeledDataSet) and data.is_distributed:
        return data.split_data(fractions, seed=seed, balanced=balanced)
    return _local(data).split_data(fractions, seed=seed, balanced=balanced)


def split_balanced(data, fractions, seed=123):
    """:func:`split_data` with every class split in the same fractions (stratified)."""
    return split_data(data, fractions, seed=seed, balanced=True)
