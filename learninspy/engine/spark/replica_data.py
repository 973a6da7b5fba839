"""The rows each replica trains on, when Spark holds the training data.

Before the first iteration of a fit the rows are given to the k replicas and written once,
checked and converted for the model, to the local disk of an executor
(:mod:`~learninspy.engine.spark.stored`): a DataFrame straight from its Arrow batches, in k
partitions; a ``DistributedLabeledDataSet`` from its blocks -- whole partitions when it has at
least k (coalesced), else rows dealt round-robin with one shuffle. Tasks memory-map the files
(once per Python worker), so an iteration moves no data. These functions run in the executors.
"""

import os

import numpy as np

from learninspy.core.batches import TrainingSet
from learninspy.engine.spark.stored import open_block

__all__ = ["open_replica", "deal", "replica_of", "in_source_order", "MissingReplicaData"]

_opened = {}  # this Python worker's memory-mapped replica data: file prefix -> TrainingSet


class MissingReplicaData:
    """What a task returns when its replica's files are not on its executor (the executor that
    wrote them was lost): the driver then writes them again and reruns the iteration."""

    def __init__(self, replica):
        self.replica = replica


def open_replica(model, handle):
    """The training set of a replica, memory-mapped from its files once per Python worker, or
    None when the files are not on this executor."""
    prefix = handle["prefix"]
    if prefix not in _opened:
        folder = os.path.dirname(prefix)
        for key in [key for key in _opened if os.path.dirname(key) != folder]:
            del _opened[key]  # a former fit's data
        try:
            features, labels = open_block(handle)
        except FileNotFoundError:
            return None
        _opened[prefix] = TrainingSet.of_checked(model, features, labels)
    return _opened[prefix]


def deal(offsets, k, index, blocks):
    """Row g (counted over the whole data set) goes to replica g mod k."""
    for X, y in blocks:
        owner = (offsets[index] + np.arange(len(X))) % k
        for replica in range(k):
            rows = np.flatnonzero(owner == replica)
            if rows.size:
                yield replica, (index, X[rows], y[rows])


def replica_of(key):
    """The partition of a dealt row: its replica."""
    return key


def in_source_order(items):
    """A replica's dealt pieces, in the order of the partitions they came from."""
    pieces = sorted((piece for _, piece in items), key=lambda piece: piece[0])
    return [(X, y) for _, X, y in pieces]
