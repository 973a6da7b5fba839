"""Scoring and predicting on data Spark holds, as Spark jobs.

``Sequential.evaluate`` and ``Sequential.predict`` hand data Spark holds to :func:`evaluate`
and :func:`predict` (through :mod:`learninspy.core.facades`).

* A score is one job: each task returns what its rows contribute -- a confusion matrix, or
  predicted and actual values -- and the driver merges them. A DataFrame is read through
  Arrow by that job, batch by batch; a validation DataFrame, scored again and again during a
  fit, is written once to the executors' disks (:class:`StoredScorer`).
* Predictions on a DataFrame are a column expression, computed lazily as Spark computes
  columns: an Arrow UDF that receives the features column one record batch at a time and
  returns the outputs of one matrix product per layer, the model unpickled once per Python
  worker. SQL and streaming queries call the same UDF (:func:`prediction_udf`).
"""

import uuid
from functools import partial

import numpy as np

from learninspy._internal.logs import get_logger
from learninspy.engine.spark.session import require_pyspark

require_pyspark()
from pyspark import RDD, cloudpickle  # noqa: E402

from learninspy.engine.spark.blocks import vector_values  # noqa: E402
from learninspy.engine.spark.dataset import as_distributed  # noqa: E402
from learninspy.engine.spark.frames import (LabeledFrame, as_labeled_frame,  # noqa: E402
                                            is_dataframe)
from learninspy.engine.spark.handles import share, store_frame  # noqa: E402
from learninspy.engine.spark.replica_data import MissingReplicaData, open_replica  # noqa: E402
from learninspy.engine.spark.tasks import (CheckedRows, Cloudpickled, blas_threads,  # noqa: E402
                                           task_cpus)
from learninspy.metrics import ClassificationMetrics, RegressionMetrics  # noqa: E402

__all__ = ["score", "evaluate", "predict", "predict_frame", "prediction_udf", "output_fields",
           "StoredScorer", "merged_score", "score_files"]


def _partial_score(model, features, labels):
    """What some rows contribute to a score: their confusion matrix (classification) or their
    (predicted, actual) arrays (regression)."""
    predicted = model.predicted_values(model.outputs(features))
    if not model.classification:
        return predicted, labels
    k = model.n_classes
    return np.bincount(labels * k + predicted, minlength=k * k).reshape(k, k)


def _score_blocks(shared, blas, blocks):
    model = shared.value.loaded
    with blas_threads(blas):
        return [_partial_score(model, *model.labeled_arrays(block)) for block in blocks]


def score_files(shared, blas, part, handles):
    """The parts of a score from stored rows (on the executor that holds them)."""
    model = shared.value.loaded
    with blas_threads(blas):
        sets = [open_replica(model, handle) for handle in handles if handle["prefix"]]
        if any(training_set is None for training_set in sets):
            return [MissingReplicaData(part)]
        return [_partial_score(model, training_set.features, training_set.labels)
                for training_set in sets]


def _score_batches(shared, decode, blas, batches):
    """``mapInArrow`` task: the part of a score of a partition's record batches, pickled --
    or the first problem of its rows, as a message."""
    import pyarrow as pa
    from pyspark import TaskContext
    from learninspy.engine.spark.blocks import rebase_rows
    model, parts, problem, rows = shared.value.loaded, [], None, 0
    with blas_threads(blas):
        for batch in batches:
            if problem is None and batch.num_rows:
                try:
                    parts.append(_partial_score(model, *model.labeled_arrays(decode(batch))))
                except (TypeError, ValueError) as error:
                    problem = (f"{rebase_rows(str(error), rows)} (in partition "
                               f"{TaskContext.get().partitionId()})")
            rows += batch.num_rows
    result = ("problem", problem) if problem else ("parts", parts)
    yield pa.RecordBatch.from_arrays([pa.array([cloudpickle.dumps(result)], pa.binary())],
                                     names=["result"])


def scored(context, model, rdd, task):
    """The parts of a score, from one job of ``task`` over ``rdd``, the model broadcast
    (a task closure would carry the whole model in every task)."""
    shared = context.broadcast(Cloudpickled(model))
    try:
        return rdd.mapPartitions(partial(task, shared, task_cpus(context))).collect()
    finally:
        shared.destroy()


def merged_score(model, parts, measure):
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


# --- Evaluation --------------------------------------------------------------------------------

def score(model, data, measure):
    """The score of ``model`` on a checked DistributedLabeledDataSet, from one Spark job."""
    return merged_score(model, scored(data.context, model, data.blocks, _score_blocks),
                        measure)


def score_frame(model, frame, measure):
    """The score of ``model`` on a LabeledFrame, from one job reading it through Arrow."""
    frame.check_width(model)
    shared = share(frame.session, Cloudpickled(model))
    try:
        rows = frame.selected().mapInArrow(
            partial(_score_batches, shared, frame.decoder, task_cpus(frame.session)),
            "result binary").collect()
    finally:
        shared.destroy()
    results = [cloudpickle.loads(row.result) for row in rows]
    problems = [value for kind, value in results if kind == "problem"]
    if problems:
        raise ValueError(problems[0])
    parts = [part for _, value in results for part in value]
    if not parts:
        raise ValueError("the data set is empty")
    return merged_score(model, parts, measure)


class StoredScorer:
    """The scorer of a validation set Spark holds, for ``fit``: checked once, then scored in
    one job per evaluation. A DataFrame is written once, checked and converted, to the
    executors' disks, and each evaluation reads those files; :meth:`close` deletes them."""

    def __init__(self, model, data, session):
        self.session, self._stored, self._dataset = session, None, None
        if is_dataframe(data) or isinstance(data, LabeledFrame):
            frame = as_labeled_frame(data)
            frame.check_width(model)
            self._frame, self._model = frame, share(session, Cloudpickled(model))
            self._store()
        else:
            dataset = as_distributed(data, session.sparkContext)
            self._owned = dataset is not data
            try:
                dataset.check(model)
            except (TypeError, ValueError):
                self.close()
                raise
            self._dataset = dataset

    def _store(self):
        self._stored = store_frame(self._frame.selected(),
                                   CheckedRows(self._model, self._frame.decoder),
                                   uuid.uuid4().hex)
        if self._stored.problem is not None or self._stored.rows == 0:
            problem = self._stored.problem or "the data set is empty"
            self.close()
            raise ValueError(problem)

    def __call__(self, model, measure):
        if self._dataset is not None:
            return score(model, self._dataset, measure)
        shared = share(self.session, Cloudpickled(model))
        try:
            for attempt in (1, 2):
                parts = self._stored.run(partial(score_files, shared, task_cpus(self.session)))
                if not any(isinstance(part, MissingReplicaData) for part in parts):
                    return merged_score(model, parts, measure)
                self._stored.release()  # an executor was lost with its files: again
                self._store()
            raise RuntimeError("the validation rows were lost twice in a row with their "
                               "executors")
        finally:
            shared.destroy()

    def close(self):
        if self._stored is not None:
            self._stored.release()
            self._model.destroy()
            self._stored = None
        if self._dataset is not None and self._owned:
            self._dataset.unpersist()


def evaluate(model, data, predictions=False, measure=None):
    """``Sequential.evaluate`` on data Spark holds: the score from one Spark job and, when
    ``predictions``, the predicted classes (or outputs), as ``predict`` gives them."""
    measure = model.check_measure(measure)
    if is_dataframe(data) or isinstance(data, LabeledFrame):
        frame = as_labeled_frame(data)
        result = score_frame(model, frame, measure)
        return (result, predict(model, frame)) if predictions else result
    dataset = as_distributed(data)
    try:
        dataset.check(model)
        result = score(model, dataset, measure)
    finally:
        if dataset is not data:
            dataset.unpersist()
    return (result, predict(model, dataset, classes=True)) if predictions else result


# --- Prediction --------------------------------------------------------------------------------

def output_fields(model, prediction="prediction", probability="probability",
                  raw_prediction=None):
    """The (name, Spark type) of the columns a prediction adds: ``prediction`` (the class
    index as a double, or the value; a Vector for several outputs); for classification
    ``probability`` (a Vector) and ``raw_prediction`` (a Vector of log-probabilities). A
    column named None or "" is left out, as Spark ML models leave out an output column whose
    name is empty."""
    return [(name, kind) for _, name, kind in _output_columns(model, prediction, probability,
                                                              raw_prediction)]


def _output_columns(model, prediction, probability, raw_prediction):
    """(index in ``outputs_arrays``, name, Spark type) of the columns named."""
    from pyspark.ml.linalg import VectorUDT
    from pyspark.sql.types import DoubleType
    if model.classification:
        every = [(prediction, DoubleType()), (probability, VectorUDT()),
                 (raw_prediction, VectorUDT())]
    else:
        single = int(np.prod(model.output_shape)) == 1
        every = [(prediction, DoubleType() if single else VectorUDT())]
    return [(index, name, kind) for index, (name, kind) in enumerate(every) if name]


_log = get_logger(__name__)


def _predict_batches(shipped, blas, names, kept, vectors, columns):
    """Arrow UDF body: each batch of the features column to a struct of the outputs
    ``kept`` (their indices in ``outputs_arrays``), named ``names``, Vectors as Vectors or
    (``vectors=False``) as arrays."""
    import pyarrow as pa
    from learninspy.engine.spark.arrow import features_matrix, outputs_arrays
    model = shipped.value.loaded  # once per Python worker
    width = int(np.prod(model.input_shape))
    for column in columns:
        X = features_matrix(column)
        if len(X) and X.shape[1] != width:
            raise ValueError(f"features have {X.shape[1]} values per row but the model takes "
                             f"{width}")
        with blas_threads(blas):
            outputs = model.outputs(model.check_features(X)) if len(X) else \
                np.zeros((0,) + model.output_shape, model.dtype)
        arrays = outputs_arrays(model, outputs, kept, vectors)
        yield pa.StructArray.from_arrays([arrays[index] for index in kept], names=list(names))


def prediction_udf(model, session=None, prediction="prediction", probability="probability",
                   raw_prediction=None, vectors=True):
    """The model as an Arrow UDF of a features column (Vectors or arrays of numbers) that
    returns a struct of the prediction columns, named as given (see :func:`output_fields`):
    for ``DataFrame.select``, ``spark.udf.register`` (SQL) and streaming queries. With
    ``vectors=False`` the Vector columns come as arrays of doubles.

    The model is copied as it is now and shipped once -- a broadcast on classic Spark, inside
    the UDF on Spark Connect -- and each Python worker unpickles it once.
    """
    from typing import Iterator

    import pyarrow as pa
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, DoubleType, StructField, StructType, UserDefinedType

    model = model.copy()  # later training must not change what the UDF computes
    model.ensure_built()
    columns = _output_columns(model, prediction, probability, raw_prediction)
    if not columns:
        raise ValueError("every prediction column is named None or \"\": name at least one")
    fields = [(name, ArrayType(DoubleType()) if not vectors and isinstance(kind, UserDefinedType)
               else kind) for _, name, kind in columns]
    session = session or _active_session()
    body = partial(_predict_batches, share(session, Cloudpickled(model)), task_cpus(session),
                   tuple(name for name, _ in fields), tuple(index for index, _, _ in columns),
                   vectors)

    def predict_batches(columns: Iterator[pa.Array]) -> Iterator[pa.Array]:
        return body(columns)

    return F.arrow_udf(predict_batches, StructType([StructField(name, kind)
                                                    for name, kind in fields]))


def _active_session():
    from pyspark.sql import SparkSession
    session = SparkSession.getActiveSession()
    if session is None:
        from learninspy.engine.spark.session import get_session
        session = get_session()
    return session


def predict_frame(model, frame, names):
    """``frame``'s DataFrame with the prediction columns ``names`` (see
    :func:`output_fields`).

    No user-defined type crosses into Python: Spark turns a Vector features column into
    float32 arrays (``vector_to_array``) before the UDF and its array outputs into Vectors
    (``array_to_vector``) after it, in the JVM. So the UDF can take its input columnar, as
    Spark feeds Arrow UDFs from a Parquet scan, which it cannot do with Vectors
    (UNSUPPORTED_DATATYPE UDT)."""
    from pyspark.ml.functions import array_to_vector, vector_to_array
    from pyspark.sql import functions as F
    from pyspark.sql.types import UserDefinedType
    fields = output_fields(model, *names)
    if not fields:
        _log.warning("every prediction column is named \"\": the DataFrame is returned as it "
                     "is")
        return frame.frame
    udf = prediction_udf(model, frame.session, *names, vectors=False)
    struct = "__learninspy_outputs"
    features = frame.decoder.features
    if not isinstance(features, str):
        argument = F.array(*features)
    elif isinstance(frame.frame.schema[features].dataType, UserDefinedType):
        argument = vector_to_array(F.col(features), "float32")
    else:
        argument = F.col(features)
    added = [array_to_vector(F.col(f"{struct}.{name}")).alias(name)
             if isinstance(kind, UserDefinedType) else F.col(f"{struct}.{name}").alias(name)
             for name, kind in fields]
    return frame.frame.withColumn(struct, udf(argument)).select("*", *added).drop(struct)


def _outputs(model, blas, rows):
    """The model's outputs for feature rows (arrays, ML or MLlib vectors, labeled points)."""
    rows = [vector_values(getattr(row, "features", row)) for row in rows]
    if not rows:
        return np.empty((0,) + model.output_shape, dtype=model.dtype)
    X = np.array([np.asarray(row, dtype=np.float64).ravel() for row in rows])
    with blas_threads(blas):
        return model.outputs(model.check_features(X))


def _predict_rows(model, blas, classes, items):
    outputs = _outputs(model, blas, items)
    return list(model.predicted_values(outputs) if classes else outputs)


def _predict_blocks(model, blas, classes, blocks):
    return [row for X, _ in blocks for row in _predict_rows(model, blas, classes, X)]


def predict(model, data, features_col="features", prediction_col="prediction",
            probability_col="probability", raw_prediction_col=None, classes=False):
    """``Sequential.predict`` on data Spark holds, with the model as it is now.

    Args:
        model: the model.
        data: a DataFrame (or a LabeledFrame): the result is the DataFrame with the prediction
            columns of :func:`output_fields` -- ``prediction_col`` and, for classification,
            ``probability_col`` (and ``raw_prediction_col`` when given) -- computed lazily by
            an Arrow UDF. A DistributedLabeledDataSet or an RDD (of feature vectors or labeled
            points): an RDD of output vectors (class probabilities, or values), one per row,
            in order.
        features_col: the features column of a DataFrame (Vectors or arrays of numbers).
        classes: True for an RDD of predicted classes rather than outputs.

    Returns:
        DataFrame or RDD, computed lazily, as Spark transformations are.
    """
    if is_dataframe(data) or isinstance(data, LabeledFrame):
        frame = data if isinstance(data, LabeledFrame) else \
            LabeledFrame(data, features_col=features_col, label_col=None)
        model = model.copy()
        model.ensure_built()
        frame.check_width(model)
        return predict_frame(model, frame, (prediction_col, probability_col,
                                            raw_prediction_col))
    model = model.copy()  # the RDD is computed later: it must not see later training
    model.ensure_built()
    if isinstance(data, RDD):
        return data.mapPartitions(partial(_predict_rows, model, task_cpus(data.context),
                                          classes))
    dataset = as_distributed(data)
    dataset.check(model, labels=False)
    return dataset.blocks.mapPartitions(partial(_predict_blocks, model,
                                                task_cpus(dataset.context), classes))
