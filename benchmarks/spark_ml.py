"""learninspy.ml and learninspy's DataFrame reading against Spark's own ways, in one Spark
session (``local[2]``, 4 GB of driver memory, the executor of local mode).

    python -m benchmarks.spark_ml               # about 10 minutes on 2 cores
    python -m benchmarks.spark_ml --quick       # smaller data, about 2 minutes
    python -m benchmarks.run --only spark-ml    # the same, in the report of make bench

1. Scoring: ``transform`` of ``rows`` x 784 float features read from Parquet (an
   ``array<float>`` column, and the same rows as ML Vectors), 784-512-512-10 ReLU, every
   output column computed (a ``noop`` write), and with the probabilities alone -- the one
   column ``predict_batch_udf`` returns here. learninspy.ml's model against learninspy 0.2's
   ``predict(frame)`` (``frame.rdd``, one Row at a time, timed on a slice: it is that slow),
   against ``MultilayerPerceptronClassificationModel.transform`` with the same layers (on a
   slice too), and against ``pyspark.ml.functions.predict_batch_udf`` serving the same weights
   in PyTorch. Rows/s, and the peak memory (PSS) of the Python workers and of the JVM.
   Targets: >= 10x 0.2's path, >= 1.0x PyTorch's predict_batch_udf.
2. Reading 200,000 x 784 (array<float>) from Parquet into training blocks: 0.2's row path
   (``frame.rdd``, rows to blocks, cached), ``DistributedLabeledDataSet`` (Arrow batches,
   cached), and what ``fit`` does with a DataFrame (Arrow batches straight into the replicas'
   files, nothing cached). Rows/s. Targets: >= 5x (the Spark ML issue), >= 4x (the cluster
   issue) the row path.
3. MNIST-5k in a DataFrame: ``NeuralNetworkClassifier.fit`` (784-256-128-10, 2 replicas)
   against ``MultilayerPerceptronClassifier`` ([784, 128, 10], L-BFGS), one fit per number of
   iterations, each timed as the user waits for it (reading the DataFrame included): the
   seconds MLlib takes to its best test accuracy against the seconds the Estimator takes to
   0.93. Target: >= 10x sooner.

Generated data is kept in ``benchmarks/data/`` for the next run.
"""

import argparse
import os
import sys
import time
from functools import partial

import numpy as np

from benchmarks import time_to_accuracy
from benchmarks.process_memory import PeakMemory

WIDTH, SIZES = 784, [784, 512, 512, 10]
TORCH = "PyTorch predict_batch_udf (arrays)"
#: the model's transform with the one output column predict_batch_udf computes
PROBABILITY_ONLY = "learninspy.ml transform, probability only (arrays)"
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


# --- Data ------------------------------------------------------------------------------------

def _generated(rows, parts, batches):
    """mapInArrow: partition i's share of ``rows`` Gaussian rows (float32) and labels 0-9."""
    import pyarrow as pa
    from pyspark import TaskContext
    for _ in batches:
        pass
    index = TaskContext.get().partitionId()
    rng = np.random.default_rng([7, index])
    count = rows // parts + (index < rows % parts)
    for start in range(0, count, 10_000):
        n = min(10_000, count - start)
        X = rng.standard_normal((n, WIDTH), dtype=np.float32)
        values = pa.ListArray.from_arrays(pa.array(np.arange(0, n * WIDTH + 1, WIDTH,
                                                             dtype=np.int32)),
                                          pa.array(X.reshape(-1)))
        yield pa.RecordBatch.from_arrays([values, pa.array(rng.integers(0, 10, n) * 1.0)],
                                         names=["features", "label"])


def _parquet_path(rows):
    return os.path.join(DATA, f"synthetic-{rows}x{WIDTH}.parquet")


def has_parquet(rows):
    """Whether :func:`parquet` has already written ``rows`` rows."""
    return os.path.exists(os.path.join(_parquet_path(rows), "_SUCCESS"))


def parquet(session, rows):
    """The path of ``rows`` x 784 synthetic rows in Parquet (generated once, in the
    executors)."""
    path = _parquet_path(rows)
    if not has_parquet(rows):
        parts = max(2, rows // 50_000)
        session.range(parts, numPartitions=parts).mapInArrow(
            partial(_generated, rows, parts), "features array<float>, label double") \
            .write.mode("overwrite").parquet(path)
    return path


def _jvm(session):
    return [session.sparkContext._gateway.proc.pid]


def _timed(session, action):
    """(seconds, PeakMemory) of ``action()``."""
    with PeakMemory(lambda: _jvm(session)) as memory:
        started = time.perf_counter()
        action()
        seconds = time.perf_counter() - started
    return seconds, memory


# --- 1. Scoring --------------------------------------------------------------------------------

def _rows_of_0_2(model, column, rows):
    """learninspy 0.2's predict(frame): one Python Row at a time into a matrix, per
    partition."""
    from pyspark.ml.linalg import DenseVector
    from learninspy.engine.spark.blocks import vector_values
    rows = list(rows)
    X = np.array([np.asarray(vector_values(row[column]), dtype=np.float64).ravel()
                  for row in rows])
    if not len(X):
        return
    outputs = model.outputs(model.check_features(X))
    for row, output, predicted in zip(rows, outputs, model.predicted_values(outputs)):
        yield tuple(row) + (float(predicted), DenseVector(output.astype(float)))


def score_0_2(network, frame):
    from pyspark.ml.linalg import VectorUDT
    from pyspark.sql.types import DoubleType, StructField, StructType
    schema = StructType(list(frame.schema.fields) + [StructField("prediction", DoubleType()),
                                                     StructField("probability", VectorUDT())])
    rows = frame.rdd.mapPartitions(partial(_rows_of_0_2, network, frame.columns.index(
        "features")))
    return frame.sparkSession.createDataFrame(rows, schema)


def _torch_weights(network):
    return [(layer.params["w"].T.copy(), layer.params["b"].copy()) for layer in network.layers]


def torch_udf(network):
    """``predict_batch_udf`` serving ``network``'s weights in PyTorch (probabilities)."""
    from pyspark.ml.functions import predict_batch_udf
    from pyspark.sql.types import ArrayType, FloatType
    weights = _torch_weights(network)

    def make_predict_fn():
        import torch
        torch.set_num_threads(1)
        layers = []
        for i, (w, b) in enumerate(weights):
            linear = torch.nn.Linear(w.shape[1], w.shape[0])
            linear.weight.data, linear.bias.data = torch.from_numpy(w), torch.from_numpy(b)
            layers += [linear] + ([torch.nn.ReLU()] if i < len(weights) - 1 else
                                  [torch.nn.Softmax(dim=1)])
        model = torch.nn.Sequential(*layers).eval()

        def predict(inputs):
            with torch.no_grad():
                return model(torch.from_numpy(inputs)).numpy()
        return predict

    return predict_batch_udf(make_predict_fn, return_type=ArrayType(FloatType()),
                             batch_size=2000, input_tensor_shapes=[[WIDTH]])


def mllib_model(session, network):
    """An MLlib MLP with ``network``'s layers (fitted on a few rows: only its speed counts)."""
    from pyspark.ml.classification import MultilayerPerceptronClassifier
    from pyspark.ml.linalg import Vectors
    rows = [(Vectors.dense(np.random.default_rng(i).standard_normal(WIDTH)), float(i % 10))
            for i in range(200)]
    return MultilayerPerceptronClassifier(layers=SIZES, maxIter=1, seed=0).fit(
        session.createDataFrame(rows, ["features", "label"]))


def scoring(session, rows, slice_rows):
    from pyspark.ml.functions import array_to_vector
    from pyspark.sql import functions as F
    from learninspy.core.model import NetworkParameters, NeuralNetwork
    from learninspy.ml import NeuralNetworkClassificationModel
    network = NeuralNetwork(NetworkParameters(SIZES, seed=0))
    arrays = session.read.parquet(parquet(session, rows))
    vectors = arrays.withColumn("features", array_to_vector("features"))
    ours = NeuralNetworkClassificationModel(network)
    probability_only = ours.copy().setPredictionCol("").setRawPredictionCol("")
    udf = torch_udf(network)
    mllib = mllib_model(session, network)
    sliced = lambda frame: frame.limit(slice_rows)
    methods = {
        "learninspy.ml transform (arrays)": (lambda: ours.transform(arrays), rows),
        "learninspy.ml transform (vectors)": (lambda: ours.transform(vectors), rows),
        PROBABILITY_ONLY: (lambda: probability_only.transform(arrays), rows),
        TORCH: (
            lambda: arrays.withColumn("probability", udf(F.col("features"))), rows),
        "learninspy 0.2 predict(frame) (vectors)": (
            lambda: score_0_2(network, sliced(vectors)), slice_rows),
        "MLlib MLP transform (vectors)": (lambda: mllib.transform(sliced(vectors)),
                                          slice_rows),
    }
    result = {}
    for name, (scored, count) in methods.items():
        seconds, memory = _timed(session, lambda: scored().write.format("noop")
                                 .mode("overwrite").save())
        result[name] = {"rows": count, "rows_per_s": count / seconds, "seconds": seconds,
                        "python_gb": memory.python / 2 ** 30, "jvm_gb": memory.jvm / 2 ** 30}
    same = ours.transform(sliced(arrays)).select("probability").collect()[:200]
    theirs = arrays.withColumn("p", udf(F.col("features"))).limit(slice_rows).select("p") \
        .collect()[:200]
    result["max_difference_vs_pytorch"] = float(np.max(np.abs(
        np.array([r.probability.toArray() for r in same]) - np.array([r.p for r in theirs]))))
    return result


# --- 2. Reading --------------------------------------------------------------------------------

def reading(session, rows):
    from learninspy.core.model import NetworkParameters, NeuralNetwork
    from learninspy.engine.spark import blocks as tasks
    from learninspy.engine.spark.engine import _FrameSource
    from learninspy.engine.spark.handles import share
    from learninspy.engine.spark.tasks import Cloudpickled
    from learninspy.utils.distributed import DistributedLabeledDataSet, LabeledFrame
    frame = session.read.parquet(parquet(session, rows))
    context = session.sparkContext
    network = NeuralNetwork(NetworkParameters([WIDTH, 10], seed=0))

    def row_path():
        rows_rdd = frame.select("features", "label").rdd
        return DistributedLabeledDataSet._of_blocks(
            rows_rdd.mapPartitionsWithIndex(tasks.rows_to_block), context)

    def fit_path():
        shared = share(session, Cloudpickled(network))
        stored = _FrameSource(LabeledFrame(frame), network).replicas(2, shared, "bench")
        return stored, shared

    result = {}
    for name, build, release in (
            ("learninspy 0.2 row path (cached blocks)", row_path, lambda d: d.unpersist()),
            ("DistributedLabeledDataSet (Arrow, cached blocks)",
             lambda: DistributedLabeledDataSet(frame), lambda d: d.unpersist()),
            ("fit's reading (Arrow into the replicas' files)", fit_path,
             lambda built: (built[0].release(), built[1].destroy()))):
        seconds = []
        for _ in range(2):  # the first run also warms the Python workers
            started = time.perf_counter()
            built = build()
            seconds.append(time.perf_counter() - started)
            release(built)
        result[name] = {"rows_per_s": rows / min(seconds), "seconds": min(seconds)}
    return result


# --- 3. Time to accuracy -------------------------------------------------------------------------

def _mnist_frames(session, data):
    import pandas as pd
    from pyspark.ml.functions import array_to_vector

    def frame(X, y):
        table = pd.DataFrame({"features": list(X.astype(np.float32)), "label": y * 1.0})
        return session.createDataFrame(table).withColumn("features",
                                                         array_to_vector("features")).cache()
    (X, y), _, (Xt, yt) = data
    train, test = frame(X, y), frame(Xt, yt)
    train.count(), test.count()
    return train, test


def estimator_curve(session, data, iterations):
    """The Estimator fitted from scratch for each number of iterations: (fit seconds, test
    accuracy) points, as time_to_accuracy's settings train learninspy."""
    from pyspark.ml.evaluation import MulticlassClassificationEvaluator
    from learninspy.ml import NeuralNetworkClassifier
    tta = time_to_accuracy
    train, test = _mnist_frames(session, data)
    evaluator = MulticlassClassificationEvaluator(metricName="accuracy")
    points = []
    for count in iterations:
        estimator = NeuralNetworkClassifier(
            layers=tta.SIZES, dropoutRatios=[0.0, 0.2, 0.2], optimizer="GD",
            optimizerOptions={"step-rate": tta.RATE, "momentum": tta.MOMENTUM},
            localIterations=tta.EVERY // 2, miniBatch=tta.BATCH, parallelism=2, maxIter=count,
            validIters=10 ** 6, seed=0)
        started = time.perf_counter()
        model = estimator.fit(train)
        seconds = time.perf_counter() - started
        points.append((seconds, evaluator.evaluate(model.transform(test))))
        if points[-1][1] >= 0.93:
            break
    train.unpersist(), test.unpersist()
    return points


def to_accuracy(session, quick):
    from benchmarks import common
    data = common.mnist_split()
    mllib = time_to_accuracy.mllib_curve(data, 20 if quick else 120, session,
                                         (25, 100) if quick else (10, 25, 50, 100, 200))
    ours = estimator_curve(session, data, (2, 4, 6, 8, 12, 16, 24, 32))
    return {"MLlib": mllib["points"], "learninspy.ml": ours}


# --- The report --------------------------------------------------------------------------------

def run(quick=False, master="local[2]"):
    from pyspark import cloudpickle
    from learninspy.context import get_session
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not import it
    session = get_session(master, app_name="learninspy-benchmark-ml", ui=False,
                          config={"spark.driver.memory": "4g"})
    session.sparkContext.setLogLevel("ERROR")
    try:
        return {"master": master,
                "scoring": scoring(session, 100_000 if quick else 1_000_000,
                                   10_000 if quick else 50_000),
                "reading": reading(session, 50_000 if quick else 200_000),
                "accuracy": to_accuracy(session, quick)}
    finally:
        session.stop()


def describe(result):
    scores = result["scoring"]
    ours = scores["learninspy.ml transform (arrays)"]["rows_per_s"]
    lines = [f"Spark {result['master']}. Scoring 784-512-512-10 (rows/s; peak PSS of the "
             "Python workers and of the JVM during the query):", ""]
    for name, entry in scores.items():
        if isinstance(entry, dict):
            lines.append(f"  {name}: {entry['rows_per_s']:,.0f} rows/s over {entry['rows']:,} "
                         f"rows; Python {entry['python_gb']:.2f} GB, JVM "
                         f"{entry['jvm_gb']:.2f} GB; learninspy.ml (arrays) is "
                         f"{ours / entry['rows_per_s']:.2f}x")
    same = scores[PROBABILITY_ONLY]["rows_per_s"] / scores[TORCH]["rows_per_s"]
    lines += [f"  (probabilities of learninspy.ml and PyTorch differ by at most "
              f"{scores['max_difference_vs_pytorch']:.1e}; targets: >= 10x 0.2's path, "
              ">= 1.0x predict_batch_udf)",
              f"  With the same output as predict_batch_udf (the probabilities alone: "
              "predictionCol and rawPredictionCol set to \"\"), learninspy.ml scores "
              f"{same:.2f}x as many rows/s as PyTorch; every column Spark's evaluators read "
              f"(prediction, probability, rawPrediction): "
              f"{ours / scores[TORCH]['rows_per_s']:.2f}x.",
              "", "Reading Parquet into training blocks:"]
    reading = result["reading"]
    base = reading["learninspy 0.2 row path (cached blocks)"]["rows_per_s"]
    for name, entry in reading.items():
        lines.append(f"  {name}: {entry['rows_per_s']:,.0f} rows/s ({entry['seconds']:.1f} s), "
                     f"{entry['rows_per_s'] / base:.1f}x the row path")
    curves = result["accuracy"]
    best = max(a for _, a in curves["MLlib"])
    mllib_seconds = next(s for s, a in curves["MLlib"] if a >= best)
    ours = next((s for s, a in curves["learninspy.ml"] if a >= 0.93), None)
    lines += ["", f"MNIST-5k in a DataFrame: MLlib's MLP reaches its best test accuracy "
                  f"{best:.3f} after a {mllib_seconds:.1f} s fit; "
              + (f"NeuralNetworkClassifier.fit reaches 0.93 in {ours:.1f} s, "
                 f"{mllib_seconds / ours:.1f}x sooner (target >= 10x)." if ours else
                 "NeuralNetworkClassifier did not reach 0.93.")]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--master", default="local[2]")
    arguments = parser.parse_args(argv)
    print(describe(run(arguments.quick, arguments.master)))


if __name__ == "__main__":
    main()
