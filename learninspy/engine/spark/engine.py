"""The Spark engine: the replicas of each iteration run as Spark tasks.

* Local training data is checked on the driver and broadcast once per fit; replica r is task r
  of a job over ``range(k)``.
* Distributed data (a DistributedLabeledDataSet, an RDD or a DataFrame) stays on the executors:
  each replica's rows are written once to the local disk of an executor and memory-mapped by
  its tasks (:mod:`learninspy.engine.spark.replica_data`), so an iteration moves no data.
* Per iteration the weights (with the model's state, and the optimizer's with ``keep_state``)
  are broadcast; each task trains its replica with
  :func:`~learninspy.core.optimization.optimize`, as the local engine does, with BLAS limited to
  the task's cores (``spark.task.cpus``; one for a reproducible fit), and returns its
  :class:`~learninspy.core.merging.ReplicaResult`; the driver merges them in replica order.
  The same seeds give the same bits on any engine.

Fault tolerance comes from purity: a task that fails or whose worker dies is rerun by Spark
and returns the same result. If the files of a replica are gone (its executor was lost), the
task says so, and the iteration writes them again from the cached partitions and runs again,
with the same result.
"""

import uuid
from functools import partial

from learninspy.core.batches import TrainingSet
from learninspy.core.optimization import optimize
from learninspy.data.labeled import is_distributed
from learninspy.engine.local import LocalEngine
from learninspy.engine.spark import replica_data
from learninspy.engine.spark.dataset import STORAGE, as_distributed
from learninspy.engine.spark.inference import merged_score, score, score_files, scored
from learninspy.engine.spark.replica_data import MissingReplicaData
from learninspy.engine.spark.session import get_session
from learninspy.engine.spark.tasks import Cloudpickled, blas_threads, task_cpus

__all__ = ["SparkEngine"]


# --- Training tasks (run in executors) --------------------------------------------------------

class _FromBroadcast:
    """The training set of every replica: local data, broadcast once per fit."""

    def __init__(self, broadcast):
        self.broadcast = broadcast

    def __call__(self, model, items):
        for _ in items:  # read the partition to its end, so the worker is reused
            pass
        return self.broadcast.value


class _FromFiles:
    """The training set of a replica: its memory-mapped files (None if they are gone)."""

    def __call__(self, model, items):
        return replica_data.open_replica(model, list(items)[0])


def _train(index, items, *, model, current, data, seeds, job, blas):
    """Task ``index`` of an iteration: one replica, as the local engine trains it."""
    workspace = model.value.loaded
    training_set = data(workspace, items)
    if training_set is None:
        return [MissingReplicaData(index)]
    weights, state, optimizer_state = current.value
    with blas_threads(blas):
        workspace.set_parameters(weights)
        workspace.set_state(state)
        result = optimize(workspace, training_set, job.optimizer_params, job.mini_batch,
                          seeds[index], measure=job.measure, optimizer_state=optimizer_state,
                          in_place=True)
    return [result]


# --- The engine -------------------------------------------------------------------------------

class SparkEngine:
    """Runs the replicas as Spark tasks.

    Args:
        session: a SparkSession; default :func:`learninspy.context.get_session` (the running
            one, or a new one for ``master``).
        master: master URL of a new session (see :func:`~learninspy.context.get_session`).
    """

    name = "spark"

    def __init__(self, session=None, master=None):
        self.session = session or get_session(master)
        self.context = self.session.sparkContext

    def default_parallelism(self):
        return self.context.defaultParallelism

    def start(self, model, train, job):
        runner = _FilesRunner if is_distributed(train) else _BroadcastRunner
        return runner(self.context, model, train, job)

    def scorer(self, model, data):
        if not is_distributed(data):
            return LocalEngine().scorer(model, data)
        dataset = as_distributed(data, self.context)
        dataset.check(model)
        return lambda current, measure: score(current, dataset, measure)


class _Runner:
    """What the two runners share: the model broadcast once, a broadcast of the weights per
    iteration, one job of k tasks."""

    def __init__(self, context, model, job):
        self.context = context
        self._model = context.broadcast(Cloudpickled(model))
        self._job, self._blas = job, 1 if job.reproducible else task_cpus(context)
        self._replicas = None

    def run(self, model, optimizer_state, seeds):
        current = self.context.broadcast((model.get_parameters(), model.get_state(),
                                          optimizer_state))
        try:
            for attempt in (1, 2):
                task = partial(_train, model=self._model, current=current, data=self._source,
                               seeds=seeds, job=self._job, blas=self._blas)
                results = self._replicas_for(len(seeds)).mapPartitionsWithIndex(task).collect()
                missing = [r.replica for r in results if isinstance(r, MissingReplicaData)]
                if not missing:
                    return results
                if attempt == 2:
                    raise RuntimeError(f"the rows of replicas {missing} were lost twice in a "
                                       "row with their executors")
                self._drop_replicas()  # written again from the cached partitions, same rows
        finally:
            current.destroy()

    def _drop_replicas(self):
        if self._replicas is not None:
            self._replicas.unpersist()
            self._replicas = None

    def close(self):
        self._drop_replicas()
        self._model.destroy()


class _BroadcastRunner(_Runner):
    def __init__(self, context, model, train, job):
        self.training_set = TrainingSet.of(model, train)  # checked here, before any job
        super().__init__(context, model, job)
        self.n_train = len(self.training_set)
        self._data = context.broadcast(self.training_set)
        self._source = _FromBroadcast(self._data)

    def _replicas_for(self, k):
        if self._replicas is None or self._replicas.getNumPartitions() != k:
            self._replicas = self.context.parallelize(range(k), k)
        return self._replicas

    def score_train(self, model, measure):
        return model.score(self.training_set.features, self.training_set.labels, measure)[0]

    def close(self):
        super().close()
        self._data.destroy()


class _FilesRunner(_Runner):
    def __init__(self, context, model, train, job):
        self.data = as_distributed(train, context)
        self._owned = self.data is not train
        try:
            self.data.check(model)  # before any training, as for local data
        except (TypeError, ValueError):
            if self._owned:
                self.data.unpersist()
            raise
        super().__init__(context, model, job)
        self.n_train = len(self.data)
        self._source = _FromFiles()
        self._token = uuid.uuid4().hex

    def _replicas_for(self, k):
        if self._replicas is None or self._replicas.getNumPartitions() != k:
            self._drop_replicas()
            self._replicas = self._stored_replicas(k)
        return self._replicas

    def _stored_replicas(self, k):
        """Handles of the k replicas' files: whole partitions per replica when there are
        enough (no row moves), else rows dealt round-robin with one shuffle."""
        blocks, partitions = self.data.blocks, self.data.num_partitions
        if partitions >= k:
            handles = self._written(blocks if partitions == k else blocks.coalesce(k))
            if handles is not None:
                return handles
        dealt = blocks.mapPartitionsWithIndex(partial(replica_data.deal,
                                                      self.data.summary.offsets, k))
        handles = self._written(dealt.partitionBy(k, replica_data.replica_of)
                                .mapPartitions(replica_data.in_source_order))
        if handles is None:
            raise ValueError(f"cannot give each of {k} replicas rows of its own: the data set "
                             f"has {len(self.data)} rows; lower the parallelism")
        return handles

    def _written(self, replica_blocks):
        """The cached handles of the replicas' files, written by one job; None (and nothing
        left behind) if a replica got no rows."""
        handles = replica_blocks.mapPartitionsWithIndex(
            partial(replica_data.store, self._token, self._model)).persist(STORAGE)
        if min(handles.map(replica_data.row_count).collect()) > 0:
            return handles
        handles.foreach(replica_data.remove)
        handles.unpersist()
        return None

    def _drop_replicas(self):
        if self._replicas is not None:
            self._replicas.foreach(replica_data.remove)
        super()._drop_replicas()

    def score_train(self, model, measure):
        if self._replicas is not None:  # the rows as the replicas hold them, if still there
            parts = scored(self.context, model, self._replicas, score_files)
            if not any(isinstance(part, MissingReplicaData) for part in parts):
                return merged_score(model, parts, measure)
        return score(model, self.data, measure)

    def close(self):
        super().close()
        if self._owned:
            self.data.unpersist()
