"""The Spark engine: the replicas of each iteration run as Spark tasks.

* Local training data is checked on the driver and broadcast once per fit; replica r is task r
  of a job over ``range(k)``.
* Distributed data (a DistributedLabeledDataSet, an RDD or a DataFrame) stays on the executors.
  At the first iteration its partitions are given to the k replicas -- coalesced when there
  are at least k, else dealt row by row with one shuffle -- and each replica's rows are written
  once, as ``.npy`` files, to the local disk of the executor that computed them; a cached RDD
  of small handles remembers where. Tasks memory-map those files: an iteration moves no data,
  where streaming a cached partition into a Python worker would cost about a second per
  600 MB, at every iteration.
* Per iteration the weights (with the model's state, and the optimizer's with ``keep_state``)
  are broadcast; each task trains its replica with
  :func:`~learninspy.core.optimization.optimize`, as the local engine does, with BLAS limited to
  the task's cores (``spark.task.cpus``; one for a reproducible fit), and returns its result
  dict; the driver merges them in replica order. The same seeds give the same bits on any
  engine.

Fault tolerance comes from purity: a task that fails or whose worker dies is rerun by Spark
and returns the same result. If the files of a replica are gone (its executor was lost), the
iteration rebuilds them from the cached partitions and runs again, with the same result.

:func:`evaluate` and :func:`predict` run on distributed data as Spark jobs; ``Sequential``
delegates to them.
"""

import os
import tempfile
import uuid
from functools import partial

import numpy as np
from threadpoolctl import ThreadpoolController

from learninspy.context import get_session, require_pyspark

require_pyspark()
from pyspark import RDD, cloudpickle  # noqa: E402
from pyspark.sql import DataFrame  # noqa: E402

from learninspy.core.batches import TrainingSet  # noqa: E402
from learninspy.core.optimization import optimize  # noqa: E402
from learninspy.engine import is_distributed  # noqa: E402
from learninspy.engine.local import LocalEngine  # noqa: E402
from learninspy.utils.block_tasks import vector_values  # noqa: E402
from learninspy.utils.distributed import STORAGE, as_distributed  # noqa: E402
from learninspy.utils.evaluation import ClassificationMetrics, RegressionMetrics  # noqa: E402

__all__ = ["SparkEngine", "evaluate", "predict", "score"]

#: Marks the error of a task that does not find its replica's files.
MISSING = "learninspy-replica-data-missing"

_controller = None
_opened = {}  # this Python worker's memory-mapped replica data: file prefix -> TrainingSet


def _blas_threads(threads):
    """A context limiting BLAS to ``threads`` in this process (the controller is built once)."""
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=threads, user_api="blas")


def _task_cpus(context):
    return int(context.getConf().get("spark.task.cpus", "1"))


class _Cloudpickled:
    """A value to broadcast, pickled with cloudpickle as task closures are -- so that classes
    defined in the driver's script (a custom layer, say) travel by value -- and unpickled once
    per Python worker, which keeps broadcast values."""

    def __init__(self, value):
        self.data = cloudpickle.dumps(value)

    def __getstate__(self):
        return {"data": self.data}

    @property
    def loaded(self):
        if "_value" not in self.__dict__:
            self._value = cloudpickle.loads(self.data)
        return self._value


# --- Replica data (run in executors) ----------------------------------------------------------

def _local_dir():
    return os.environ.get("SPARK_LOCAL_DIRS", tempfile.gettempdir()).split(",")[0]


def _save(path, array):
    temporary = f"{path}.{os.getpid()}.tmp"  # a retried task never reads a half-written file
    with open(temporary, "wb") as stream:
        np.save(stream, array)
    os.replace(temporary, path)


def _store(token, model, index, blocks):
    """Write replica ``index``'s rows, checked and converted for the model, to local files."""
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


def _open(model, handle):
    """The training set of a replica, memory-mapped from its files once per Python worker."""
    prefix = handle["prefix"]
    if prefix not in _opened:
        folder = os.path.dirname(prefix)
        for key in [key for key in _opened if os.path.dirname(key) != folder]:
            del _opened[key]  # a former fit's data
        try:
            features = np.asarray(np.load(prefix + "-features.npy", mmap_mode="r"))
            labels = np.load(prefix + "-labels.npy")
        except FileNotFoundError:
            raise RuntimeError(f"{MISSING}: the rows of replica {handle['replica']} are not "
                               f"at {prefix} on this executor") from None
        _opened[prefix] = TrainingSet.of_checked(model, features, labels)
    return _opened[prefix]


def _remove(handle):
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


def _deal(offsets, k, index, blocks):
    """Row g (counted over the whole data set) goes to replica g mod k."""
    for X, y in blocks:
        owner = (offsets[index] + np.arange(len(X))) % k
        for replica in range(k):
            rows = np.flatnonzero(owner == replica)
            if rows.size:
                yield replica, (index, X[rows], y[rows])


def _identity(key):
    return key


def _row_count(handle):
    return handle["rows"]


def _in_source_order(items):
    pieces = sorted((piece for _, piece in items), key=lambda piece: piece[0])
    return [(X, y) for _, X, y in pieces]


# --- Training and scoring tasks (run in executors) --------------------------------------------

class _FromBroadcast:
    """The training set of every replica: local data, broadcast once per fit."""

    def __init__(self, broadcast):
        self.broadcast = broadcast

    def __call__(self, model, items):
        for _ in items:  # read the partition to its end, so the worker is reused
            pass
        return self.broadcast.value


class _FromFiles:
    """The training set of a replica: its memory-mapped files."""

    def __call__(self, model, items):
        return _open(model, list(items)[0])


def _train(index, items, *, model, current, data, seeds, params, mini_batch, measure, blas):
    """Task ``index`` of an iteration: one replica, as the local engine trains it."""
    workspace = model.value.loaded
    training_set = data(workspace, items)
    weights, state, optimizer_state = current.value
    with _blas_threads(blas):
        workspace.set_parameters(weights)
        workspace.set_state(state)
        result = optimize(workspace, training_set, params, mini_batch, seeds[index],
                          measure=measure, optimizer_state=optimizer_state, in_place=True)
    return [result]


def _partial_score(model, features, labels):
    """What some rows contribute to a score: their confusion matrix (classification) or their
    (predicted, actual) arrays (regression)."""
    predicted = model._predictions(model._predict_arrays(features))
    if not model.classification:
        return predicted, labels
    k = model.n_classes
    return np.bincount(labels * k + predicted, minlength=k * k).reshape(k, k)


def _score_blocks(shared, blas, blocks):
    model = shared.value.loaded
    with _blas_threads(blas):
        return [_partial_score(model, *model.labeled_arrays(block)) for block in blocks]


def _score_files(shared, blas, handles):
    model = shared.value.loaded
    with _blas_threads(blas):
        return [_partial_score(model, training_set.features, training_set.labels)
                for training_set in (_open(model, h) for h in handles if h["prefix"])]


def _scored(context, model, rdd, task):
    """The parts of a score, from one job of ``task`` over ``rdd``, the model broadcast
    (a task closure would carry the whole model in every task)."""
    shared = context.broadcast(_Cloudpickled(model))
    try:
        return rdd.mapPartitions(partial(task, shared, _task_cpus(context))).collect()
    finally:
        shared.destroy()


def _merged_score(model, parts, measure):
    """The score of ``measure`` from every part's contribution."""
    if model.classification:
        k = model.n_classes
        confusion = np.sum(parts, axis=0).ravel()
        actual, predicted = np.divmod(np.repeat(np.arange(k * k), confusion), k)
        metrics = ClassificationMetrics((predicted, actual), k)
    else:
        metrics = RegressionMetrics((np.concatenate([p[0] for p in parts]),
                                     np.concatenate([p[1] for p in parts])))
    return metrics.evaluate(measure)


def _outputs(model, blas, rows):
    """The model's outputs for feature rows (arrays, ML or MLlib vectors, labeled points)."""
    rows = [vector_values(getattr(row, "features", row)) for row in rows]
    if not rows:
        return np.empty((0,) + model.output_shape, dtype=model.dtype)
    X = np.array([np.asarray(row, dtype=np.float64).ravel() for row in rows])
    with _blas_threads(blas):
        return model._predict_arrays(model._features(X))


def _predict_rows(model, blas, classes, items):
    outputs = _outputs(model, blas, items)
    return list(model._predictions(outputs) if classes else outputs)


def _predict_blocks(model, blas, classes, blocks):
    return [row for X, _ in blocks for row in _predict_rows(model, blas, classes, X)]


def _predict_frame_rows(model, column, blas, rows):
    from pyspark.ml.linalg import DenseVector
    rows = list(rows)
    outputs = _outputs(model, blas, [row[column] for row in rows])
    for row, output, predicted in zip(rows, outputs, model._predictions(outputs)):
        if model.classification:
            yield tuple(row) + (float(predicted), DenseVector(output.astype(float)))
        else:
            yield tuple(row) + (float(output[0]) if len(output) == 1 else output.tolist(),)


# --- Evaluation and prediction on distributed data ---------------------------------------------

def score(model, data, measure):
    """The score of ``model`` on distributed ``data`` (checked), from one Spark job."""
    return _merged_score(model, _scored(data.context, model, data.blocks, _score_blocks),
                         measure)


def evaluate(model, data, predictions=False, measure=None):
    """``Sequential.evaluate`` on distributed data: the score from one Spark job and, when
    ``predictions``, an RDD of the predicted classes (or output vectors), as ``predict``."""
    measure = model.check_measure(measure)
    dataset = as_distributed(data)
    try:
        dataset.check(model)
        result = score(model, dataset, measure)
    finally:
        if dataset is not data:
            dataset.unpersist()
    return (result, predict(model, dataset, classes=True)) if predictions else result


def predict(model, data, features_col="features", prediction_col="prediction",
            probability_col="probability", classes=False):
    """``Sequential.predict`` on data Spark holds, with the model as it is now.

    Args:
        model: the model.
        data: a DistributedLabeledDataSet or an RDD (of feature vectors or labeled points):
            the result is an RDD of output vectors (class probabilities, or values), one per
            row, in order. A DataFrame: the result is the DataFrame with a ``prediction_col``
            column (the class index, or the value; a list of values for several outputs) and,
            for classification, a ``probability_col`` vector column of the outputs.
        features_col: the features column of a DataFrame.
        classes: True for an RDD of predicted classes rather than outputs.

    Returns:
        RDD or DataFrame, computed lazily, as Spark transformations are.
    """
    model = model.copy()  # the RDD is computed later: it must not see later training
    model._require_built()
    if isinstance(data, DataFrame):
        return _predict_frame(model, data, features_col, prediction_col, probability_col)
    if isinstance(data, RDD):
        return data.mapPartitions(partial(_predict_rows, model, _task_cpus(data.context),
                                          classes))
    dataset = as_distributed(data)
    dataset.check(model, labels=False)
    return dataset.blocks.mapPartitions(partial(_predict_blocks, model,
                                                _task_cpus(dataset.context), classes))


def _predict_frame(model, frame, features_col, prediction_col, probability_col):
    from pyspark.ml.linalg import VectorUDT
    from pyspark.sql.types import ArrayType, DoubleType, StructField, StructType
    if features_col not in frame.columns:
        raise ValueError(f"the DataFrame has no features column {features_col!r}; its columns "
                         f"are {frame.columns} (name it with features_col=)")
    fields = list(frame.schema.fields)
    if model.classification:
        fields += [StructField(prediction_col, DoubleType()),
                   StructField(probability_col, VectorUDT())]
    else:
        single = int(np.prod(model.output_shape)) == 1
        fields.append(StructField(prediction_col, DoubleType() if single
                                  else ArrayType(DoubleType())))
    rows = frame.rdd.mapPartitions(partial(_predict_frame_rows, model,
                                           frame.columns.index(features_col),
                                           _task_cpus(frame.sparkSession.sparkContext)))
    return frame.sparkSession.createDataFrame(rows, StructType(fields))


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

    def start(self, model, train, optimizer_params, mini_batch, measure, reproducible=False):
        runner = _FilesRunner if is_distributed(train) else _BroadcastRunner
        return runner(self.context, model, train, optimizer_params, mini_batch, measure,
                      reproducible)

    def scorer(self, model, data):
        if not is_distributed(data):
            return LocalEngine().scorer(model, data)
        dataset = as_distributed(data, self.context)
        dataset.check(model)
        return lambda current, measure: score(current, dataset, measure)


class _Runner:
    """What the two runners share: the model broadcast once, a broadcast of the weights per
    iteration, one job of k tasks."""

    def __init__(self, context, model, optimizer_params, mini_batch, measure, reproducible):
        self.context = context
        self._model = context.broadcast(_Cloudpickled(model))
        self._task = dict(params=optimizer_params, mini_batch=mini_batch, measure=measure,
                          blas=1 if reproducible else _task_cpus(context))
        self._replicas = None

    def run(self, weights, state, optimizer_state, seeds):
        current = self.context.broadcast((weights, state, optimizer_state))
        try:
            for attempt in (1, 2):
                replicas = self._replicas_for(len(seeds))
                task = partial(_train, model=self._model, current=current,
                               data=self._source, seeds=seeds, **self._task)
                try:
                    return replicas.mapPartitionsWithIndex(task).collect()
                except Exception as error:  # the task's error, as py4j or pyspark wrap it
                    if attempt == 2 or MISSING not in str(error):
                        raise
                    self._drop_replicas()  # rebuilt from the cached partitions, same rows
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
    def __init__(self, context, model, train, optimizer_params, mini_batch, measure,
                 reproducible):
        self.training_set = TrainingSet.of(model, train)  # checked here, before any job
        super().__init__(context, model, optimizer_params, mini_batch, measure, reproducible)
        self.n_train = len(self.training_set)
        self._data = context.broadcast(self.training_set)
        self._source = _FromBroadcast(self._data)

    def _replicas_for(self, k):
        if self._replicas is None or self._replicas.getNumPartitions() != k:
            self._replicas = self.context.parallelize(range(k), k)
        return self._replicas

    def score_train(self, model, measure):
        return model._score(self.training_set.features, self.training_set.labels, measure)[0]

    def close(self):
        super().close()
        self._data.destroy()


class _FilesRunner(_Runner):
    def __init__(self, context, model, train, optimizer_params, mini_batch, measure,
                 reproducible):
        self.data = as_distributed(train, context)
        self._owned = self.data is not train
        try:
            self.data.check(model)  # before any training, as for local data
        except (TypeError, ValueError):
            if self._owned:
                self.data.unpersist()
            raise
        super().__init__(context, model, optimizer_params, mini_batch, measure, reproducible)
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
        offsets = self.data.summary.offsets
        handles = self._written(blocks.mapPartitionsWithIndex(partial(_deal, offsets, k))
                                .partitionBy(k, _identity).mapPartitions(_in_source_order))
        if handles is None:
            raise ValueError(f"cannot give each of {k} replicas rows of its own: the data set "
                             f"has {len(self.data)} rows; lower the parallelism")
        return handles

    def _written(self, replica_blocks):
        """The cached handles of the replicas' files, written by one job; None (and nothing
        left behind) if a replica got no rows."""
        handles = replica_blocks.mapPartitionsWithIndex(
            partial(_store, self._token, self._model)).persist(STORAGE)
        if min(handles.map(_row_count).collect()) > 0:
            return handles
        handles.foreach(_remove)
        handles.unpersist()
        return None

    def _drop_replicas(self):
        if self._replicas is not None:
            self._replicas.foreach(_remove)
        super()._drop_replicas()

    def score_train(self, model, measure):
        if self._replicas is None:  # not trained yet: score on the data set itself
            return score(model, self.data, measure)
        return _merged_score(model, _scored(self.context, model, self._replicas, _score_files),
                             measure)

    def close(self):
        super().close()
        if self._owned:
            self.data.unpersist()
