"""Rows kept on an executor's local disk: blocks one task writes and later tasks memory-map.

A stored block is the rows of one partition in two raw C-order files, ``<prefix>-features``
and ``<prefix>-labels``, under the executor's Spark local directory (``spark.local.dir``,
which Spark removes with the application). The task that writes them streams its input --
Arrow record batches of a DataFrame, or NumPy blocks -- into them batch by batch, so it never
holds the partition in memory, and returns a small *handle*: a dict saying where the files are
and what they hold, or the problem that stopped it. Tasks that later run on the same executor
memory-map the files: the rows then live in the page cache, which the OS may reclaim, and no
second copy exists anywhere. A retried task writes under temporary names and renames at the
end, so nobody ever reads half a file.

Rows a shuffle delivered arrive in no fixed order. Their writer is then given each row's key
(a number that orders the rows) and, once the partition is written, puts the features file in
key order by copying runs of consecutive rows from one file to another (in the kernel, with
``os.copy_file_range`` where there is one): every run of a fit trains on the same rows in the
same order, and the reordering costs disk, not memory.

These functions run in the executors; they need NumPy and, for Arrow input, pyarrow.
"""

import os
import socket
import tempfile
import uuid
from functools import partial

import numpy as np

from learninspy.engine.spark.blocks import rebase_rows

__all__ = ["BlockWriter", "open_block", "remove_block", "store_blocks", "store_batches",
           "HANDLE_FIELDS", "local_dir"]

#: The fields of a handle, and their Spark SQL types (the schema of ``store_batches``).
HANDLE_FIELDS = (("part", "int"), ("rows", "bigint"), ("feature_shape", "array<int>"),
                 ("features_dtype", "string"), ("label_shape", "array<int>"),
                 ("labels_dtype", "string"), ("host", "string"), ("prefix", "string"),
                 ("problem", "string"))
_SUFFIXES = ("-features", "-labels")


def local_dir():
    """The first of the executor's local directories (where Spark keeps its own files)."""
    return os.environ.get("SPARK_LOCAL_DIRS", tempfile.gettempdir()).split(",")[0]


def _handle(part, rows=0, prefix=None, kinds=None, problem=None):
    feature_shape, features_dtype, label_shape, labels_dtype = kinds or ((), None, (), None)
    return {"part": part, "rows": rows, "feature_shape": list(feature_shape),
            "features_dtype": features_dtype, "label_shape": list(label_shape),
            "labels_dtype": labels_dtype, "host": socket.gethostname(), "prefix": prefix,
            "problem": problem}


class BlockWriter:
    """Appends pairs ``(X, y)`` of one partition to its two files; :meth:`close` returns the
    handle. Every pair must have the shapes (beyond the rows) and dtypes of the first.

    With ``ordered=True`` every pair comes with the keys of its rows, ``append(X, y, keys)``,
    and :meth:`close` writes the rows in the order of their keys."""

    def __init__(self, token, part, ordered=False):
        folder = os.path.join(local_dir(), f"learninspy-{token}")
        self.part, self.prefix, self.rows = part, os.path.join(folder, f"part-{part}"), 0
        temporary = f".{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
        for attempt in range(3):  # another task may remove the folder, empty, meanwhile
            os.makedirs(folder, exist_ok=True)
            try:
                self._streams = [open(self.prefix + suffix + temporary, "wb")
                                 for suffix in _SUFFIXES]
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise
        self._kinds = None
        self._keys = [] if ordered else None

    def append(self, X, y, keys=None):
        X, y = np.ascontiguousarray(X), np.ascontiguousarray(y)
        kinds = (X.shape[1:], X.dtype.str, y.shape[1:], y.dtype.str)
        if self._kinds is None:
            self._kinds = kinds
        elif kinds[0] != self._kinds[0] or kinds[2] != self._kinds[2]:
            raise ValueError(f"row {self.rows} has features of shape {kinds[0]} and labels of "
                             f"shape {kinds[2]}, earlier rows {self._kinds[0]} and "
                             f"{self._kinds[2]}")
        elif kinds != self._kinds:
            X, y = X.astype(self._kinds[1]), y.astype(self._kinds[3])
        if self._keys is not None:
            if keys is None or len(keys) != len(X):
                raise ValueError(f"an ordered writer needs one key per row; rows {self.rows} "
                                 f"to {self.rows + len(X) - 1} have "
                                 f"{'none' if keys is None else len(keys)}")
            self._keys.append(np.asarray(keys))
        for stream, array in zip(self._streams, (X, y)):
            stream.write(array.data)
        self.rows += len(X)

    def _closed(self, keep):
        for stream in self._streams:
            stream.close()
        if keep and self._keys:
            self._sort_by_keys()
        for stream, suffix in zip(self._streams, _SUFFIXES):
            if keep:
                os.replace(stream.name, self.prefix + suffix)
            else:
                os.remove(stream.name)

    def _sort_by_keys(self):
        """Rewrite the closed files in the order of the rows' keys."""
        order = np.argsort(np.concatenate(self._keys), kind="stable")
        if np.all(order[1:] > order[:-1]):
            return
        features, labels = (stream.name for stream in self._streams)
        row_bytes = os.path.getsize(features) // self.rows
        _copy_in_order(features, order, row_bytes)
        y = np.fromfile(labels, dtype=np.uint8).reshape(self.rows, -1)
        y[order].tofile(labels)

    def close(self):
        """The handle of the rows appended (their files renamed to their final names)."""
        if self.rows == 0:
            self._closed(keep=False)
            return _handle(self.part)
        self._closed(keep=True)
        return _handle(self.part, self.rows, self.prefix, self._kinds)

    def abort(self, problem):
        """The handle of a partition that ``problem`` stopped (its files removed)."""
        self._closed(keep=False)
        return _handle(self.part, problem=problem)


def _copy_in_order(path, order, row_bytes):
    """Replace the file at ``path``, rows of ``row_bytes`` bytes, by its rows ``order[0]``,
    ``order[1]``, ...: each run of consecutive rows is one copy, made by the kernel."""
    breaks = np.flatnonzero(np.diff(order) != 1) + 1
    starts, ends = np.concatenate(([0], breaks)), np.concatenate((breaks, [len(order)]))
    copy = getattr(os, "copy_file_range", None)
    reordered = path + ".ordered"
    try:
        with open(path, "rb") as source, open(reordered, "wb") as target:
            written = 0
            for start, end in zip(starts.tolist(), ends.tolist()):
                offset, size = int(order[start]) * row_bytes, (end - start) * row_bytes
                while size:
                    if copy is not None:
                        done = copy(source.fileno(), target.fileno(), size, offset, written)
                    else:
                        done = target.write(os.pread(source.fileno(), min(size, 1 << 26),
                                                     offset))
                    offset, written, size = offset + done, written + done, size - done
        os.replace(reordered, path)
    except BaseException:
        if os.path.exists(reordered):
            os.remove(reordered)
        raise


def open_block(handle):
    """The ``(X, y)`` of a handle, X memory-mapped (read-only), y read; FileNotFoundError when
    this executor does not have the files (it is not the one that wrote them)."""
    rows, shape = int(handle["rows"]), tuple(handle["feature_shape"])
    label_shape = tuple(handle["label_shape"])
    if rows == 0:
        return (np.zeros((0,) + shape, np.float32), np.zeros((0,) + label_shape))
    X = np.memmap(handle["prefix"] + "-features", dtype=handle["features_dtype"], mode="r",
                  shape=(rows,) + shape)
    y = np.fromfile(handle["prefix"] + "-labels", dtype=handle["labels_dtype"])
    return np.asarray(X), y.reshape((rows,) + label_shape)


def remove_block(handle):
    """Delete a handle's files, and their folder once it is empty."""
    if handle["prefix"] is None:
        return
    for suffix in _SUFFIXES:
        try:
            os.remove(handle["prefix"] + suffix)
        except FileNotFoundError:
            pass
    try:
        os.rmdir(os.path.dirname(handle["prefix"]))
    except OSError:  # other parts' files are still there
        pass


def _write(writer, items, convert, where):
    """Append ``convert(item)`` -- a pair ``(X, y)`` -- of every item, or stop at the first
    problem, named with its row in the partition (the items are still read to their end: a
    task that leaves its input unread costs a new Python worker)."""
    problem = None
    for item in items:
        if problem is not None:
            continue
        try:
            converted = convert(item)
            if len(converted[0]):
                writer.append(*converted)
        except (TypeError, ValueError) as error:
            problem = f"{rebase_rows(str(error), writer.rows)} (in {where})"
    return writer.abort(problem) if problem else writer.close()


def store_blocks(token, convert, index, blocks):
    """RDD task: write partition ``index``'s blocks ``(X, y)``, each through
    ``convert(block)``; yield its handle."""
    yield _write(BlockWriter(token, index), blocks, convert, f"partition {index}")


def store_batches(token, decode, batches, order=None):
    """``mapInArrow`` task: write the partition's record batches, each turned into a pair
    ``(X, y)`` by ``decode(batch)``, in the order of the integer column ``order`` when given
    (else as they come); yield its handle, a one-row record batch of :data:`HANDLE_FIELDS`."""
    from pyspark import TaskContext
    part = TaskContext.get().partitionId()
    writer = BlockWriter(token, part, ordered=order is not None)
    if order is not None:
        decode = partial(_with_keys, decode, order)
    yield handle_batch([_write(writer, batches, decode, f"partition {part}")])


def _with_keys(decode, order, batch):
    return (*decode(batch), batch.column(order).to_numpy())


def handle_batch(handles):
    """Handles as an Arrow record batch of :data:`HANDLE_FIELDS`."""
    import pyarrow as pa
    types = {"int": pa.int32(), "bigint": pa.int64(), "string": pa.string(),
             "array<int>": pa.list_(pa.int32())}
    return pa.RecordBatch.from_arrays(
        [pa.array([handle[name] for handle in handles], types[kind])
         for name, kind in HANDLE_FIELDS], names=[name for name, _ in HANDLE_FIELDS])


def handle_schema():
    """:data:`HANDLE_FIELDS` as a Spark DDL schema string."""
    return ", ".join(f"{name} {kind}" for name, kind in HANDLE_FIELDS)
