"""The Spark engine against the local engine and against Spark MLlib, in one run.

    make test                                        # once: .venv with learninspy[dev]
    .venv/bin/python benchmarks/spark_engine.py      # about 5 minutes on 2 cores
    .venv/bin/python benchmarks/spark_engine.py --rows 400000 --master 'local[4]'

It starts one Spark session (local[2] by default) and prints:

1. Per-iteration overhead: iris on a 4-10-3 network, 2 replicas of one local step each, on
   the local engine and on Spark; the difference is what a round costs Spark.
2. Training throughput on synthetic data, ``--rows`` x 784 float32 (10 classes of a linear
   teacher): distributed data generated in the executors (never on the driver) on Spark,
   against the same rows in memory on the local engine. 784-256-10 ReLU network, 2 replicas,
   200 local steps of 128 examples per round. Target: Spark >= 0.8x the local engine.
3. Time to reach 0.90 test accuracy on MNIST-5k (stratified 70/15/15 split, 750 test digits):
   learninspy on Spark against Spark MLlib's MultilayerPerceptronClassifier with layers
   [784, 128, 10], in the same session (MLlib fits with maxIter 5, 10, 20, ... until one
   reaches 0.90; the time of that fit counts). Target: learninspy at least 5x faster.

The machines this runs on are shared and noisy: compare the ratios within one run.
"""

import argparse
import time

import numpy as np

from learninspy.context import get_session
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import criterion
from learninspy.utils.data import LocalLabeledDataSet, load_iris, load_mnist, split_data

WIDTH, CLASSES = 784, 10


def _optimizer(local_steps, algorithm="GD", **options):
    options = options or {"step-rate": 0.05, "momentum": 0.9}
    return OptimizerParameters(algorithm, options, merge_criter="avg", sampling="fresh",
                               keep_state=True,
                               stops=[criterion["MaxIterations"](local_steps)])


def overhead(iterations=30):
    """Median seconds per iteration of a tiny fit, on each engine."""
    iris = load_iris()
    data = ((iris.features - iris.features.mean(axis=0)) / iris.features.std(axis=0),
            iris.labels)
    seconds = {}
    for engine in ("local", "spark"):
        network = NeuralNetwork(NetworkParameters([4, 10, 3], activation="Tanh"))
        network.fit(data, mini_batch=32, parallelism=2, engine=engine, valid_iters=10 ** 6,
                    stops=[criterion["MaxIterations"](iterations)],
                    optimizer_params=_optimizer(1))
        seconds[engine] = float(np.median(np.diff(network.history.seconds)))
    return seconds


def _synthetic_part(rows, parts, index):
    """Rows of partition ``index``: Gaussian features, labels of a fixed linear teacher."""
    teacher = np.random.default_rng(0).standard_normal((WIDTH, CLASSES)).astype(np.float32)
    rng = np.random.default_rng([1, index])
    X = rng.standard_normal((rows // parts, WIDTH), dtype=np.float32)
    return X, (X @ teacher).argmax(axis=1).astype(float)


def _synthetic_rows(rows, parts, index, items):
    for _ in items:  # read the partition (one number) to its end
        pass
    X, y = _synthetic_part(rows, parts, index)
    return zip(X, y)


def throughput(session, rows, rounds=6, local_steps=200, mini_batch=128):
    """Training samples per second, distributed data on Spark and local data locally."""
    from functools import partial
    from learninspy.utils.distributed import DistributedLabeledDataSet
    parts = session.sparkContext.defaultParallelism
    started = time.perf_counter()
    distributed = DistributedLabeledDataSet(
        session.sparkContext.parallelize(range(parts), parts)
        .mapPartitionsWithIndex(partial(_synthetic_rows, rows, parts)))
    built = time.perf_counter() - started
    blocks = [_synthetic_part(rows, parts, index) for index in range(parts)]
    local = (np.concatenate([b[0] for b in blocks]), np.concatenate([b[1] for b in blocks]))
    result = {"rows": len(distributed), "build (s)": built}
    for name, data, engine in (("local", local, "local"), ("spark", distributed, "spark")):
        network = NeuralNetwork(NetworkParameters([WIDTH, 256, CLASSES], strength_l1=0.0,
                                                  strength_l2=0.0))
        network.fit(data, mini_batch=mini_batch, parallelism=2, engine=engine,
                    valid_iters=10 ** 6, stops=[criterion["MaxIterations"](rounds)],
                    optimizer_params=_optimizer(local_steps))
        seconds = network.history.seconds
        # the first round writes the replicas' files (Spark) and scores the model: left out
        result[name] = (rounds - 1) * 2 * local_steps * mini_batch / (seconds[-1] - seconds[0])
    distributed.unpersist()
    return result


def time_to_accuracy(session, target=0.90):
    digits = load_mnist()
    digits = LocalLabeledDataSet((digits.features / 255.0, digits.labels))
    train, _, test = split_data(digits, [0.7, 0.15, 0.15], seed=123, balanced=True)

    network = NeuralNetwork(NetworkParameters([WIDTH, 256, 128, CLASSES], activation="ReLU",
                                              dropout_ratios=[0.0, 0.2, 0.2], strength_l1=0.0,
                                              strength_l2=1e-4, seed=123))
    started = time.perf_counter()
    network.fit(train, test, mini_batch=64, parallelism=2, engine="spark", valid_iters=1,
                measure="Accuracy", optimizer_params=_optimizer(80, **{"step-rate": 0.1,
                                                                        "momentum": 0.9}),
                stops=[criterion["MaxIterations"](30),
                       criterion["AchieveTolerance"](target, key="hits")])
    ours = {"seconds": time.perf_counter() - started, "accuracy": network.history.last_valid,
            "iterations": len(network.history)}

    from pyspark.ml.classification import MultilayerPerceptronClassifier
    from pyspark.ml.evaluation import MulticlassClassificationEvaluator
    from pyspark.ml.linalg import Vectors
    started = time.perf_counter()
    frames = [session.createDataFrame([(Vectors.dense(row.astype(float)), float(label))
                                       for row, label in zip(part.features, part.labels)],
                                      ["features", "label"]).cache() for part in (train, test)]
    for frame in frames:
        frame.count()
    mllib = {"dataframes (s)": time.perf_counter() - started}
    evaluator = MulticlassClassificationEvaluator(metricName="accuracy")
    for max_iter in (5, 10, 20, 40, 80, 160):
        classifier = MultilayerPerceptronClassifier(layers=[WIDTH, 128, CLASSES],
                                                    maxIter=max_iter, seed=123)
        started = time.perf_counter()
        model = classifier.fit(frames[0])
        seconds = time.perf_counter() - started
        accuracy = evaluator.evaluate(model.transform(frames[1]))
        mllib.update(seconds=seconds, accuracy=accuracy, maxIter=max_iter)
        if accuracy >= target:
            break
    for frame in frames:
        frame.unpersist()
    return ours, mllib


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--master", default="local[2]")
    arguments = parser.parse_args()
    started = time.perf_counter()
    session = get_session(arguments.master, app_name="learninspy-benchmark", ui=False,
                          config={"spark.driver.memory": "4g"})
    print(f"Spark session {arguments.master}: started in {time.perf_counter() - started:.1f}s")
    try:
        seconds = overhead()
        print("\n1. Seconds per iteration, iris 4-10-3, 2 replicas x 1 local step")
        print(f"   local {seconds['local']:.4f}   spark {seconds['spark']:.4f}   "
              f"overhead of a Spark round {seconds['spark'] - seconds['local']:.4f}")

        result = throughput(session, arguments.rows)
        print(f"\n2. Training throughput, {result['rows']:,} x {WIDTH} synthetic rows "
              f"(distributed data set built in {result['build (s)']:.1f}s), 784-256-10")
        print(f"   local engine {result['local']:,.0f} samples/s   spark "
              f"{result['spark']:,.0f} samples/s   ratio {result['spark'] / result['local']:.2f}"
              "   (target >= 0.8)")

        ours, mllib = time_to_accuracy(session)
        print("\n3. Time to 0.90 test accuracy, MNIST-5k (750 test digits)")
        print(f"   learninspy on spark: {ours['seconds']:.1f}s ({ours['iterations']} iterations, "
              f"accuracy {ours['accuracy']:.3f})")
        print(f"   MLlib MLP [784, 128, 10]: {mllib['seconds']:.1f}s (maxIter {mllib['maxIter']}, "
              f"accuracy {mllib['accuracy']:.3f}; its DataFrames took "
              f"{mllib['dataframes (s)']:.1f}s more)")
        print(f"   learninspy is {mllib['seconds'] / ours['seconds']:.1f}x faster   "
              "(target >= 5)")
    finally:
        session.stop()


if __name__ == "__main__":
    main()
