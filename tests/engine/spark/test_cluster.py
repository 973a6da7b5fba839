"""Spark beyond the shared session: task failures under local[2,4], and a real standalone
cluster. Each runs ``spark_driver.py`` (beside this file) in a process of its own, with a time
limit."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import spark_driver
from benchmarks import standalone

DRIVER = Path(spark_driver.__file__)
LIMIT = 300  # seconds for a driver process; a run takes well under a minute


def _run_driver(*arguments, env=None):
    completed = subprocess.run([sys.executable, str(DRIVER), *map(str, arguments)],
                               capture_output=True, text=True, timeout=LIMIT,
                               env={**os.environ, **(env or {})})
    assert completed.returncode == 0, completed.stderr[-4000:]


def test_failed_tasks_are_retried_and_give_the_fault_free_weights(sc, tmp_path):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    markers, output = tmp_path / "failures", tmp_path / "weights.npz"
    markers.mkdir()
    _run_driver("faults", "local[2,4]", markers, output)
    failures = os.listdir(markers)
    iterations = spark_driver.FAULTY_ITERATIONS
    assert sum(name.endswith("task0") for name in failures) == 2 * iterations  # raised
    assert sum(name.endswith("task1") for name in failures) == 2 * iterations  # worker killed
    weights = np.load(output)
    train, _ = spark_driver.iris()
    fault_free = spark_driver.reproducible_fit(train, "spark", iterations=iterations)
    assert np.array_equal(weights["local_data"], fault_free.get_parameters())
    distributed = spark_driver.reproducible_fit(
        DistributedLabeledDataSet(train, sc, num_partitions=2), iterations=iterations)
    assert np.array_equal(weights["distributed"], distributed.get_parameters())


@pytest.fixture
def standalone_cluster(tmp_path):
    """A Spark standalone master and two workers (one core each) on 127.0.0.1."""
    with standalone.standalone_cluster(workers=2, cores=1, memory="1g", logs=tmp_path) as url:
        yield url


def test_a_two_worker_cluster_trains_and_survives_a_lost_executor(standalone_cluster,
                                                                   tmp_path):
    output = tmp_path / "cluster.npz"
    # Executors run the driver's PYSPARK_PYTHON: here, this interpreter, which has learninspy.
    _run_driver("cluster", standalone_cluster, output, env={"PYSPARK_PYTHON": sys.executable})
    result = np.load(output)
    assert str(result["master"]) == standalone_cluster and int(result["executors"]) == 2
    assert np.array_equal(result["on_cluster"], result["local"])  # bit-identical
    assert min(result["accuracy"]) >= 0.93  # local data broadcast, and an RDD of points
    # MNIST-5k read from Parquet on both executors; one executor killed (-9) at iteration 4
    assert bool(result["killed"])
    assert np.array_equal(result["mnist_faulty"], result["mnist_fault_free"])
    assert float(result["mnist_accuracy"]) >= 0.85
