"""The rows each replica trains on, when Spark holds the training data.

At the first iteration of a fit the data set's partitions are given to the k replicas --
whole partitions when there are at least k (coalesced), else rows dealt round-robin with one
shuffle -- and each replica's rows are written once, checked and converted for the model, as
``.npy`` files on the local disk of the executor that computed them. A cached RDD of small
handles remembers where. Tasks memory-map those files, so an iteration moves no data. These
functions run in the executors.
"""

import os
import tempfile

import numpy as np

from learninspy.core.batches import TrainingSet

__all__ = ["store", "open_replica", "remove", "deal", "replica_of", "in_source_order",
           "row_count", "MissingReplicaData"]

_opened = {}  # this Python worker's memory-mapped replica data: file prefix -> TrainingSet


class MissingReplicaData:
    """What a task returns when its replica's files are not on its executor (the executor that
    wrote them was lost): the driver then writes them again and reruns the iteration."""

    def __init__(self, replica):
        self.replica = replica


def _local_dir():
    return os.environ.get("SPARK_LOCAL_DIRS", tempfile.gettempdir()).split(",")[0]


def _save(path, array):
    temporary = f"{path}.{os.getpid()}.tmp"  # a retried task never reads a half-written file
    with open(temporary, "wb") as stream:
        np.save(stream, array)
    os.replace(temporary, path)


def store(token, model, index, blocks):
    """Write replica ``index``'s rows, checked and converted for the model, to local files;
    yield the handle."""
    blocks = list(blocks)
    if not blocks:
        yield {"replica": index, "rows": 0, "prefix": None}
        return
    X = np.concatenate([block[0] for block in blocks])
    y = np.concatenate([block[1] for block in blocks])
    features, labels = model.value.loaded.labeled_arrays((X, y))
    folder = os.path.join(_local_dir(), f"learninspy-{token}")
    os.makedirs(folder, exist_ok=True)
    prefix = os.path.join(folder, f"replica-{index}")
    _save(prefix + "-features.npy", features)
    _save(prefix + "-labels.npy", labels)
    yield {"replica": index, "rows": len(features), "prefix": prefix}


def open_replica(model, handle):
    """The training set of a replica, memory-mapped from its files once per Python worker, or
    None when the files are not on this executor."""
    prefix = handle["prefix"]
    if prefix not in _opened:
        folder = os.path.dirname(prefix)
        for key in [key for key in _opened if os.path.dirname(key) != folder]:
            del _opened[key]  # a former fit's data
        try:
            features = np.asarray(np.load(prefix + "-features.npy", mmap_mode="r"))
            labels = np.load(prefix + "-labels.npy")
        except FileNotFoundError:
            return None
        _opened[prefix] = TrainingSet.of_checked(model, features, labels)
    return _opened[prefix]


def remove(handle):
    """Delete a replica's files (and their folder once empty)."""
    if handle["prefix"] is not None:
        for suffix in ("-features.npy", "-labels.npy"):
            try:
                os.remove(handle["prefix"] + suffix)
            except FileNotFoundError:
                pass
        try:
            os.rmdir(os.path.dirname(handle["prefix"]))
        except OSError:  # other replicas' files are still there
            pass


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


def row_count(handle):
    return handle["rows"]


def in_source_order(items):
    """A replica's dealt pieces, in the order of the partitions they came from."""
    pieces = sorted((piece for _, piece in items), key=lambda piece: piece[0])
    return [(X, y) for _, X, y in pieces]
