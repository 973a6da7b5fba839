"""The Spark engine: the replicas of each iteration run as Spark tasks.

* Local training data is checked on the driver and broadcast once per fit; replica r is task r
  of a job over ``range(k)`` (classic Spark).
* Data Spark holds stays on the executors: before the first iteration each replica's rows are
  written, checked and converted, to the local disk of an executor and memory-mapped by its
  tasks (:mod:`~learninspy.engine.spark.replica_data`), so an iteration moves no data. A
  DataFrame (or a :class:`~learninspy.engine.spark.frames.LabeledFrame`) is read once, through
  Arrow, straight into those files: nothing is cached, on classic Spark or on Spark Connect.
* Per iteration the weights (with the model's state, and the optimizer's with ``keep_state``)
  are shared with the tasks; each task trains its replica with
  :func:`~learninspy.core.optimization.optimize`, as the local engine does, with BLAS limited to
  the task's cores (``spark.task.cpus``; on a local master its cores shared among the replicas;
  one for a reproducible fit), and returns its
  :class:`~learninspy.core.merging.ReplicaResult`; the driver merges them in replica order.
  Local data gives the same bits on any engine. Data Spark holds gives the same bits on every
  run with the same partitions, but not those of a local fit: each replica samples its own
  share of the rows, where a local replica samples them all.

Fault tolerance comes from purity: a task that fails or whose worker dies is rerun by Spark
and returns the same result. If the files of a replica are gone (its executor was lost), the
task says so, and the iteration writes them again from the source and runs again, with the
same result.
"""

import uuid
from functools import partial

from learninspy.core.batches import TrainingSet
from learninspy.core.optimization import optimize
from learninspy.data.labeled import is_distributed
from learninspy.engine.local import LocalEngine
from learninspy.engine.spark import replica_data
from learninspy.engine.spark.dataset import as_distributed
from learninspy.engine.spark.frames import as_labeled_frame, is_dataframe, LabeledFrame
from learninspy.engine.spark.handles import store_frame, store_rdd
from learninspy.engine.spark.inference import StoredScorer, merged_score, score_files
from learninspy.engine.spark.replica_data import MissingReplicaData
from learninspy.engine.spark.session import get_session, is_connect
from learninspy.engine.spark.stored import store_blocks
from learninspy.engine.spark.tasks import (CheckedRows, Cloudpickled, blas_threads,
                                           replica_threads, task_cpus)

__all__ = ["SparkEngine", "CONNECT_LOCAL_DATA"]

_ORDER = "__learninspy_row"  # the column that orders the rows of a replica

CONNECT_LOCAL_DATA = ("Spark Connect cannot train on local data with the Spark engine (it has "
                      "no broadcast): train it with engine='local', or give the rows as a "
                      "DataFrame of the Connect session")


# --- Training tasks (run in executors) --------------------------------------------------------

class _FromBroadcast:
    """The training set of every replica: local data, broadcast once per fit."""

    def __init__(self, broadcast):
        self.broadcast = broadcast

    def __call__(self, model, handles):
        return self.broadcast.value


def _from_files(model, handles):
    """The training set of a replica: its memory-mapped files (None if they are gone)."""
    return replica_data.open_replica(model, handles[0])


def _train(index, items, *, model, current, data, seeds, job, blas):
    """Task ``index`` of an iteration: one replica, as the local engine trains it."""
    workspace = model.value.loaded
    training_set = data(workspace, list(items))
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
        session: a SparkSession, classic or Spark Connect's; default: a DataFrame's own
            session, else :func:`learninspy.context.get_session` (the running one, or a new
            one for ``master``).
        master: master URL of a new session (see :func:`~learninspy.context.get_session`).
    """

    name = "spark"

    def __init__(self, session=None, master=None):
        self._session, self._master = session, master

    def session_for(self, data=None):
        """The session to run on: the given one, ``data``'s (a DataFrame), or the default."""
        if self._session is None:
            frame = data.frame if isinstance(data, LabeledFrame) else data
            self._session = (frame.sparkSession if is_dataframe(frame)
                             else get_session(self._master))
        return self._session

    @property
    def session(self):
        return self.session_for()

    def default_parallelism(self):
        session = self.session
        if not is_connect(session):
            return session.sparkContext.defaultParallelism
        configured = session.conf.get("spark.default.parallelism", None)
        return int(configured) if configured else 2

    def start(self, model, train, job):
        session = self.session_for(train)
        if not is_distributed(train):
            if is_connect(session):
                raise ValueError(CONNECT_LOCAL_DATA)
            return _BroadcastRunner(session, model, train, job)
        if is_dataframe(train) or isinstance(train, LabeledFrame):
            source = _FrameSource(as_labeled_frame(train), model)
        else:
            source = _BlocksSource(train, model, session)
        return _FilesRunner(session, model, source, job)

    def scorer(self, model, data):
        if not is_distributed(data):
            return LocalEngine().scorer(model, data)
        return StoredScorer(model, data, self.session_for(data))


class _Runner:
    """What the two runners share: the model shipped once, the weights shared per iteration,
    one job of k tasks."""

    def __init__(self, session, model, job):
        self.session = session
        self._model = _shared(session, Cloudpickled(model))
        self._job, self._cpus = job, task_cpus(session)
        self._master = None if is_connect(session) else session.sparkContext.master

    def place(self, replicas):
        """Put the training data where ``replicas`` replicas train on it."""

    def run(self, model, optimizer_state, seeds):
        current = _shared(self.session, (model.get_parameters(), model.get_state(),
                                         optimizer_state))
        try:
            blas = replica_threads(self._master, self._cpus, len(seeds), self._job.reproducible)
            task = partial(_train, model=self._model, current=current, data=self._source,
                           seeds=seeds, job=self._job, blas=blas)
            return self._run(len(seeds), task)
        finally:
            current.destroy()

    def close(self):
        self._model.destroy()


def _shared(session, value):
    from learninspy.engine.spark.handles import share
    return share(session, value)


class _BroadcastRunner(_Runner):
    def __init__(self, session, model, train, job):
        self.training_set = TrainingSet.of(model, train)  # checked here, before any job
        super().__init__(session, model, job)
        self.n_train = len(self.training_set)
        self._data = session.sparkContext.broadcast(self.training_set)
        self._source = _FromBroadcast(self._data)
        self._replicas = None

    def _run(self, k, task):
        if self._replicas is None or self._replicas.getNumPartitions() != k:
            self._replicas = self.session.sparkContext.parallelize(range(k), k)
        return self._replicas.mapPartitionsWithIndex(task).collect()

    def score_train(self, model, measure):
        return model.score(self.training_set.features, self.training_set.labels, measure)[0]

    def close(self):
        super().close()
        self._data.destroy()


class _FilesRunner(_Runner):
    """Replicas that train on files of their own rows (see the module's docstring)."""

    def __init__(self, session, model, source, job):
        try:
            source.check()  # before any training, as for local data
        except (TypeError, ValueError):
            source.close()
            raise
        super().__init__(session, model, job)
        self.source, self._source = source, _from_files
        self._token, self._replicas = uuid.uuid4().hex, None

    @property
    def n_train(self):
        return self._replicas.rows if self._replicas is not None else self.source.rows()

    def place(self, replicas):
        self._replicas_for(replicas)

    def _replicas_for(self, k):
        if self._replicas is None or len(self._replicas.handles) != k:
            self._drop_replicas()
            self._replicas = self.source.replicas(k, self._model, self._token)
        return self._replicas

    def _run(self, k, task):
        """``task`` on each replica's files; written again (once) if an executor lost them."""
        for attempt in (1, 2):
            results = self._replicas_for(k).run(task)
            missing = [r.replica for r in results if isinstance(r, MissingReplicaData)]
            if not missing:
                return results
            if attempt == 2:
                raise RuntimeError(f"the rows of replicas {missing} were lost twice in a row "
                                   "with their executors")
            self._drop_replicas()  # written again from the source, the same rows

    def _drop_replicas(self):
        if self._replicas is not None:
            self._replicas.release()
            self._replicas = None

    def score_train(self, model, measure):
        shared = _shared(self.session, Cloudpickled(model))
        try:  # the rows as the replicas hold them
            parts = self._run(len(self._replicas.handles),
                              partial(score_files, shared, task_cpus(self.session)))
        finally:
            shared.destroy()
        return merged_score(model, parts, measure)

    def close(self):
        self._drop_replicas()
        super().close()
        self.source.close()


class _FrameSource:
    """A LabeledFrame, read through Arrow straight into the replicas' files."""

    def __init__(self, frame, model):
        self.frame, self.model = frame, model

    def check(self):
        if self.frame.decoder.label is None:
            raise ValueError("training needs labels: the LabeledFrame has no label column")
        self.frame.check_width(self.model)

    def rows(self):
        return self.frame.selected().count()

    def replicas(self, k, model, token):
        """Each replica's rows written to the executors: the frame's rows, each keyed by its
        place in the frame, dealt round-robin by that key to k partitions
        (``repartitionById``), so that every replica holds a sample of the whole whatever
        order the rows come in; the shuffle delivers them in any order, and each replica's
        writer puts them back in key order on its disk, so that every run trains on the same
        rows in the same order. The shuffle streams (no sort, no cache in the JVMs), and the
        Python side holds one batch at a time."""
        from pyspark.sql import functions as F
        keyed = self.frame.selected().withColumn(_ORDER, F.monotonically_increasing_id())
        dealt = keyed.repartitionById(k, (F.col(_ORDER) % k).cast("int"))
        stored = store_frame(dealt, CheckedRows(model, self.frame.decoder), token, order=_ORDER)
        return _with_rows_for_each(stored, k)

    def close(self):
        pass


class _BlocksSource:
    """A DistributedLabeledDataSet (classic Spark), written from its cached blocks."""

    def __init__(self, data, model, session):
        self.data, self.model, self.session = as_distributed(data, session.sparkContext), \
            model, session
        self._owned = self.data is not data  # built here from an RDD: released at the end

    def check(self):
        self.data.check(self.model)

    def rows(self):
        return len(self.data)

    def replicas(self, k, model, token):
        """Whole partitions per replica when there are enough (no row moves), else rows dealt
        round-robin with one shuffle."""
        blocks, partitions, session = self.data.blocks, self.data.num_partitions, self.session
        write = partial(store_blocks, token, CheckedRows(model))
        if partitions >= k:
            stored = store_rdd(session, blocks if partitions == k else blocks.coalesce(k), write)
            if min(int(h["rows"]) for h in stored.handles) > 0:
                return stored
            stored.release()
        dealt = blocks.mapPartitionsWithIndex(partial(replica_data.deal,
                                                      self.data.summary.offsets, k))
        stored = store_rdd(session, dealt.partitionBy(k, replica_data.replica_of)
                           .mapPartitions(replica_data.in_source_order), write)
        return _with_rows_for_each(stored, k)

    def close(self):
        if self._owned:
            self.data.unpersist()


def _with_rows_for_each(stored, k):
    """``stored`` if each of the k replicas got rows; else (nothing left behind) an error."""
    problem = stored.problem
    if problem is None and len(stored.handles) == k and \
            min(int(h["rows"]) for h in stored.handles) > 0:
        return stored
    stored.release()
    if problem is not None:
        raise ValueError(problem)
    raise ValueError(f"cannot give each of {k} replicas rows of its own: the data set has "
                     f"{stored.rows} rows; lower the parallelism")
