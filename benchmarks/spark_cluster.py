"""learninspy on a Spark standalone cluster of two workers (one core and 2 GB of executor
memory each), started on this machine from the installed pyspark.

    python -m benchmarks.spark_cluster              # about 10 minutes on 2 cores
    python -m benchmarks.spark_cluster --quick      # 100,000 rows, about 2 minutes
    python -m benchmarks.run --only spark-cluster   # the same, in the report of make bench

1. Memory: ``fit`` on ``rows`` x 784 float32 rows (2.2 GB at 700,000) read from Parquet by the
   executors, 784-512-512-10, parallelism 2, nothing cached. The peak, over the fit, of the
   cluster's memory -- both executors' JVMs and their Python workers together, as PSS -- as
   a multiple of the data's float32 size. Target: <= 2.5x. Then Spark MLlib's
   ``MultilayerPerceptronClassifier`` ([784, 128, 10]) on the same rows in the same session,
   measured the same way (or the error that stopped it).
2. Round cost and throughput, as ``spark_engine`` measures them on ``local[2]``: seconds per
   iteration of iris 4-10-3 (2 replicas, one local step), and samples/s of 784-512-512-10 on
   200,000 synthetic rows held by the executors, against the local engine in this process.
   Target: the cluster >= 0.9x the local engine.
"""

import argparse
import os
import sys
import tempfile
import time

from benchmarks import spark_engine, spark_ml
from benchmarks.process_memory import PeakMemory, descendants, executor_pids, pss
from benchmarks.standalone import standalone_cluster

EXECUTOR_MEMORY = "2g"


def _peak(session, action):
    """(seconds, PeakMemory of the executors and their Python workers, error) of action()."""
    application = session.sparkContext.applicationId
    error = None
    with PeakMemory(lambda: executor_pids(application)) as memory:
        started = time.perf_counter()
        try:
            action()
        except Exception as failure:  # noqa: BLE001 -- a peer that fails is a result
            error = f"{type(failure).__name__}: {str(failure).splitlines()[0][:200]}"
        seconds = time.perf_counter() - started
    return seconds, memory, error


def _passing(batches):
    yield from batches


def _idle(session):
    """The executors' memory (bytes, PSS) once each has run a Python task and is idle: the
    fixed cost of an executor, before any data."""
    session.range(4, numPartitions=2).mapInArrow(_passing, "id long").count()
    time.sleep(1)
    return sum(pss(pid) for executor in executor_pids(session.sparkContext.applicationId)
               for pid in [executor] + descendants(executor))


def memory(session, rows, iterations):
    """learninspy's fit and MLlib's MLP on the same Parquet rows, each with its peak."""
    from pyspark.ml.classification import MultilayerPerceptronClassifier
    from pyspark.ml.functions import array_to_vector

    from learninspy.core.model import NetworkParameters, NeuralNetwork
    from learninspy.core.optimization import OptimizerParameters
    from learninspy.core.stops import MaxIterations
    from learninspy.utils.distributed import LabeledFrame
    frame = session.read.parquet(spark_ml.parquet(session, rows))
    data_gb = rows * spark_ml.WIDTH * 4 / 2 ** 30
    driver_before = pss(session.sparkContext._gateway.proc.pid)
    idle_gb = _idle(session) / 2 ** 30

    def fit():
        network = NeuralNetwork(NetworkParameters(spark_ml.SIZES, seed=0))
        network.fit(LabeledFrame(frame), mini_batch=128, parallelism=2,
                    stops=[MaxIterations(iterations)], valid_iters=10 ** 6,
                    optimizer_params=OptimizerParameters(
                        "GD", {"step-rate": 0.01, "momentum": 0.9}, sampling="fresh",
                        stops=[MaxIterations(50)]))

    def mllib():
        vectors = frame.withColumn("features", array_to_vector("features"))
        MultilayerPerceptronClassifier(layers=[spark_ml.WIDTH, 128, 10], maxIter=iterations,
                                       blockSize=128, seed=0).fit(vectors)

    result = {"rows": rows, "data_gb": data_gb, "executor_memory": EXECUTOR_MEMORY,
              "idle_gb": idle_gb}
    for name, action in (("learninspy fit", fit), ("MLlib MLP", mllib)):
        seconds, peak, error = _peak(session, action)
        result[name] = {"seconds": seconds, "error": error, "jvm_gb": peak.jvm / 2 ** 30,
                        "python_gb": peak.python / 2 ** 30, "total_gb": peak.total / 2 ** 30,
                        "ratio": peak.total / 2 ** 30 / data_gb,
                        "above_idle_ratio": (peak.total / 2 ** 30 - idle_gb) / data_gb}
    result["driver_growth_gb"] = (pss(session.sparkContext._gateway.proc.pid)
                                  - driver_before) / 2 ** 30
    return result


def run(quick=False, rows=700_000):
    from pyspark import cloudpickle

    from learninspy.context import get_session
    for module in (sys.modules[__name__], spark_ml, spark_engine):
        cloudpickle.register_pickle_by_value(module)  # executors need not import them
    # the cluster runs on this machine: its executors can run this interpreter
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    with tempfile.TemporaryDirectory(prefix="learninspy-cluster-") as logs, \
            standalone_cluster(workers=2, cores=1, memory="3g", logs=logs) as url:
        def start(name):
            session = get_session(url, app_name=name, ui=False,
                                  config={"spark.driver.host": "127.0.0.1",
                                          "spark.executor.memory": EXECUTOR_MEMORY,
                                          "spark.executor.cores": "1"})
            session.sparkContext.setLogLevel("ERROR")
            return session

        rows = 100_000 if quick else rows
        if not spark_ml.has_parquet(rows):
            # written by an application of its own: executors that wrote the rows keep the
            # heap they grew, which the memory measured below would count as the fit's
            generating = start("learninspy-benchmark-data")
            spark_ml.parquet(generating, rows)
            generating.stop()
        session = start("learninspy-benchmark-cluster")
        try:
            result = {"master": url, "workers": 2,
                      "memory": memory(session, rows, 2 if quick else 4),
                      "overhead": spark_engine.overhead(5 if quick else 30),
                      "throughput": spark_engine.throughput(
                          session, 50_000 if quick else 200_000, rounds=3 if quick else 6)}
        finally:
            session.stop()
    return result


def describe(result):
    used = result["memory"]
    lines = [f"Standalone cluster of {result['workers']} workers on this machine, one core and "
             f"{used['executor_memory']} of executor memory each (spark.executor.memory).", "",
             f"Peak memory, training {used['rows']:,} x {spark_ml.WIDTH} float32 rows "
             f"({used['data_gb']:.2f} GB) read from Parquet: both executors' JVMs and Python "
             "workers together (PSS):"]
    for name in ("learninspy fit", "MLlib MLP"):
        entry = used[name]
        outcome = f"failed after {entry['seconds']:.0f} s ({entry['error']})" \
            if entry["error"] else f"{entry['seconds']:.0f} s"
        lines.append(f"  {name}: {entry['total_gb']:.2f} GB (JVM {entry['jvm_gb']:.2f}, Python "
                     f"{entry['python_gb']:.2f}), {entry['ratio']:.2f}x the data; {outcome}")
    lines.append(f"  (target <= 2.5x. Idle, after a first Python task, the two executors hold "
                 f"{used['idle_gb']:.2f} GB: above that, learninspy's fit peaks at "
                 f"{used['learninspy fit']['above_idle_ratio']:.2f}x the data, MLlib at "
                 f"{used['MLlib MLP']['above_idle_ratio']:.2f}x. The driver's JVM grew by "
                 f"{max(0.0, used['driver_growth_gb']):.2f} GB.)")
    cost, rates = result["overhead"], result["throughput"]
    ratio = rates["spark"] / rates["local"] if rates["local"] and rates["spark"] else float("nan")
    lines += ["", f"Seconds per iteration (iris 4-10-3, 2 replicas x 1 local step): local "
                  f"{cost['local']:.4f}, cluster {cost['spark']:.4f}; a cluster round costs "
                  f"{cost['spark'] - cost['local']:.3f} s.",
              "", f"Training throughput ({rates['rows']:,} x 784 synthetic rows held by the "
                  "executors; 784-512-512-10, 2 replicas x 200 steps of 128): local engine "
                  f"{rates['local']:,.0f} samples/s, cluster {rates['spark']:,.0f} samples/s, "
                  f"ratio {ratio:.2f}x (target >= 0.9x)."]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rows", type=int, default=700_000)
    arguments = parser.parse_args(argv)
    result = run(arguments.quick, arguments.rows)
    print(describe(result))


if __name__ == "__main__":
    main()
