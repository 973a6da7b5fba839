"""Scoring and predicting on data Spark holds, as Spark jobs.

``Sequential.evaluate`` and ``Sequential.predict`` hand data Spark holds to :func:`evaluate`
and :func:`predict` (through :mod:`learninspy.core.facades`). A score is computed in one job:
each task returns what its rows contribute -- a confusion matrix, or predicted and actual
values -- with the model broadcast once, and the driver merges them.
"""

from functools import partial

import numpy as np

from learninspy.engine.spark.session import require_pyspark

require_pyspark()
from pyspark import RDD  # noqa: E402
from pyspark.sql import DataFrame  # noqa: E402

from learninspy.engine.spark.blocks import vector_values  # noqa: E402
from learninspy.engine.spark.dataset import as_distributed  # noqa: E402
from learninspy.engine.spark.replica_data import MissingReplicaData, open_replica  # noqa: E402
from learninspy.engine.spark.tasks import Cloudpickled, blas_threads, task_cpus  # noqa: E402
from learninspy.metrics import ClassificationMetrics, RegressionMetrics  # noqa: E402

__all__ = ["score", "evaluate", "predict", "scored", "merged_score", "score_files"]


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


def score_files(shared, blas, handles):
    """The parts of a score from replicas' files (on the executors that hold them)."""
    model = shared.value.loaded
    with blas_threads(blas):
        sets = [open_replica(model, handle) for handle in handles if handle["prefix"]]
        if any(training_set is None for training_set in sets):
            return [MissingReplicaData(None)]
        return [_partial_score(model, training_set.features, training_set.labels)
                for training_set in sets]


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


def _predict_frame_rows(model, column, blas, rows):
    from pyspark.ml.linalg import DenseVector
    rows = list(rows)
    outputs = _outputs(model, blas, [row[column] for row in rows])
    for row, output, predicted in zip(rows, outputs, model.predicted_values(outputs)):
        if model.classification:
            yield tuple(row) + (float(predicted), DenseVector(output.astype(float)))
        else:
            yield tuple(row) + (float(output[0]) if len(output) == 1 else output.tolist(),)


# --- Evaluation and prediction on distributed data ---------------------------------------------

def score(model, data, measure):
    """The score of ``model`` on distributed ``data`` (checked), from one Spark job."""
    return merged_score(model, scored(data.context, model, data.blocks, _score_blocks),
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
    model.ensure_built()
    if isinstance(data, DataFrame):
        return _predict_frame(model, data, features_col, prediction_col, probability_col)
    if isinstance(data, RDD):
        return data.mapPartitions(partial(_predict_rows, model, task_cpus(data.context),
                                          classes))
    dataset = as_distributed(data)
    dataset.check(model, labels=False)
    return dataset.blocks.mapPartitions(partial(_predict_blocks, model,
                                                task_cpus(dataset.context), classes))


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
                                           task_cpus(frame.sparkSession.sparkContext)))
    return frame.sparkSession.createDataFrame(rows, StructType(fields))
