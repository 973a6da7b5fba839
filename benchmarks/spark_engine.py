"""The Spark engine against the local engine and against Spark MLlib, in one Spark session.

    python -m benchmarks.spark_engine              # about 5 minutes on 2 cores
    python -m benchmarks.spark_engine --rows 400000 --master 'local[4]'
    python -m benchmarks.run --only spark          # the same, in the report of make bench

1. Per-iteration overhead: iris on a 4-10-3 network, 2 replicas of one local step each, on the
   local engine and on Spark; the difference is what a round costs Spark.
2. Training throughput on synthetic data, ``rows`` x 784 float32 (10 classes of a linear
   teacher): on Spark, distributed data generated in the executors (never on the driver);
   on the local engine, the same rows in memory. The network of the ``throughput`` benchmark,
   784-512-512-10 ReLU; 2 replicas, 200 local steps of 128 examples per round; the first round
   (files written, model scored) is left out. Target: Spark >= 0.8x the local engine.
3. Time to accuracy on MNIST-5k, with the protocol of ``time_to_accuracy``: learninspy on
   Spark (2 replicas) against MLlib's MultilayerPerceptronClassifier, layers [784, 128, 10],
   in the same session -- the seconds MLlib takes to its best test accuracy against the
   seconds learninspy takes to first reach it (on Spark, and locally when the report has a
   local run). Target: learninspy at least 5x faster.

The machines this runs on are shared and noisy: compare the ratios within one run.
"""

import argparse
import sys
import time
from functools import partial

import numpy as np

from benchmarks import common, time_to_accuracy

WIDTH, CLASSES = 784, 10


def _optimizer(local_steps):
    from learninspy.core.optimization import OptimizerParameters
    from learninspy.core.stops import criterion
    return OptimizerParameters("GD", {"step-rate": 0.05, "momentum": 0.9}, merge_criter="avg",
                               sampling="fresh", keep_state=True,
                               stops=[criterion["MaxIterations"](local_steps)])


def _fit(data, engine, sizes, rounds, local_steps, mini_batch, **network_options):
    """The seconds of each round of a fit with 2 replicas."""
    from learninspy.core.model import NetworkParameters, NeuralNetwork
    from learninspy.core.stops import criterion
    network = NeuralNetwork(NetworkParameters(sizes, **network_options))
    network.fit(data, mini_batch=mini_batch, parallelism=2, engine=engine, valid_iters=10 ** 6,
                stops=[criterion["MaxIterations"](rounds)],
                optimizer_params=_optimizer(local_steps))
    return np.diff(network.history.seconds)


def overhead(rounds=30):
    from learninspy.utils.data import load_iris
    iris = load_iris()
    data = ((iris.features - iris.features.mean(axis=0)) / iris.features.std(axis=0),
            iris.labels)
    return {engine: float(np.median(_fit(data, engine, [4, 10, 3], rounds, 1, 32,
                                         activation="Tanh")))
            for engine in ("local", "spark")}


def _synthetic_block(rows, parts, index):
    """Partition ``index`` of the synthetic set: Gaussian rows, labels of a linear teacher."""
    teacher = np.random.default_rng(0).standard_normal((WIDTH, CLASSES)).astype(np.float32)
    X = np.random.default_rng([1, index]).standard_normal((rows // parts, WIDTH),
                                                          dtype=np.float32)
    return X, (X @ teacher).argmax(axis=1).astype(float)


def _synthetic_rows(rows, parts, index, items):
    for _ in items:  # read the partition (one number) to its end
        pass
    return zip(*_synthetic_block(rows, parts, index))


def throughput(session, rows, rounds=6, local_steps=200, mini_batch=128):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    parts = session.sparkContext.defaultParallelism
    started = time.perf_counter()
    distributed = DistributedLabeledDataSet(
        session.sparkContext.parallelize(range(parts), parts)
        .mapPartitionsWithIndex(partial(_synthetic_rows, rows, parts)))
    result = {"rows": len(distributed), "build_seconds": time.perf_counter() - started}
    blocks = [_synthetic_block(rows, parts, index) for index in range(parts)]
    local = tuple(np.concatenate(arrays) for arrays in zip(*blocks))
    samples = 2 * local_steps * mini_batch
    for engine, data in (("local", local), ("spark", distributed)):
        seconds = _fit(data, engine, [WIDTH, 512, 512, CLASSES], rounds, local_steps,
                       mini_batch, strength_l1=0.0, strength_l2=0.0)
        result[engine] = samples * (rounds - 1) / seconds[1:].sum() if rounds > 1 else None
    distributed.unpersist()
    return result


def run(quick=False, rows=200_000, master="local[2]"):
    """Every measure of this module, in one session of ``master`` started (and stopped) here."""
    from pyspark import cloudpickle

    from learninspy.context import get_session
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not import it
    started = time.perf_counter()
    session = get_session(master, app_name="learninspy-benchmark", ui=False,
                          config={"spark.driver.memory": "4g"})
    session.sparkContext.setLogLevel("ERROR")  # the report, not Spark's warnings
    result = {"master": master, "session_seconds": time.perf_counter() - started}
    try:
        result["overhead"] = overhead(5 if quick else 30)
        result["throughput"] = throughput(session, rows // 4 if quick else rows,
                                          rounds=3 if quick else 6)
        data, budget = common.mnist_split(), 6 if quick else 60
        result["accuracy"] = {
            "learninspy": time_to_accuracy.learninspy_curve(data, budget, engine="spark",
                                                            parallelism=2),
            "MLlib": time_to_accuracy.mllib_curve(data, budget, session,
                                                  (25, 100) if quick else (10, 25, 50, 100, 200))}
    finally:
        session.stop()
    return result


def describe(result, local_curve=None):
    """The results as text; ``local_curve``, learninspy's local time-to-accuracy run when the
    report has one, joins the comparison with MLlib."""
    cost = result["overhead"]
    rates = result["throughput"]
    curves = result["accuracy"]
    ratio = lambda a, b: f"{a / b:.2f}x" if a and b else "-"
    return "\n".join([
        f"Spark {result['master']}, session started in {result['session_seconds']:.1f}s.",
        "",
        f"Seconds per iteration (iris 4-10-3, 2 replicas x 1 local step): local "
        f"{cost['local']:.4f}, spark {cost['spark']:.4f}; a Spark round costs "
        f"{cost['spark'] - cost['local']:.3f}s.",
        "",
        f"Training throughput ({rates['rows']:,} x {WIDTH} synthetic rows, distributed set "
        f"built in {rates['build_seconds']:.1f}s; 784-512-512-10, 2 replicas x 200 steps of "
        "128): "
        f"local engine {rates['local']:,.0f} samples/s, spark {rates['spark']:,.0f} samples/s, "
        f"ratio {ratio(rates['spark'], rates['local'])} (target >= 0.8x).",
        "",
        against_mllib(curves["MLlib"], {"learninspy on spark": curves["learninspy"],
                                         "learninspy local": local_curve})])


def against_mllib(mllib, ours):
    """MLlib's best accuracy and its seconds of fitting to it, against the seconds each of
    ``ours`` (name: curve, or None) took to first reach that accuracy."""
    best = max(accuracy for _, accuracy in mllib["points"])
    mllib_seconds = next(s for s, a in mllib["points"] if a >= best)
    parts = [f"MLlib MLP [784, 128, 10] on MNIST-5k: best test accuracy {best:.3f}, reached "
             f"after {mllib_seconds:.2f}s of fitting (its DataFrames took "
             f"{mllib['preparation']:.1f}s more)."]
    for name, curve in ours.items():
        if curve is None:
            continue
        seconds = next((s for s, a in curve["points"] if a >= best), None)
        parts.append(f"{name} reached it in {seconds:.2f}s, {mllib_seconds / seconds:.1f}x "
                     "faster (target >= 5x)." if seconds else
                     f"{name} did not reach it within its budget.")
    return " ".join(parts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--quick", action="store_true")
    arguments = parser.parse_args(argv)
    print(describe(run(arguments.quick, arguments.rows, arguments.master)))


if __name__ == "__main__":
    main()
