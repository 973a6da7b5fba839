"""Stored rows seen from the driver: the handles of the blocks one job wrote to the executors'
disks (:mod:`~learninspy.engine.spark.stored`), cached where they were written, and the jobs
that run tasks next to the files.

Two kinds of Spark, one interface:

* classic Spark: the handles are a persisted RDD, jobs are ``mapPartitionsWithIndex`` over it
  and shared values are broadcasts;
* Spark Connect (no RDD, no SparkContext, no broadcast): the handles are a cached DataFrame,
  jobs are ``mapInArrow`` over it, results come back as binary cells, and shared values travel
  inside the task's closure.

Either way Spark schedules a task where the cached handle of its partition lives -- the
executor that wrote the files -- and, should that executor be lost, recomputes the handle
(writing the files again) from the data's lineage.
"""

import uuid
from functools import partial

import numpy as np

from learninspy.engine.spark.session import is_connect, require_pyspark
from learninspy.engine.spark.stored import (handle_schema, open_block, remove_block,
                                            store_batches)

require_pyspark()
from pyspark import StorageLevel, cloudpickle  # noqa: E402

__all__ = ["StoredRows", "store_frame", "store_rdd", "frame_blocks", "Shared", "share"]

#: Handles that do not fit in memory go to disk rather than being recomputed.
STORAGE = StorageLevel.MEMORY_AND_DISK


class Shared:
    """A value every task of a job reads: a broadcast on classic Spark, else carried in the
    task's closure. ``.value`` reads it, :meth:`destroy` releases it."""

    def __init__(self, value, context=None):
        self._broadcast = context.broadcast(value) if context is not None else None
        self._value = None if context is not None else value

    @property
    def value(self):
        return self._broadcast.value if self._broadcast is not None else self._value

    def destroy(self):
        if self._broadcast is not None:
            self._broadcast.destroy()


def share(session, value):
    """``value`` shared with the tasks of ``session``'s jobs."""
    return Shared(value, None if is_connect(session) else session.sparkContext)


class StoredRows:
    """The handles of stored blocks, one per partition, and jobs next to their files.

    Attributes:
        session: the SparkSession (classic or Connect).
        handles: the handles, in partition order (see ``stored.HANDLE_FIELDS``).
    """

    def __init__(self, session, handles):
        self.session = session
        self.handles = sorted(handles, key=lambda handle: handle["part"])

    @property
    def rows(self):
        return sum(int(handle["rows"]) for handle in self.handles)

    @property
    def problem(self):
        """The first problem a writing task met, or None."""
        return next((h["problem"] for h in self.handles if h["problem"] is not None), None)

    def share(self, value):
        return share(self.session, value)

    def run(self, task):
        """``task(part, handles)`` -- a list of results -- on each partition, where its files
        are; the results of every partition, in partition order."""
        raise NotImplementedError

    def release(self):
        """Delete the files and forget the handles."""
        raise NotImplementedError


class _RDDRows(StoredRows):
    def __init__(self, session, rdd):
        self._rdd = rdd.persist(STORAGE)
        super().__init__(session, self._rdd.collect())  # writes the files, caches the handles

    def run(self, task):
        return self._rdd.mapPartitionsWithIndex(partial(_rdd_task, task)).collect()

    def release(self):
        self._rdd.foreach(remove_block)
        self._rdd.unpersist()


def _rdd_task(task, part, handles):
    return task(part, list(handles))


class _FrameRows(StoredRows):
    def __init__(self, session, frame):
        self._frame = frame.cache()
        super().__init__(session, [row.asDict() for row in self._frame.collect()])

    def run(self, task):
        rows = self._frame.mapInArrow(partial(_arrow_task, task), "result binary").collect()
        return [cloudpickle.loads(row.result) for row in rows]

    def release(self):
        self._frame.mapInArrow(_remove_blocks, "removed int").collect()
        self._frame.unpersist()


def _arrow_task(task, batches):
    """``task`` inside ``mapInArrow``: handles in, one binary cell per result out."""
    import pyarrow as pa
    from pyspark import TaskContext
    handles = [handle for batch in batches for handle in batch.to_pylist()]
    results = task(TaskContext.get().partitionId(), handles)
    yield pa.RecordBatch.from_arrays([pa.array([cloudpickle.dumps(result) for result in results],
                                               pa.binary())], names=["result"])


def _remove_blocks(batches):
    import pyarrow as pa
    handles = [handle for batch in batches for handle in batch.to_pylist()]
    for handle in handles:
        remove_block(handle)
    yield pa.RecordBatch.from_arrays([pa.array([len(handles)], pa.int32())], names=["removed"])


def store_frame(frame, decode, token, order=None):
    """Write each partition of ``frame`` to its executor's disk, batch by batch through
    ``decode(batch) -> (X, y)`` -- in the order of its integer column ``order`` when given --
    in one job; the :class:`StoredRows`."""
    handles = frame.mapInArrow(partial(store_batches, token, decode, order=order),
                               handle_schema())
    session = frame.sparkSession
    if is_connect(frame):
        return _FrameRows(session, handles)
    return _RDDRows(session, handles.rdd.map(lambda row: row.asDict()))


def store_rdd(session, rdd, write):
    """The :class:`StoredRows` of an RDD whose partitions ``write(index, items)`` -- yielding
    one handle -- stores (classic Spark)."""
    return _RDDRows(session, rdd.mapPartitionsWithIndex(write))


def _read_back(handles):
    """The blocks of stored handles, read into this worker's memory; the files go."""
    for handle in handles:
        if handle["problem"] is not None:
            yield None, handle["problem"]
        elif handle["rows"]:
            X, y = open_block(handle)
            block = np.array(X), y
            remove_block(handle)
            yield block


def frame_blocks(frame, decode):
    """An RDD of at most one block ``(X, y)`` per partition of ``frame`` (classic Spark),
    each decoded from its record batches by ``decode(batch)``: the Arrow stage streams the
    partition to a local file and the Python stage of the same task reads it back, so no row
    goes through the JVM's pickler. A partition with a bad row holds ``(None, problem)``."""
    handles = frame.mapInArrow(partial(store_batches, uuid.uuid4().hex, decode), handle_schema())
    return handles.rdd.map(lambda row: row.asDict()).mapPartitions(_read_back)
