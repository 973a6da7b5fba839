"""Spark beyond the shared session: task failures under local[2,4], and a real standalone
cluster. Each runs ``spark_driver.py`` (beside this file) in a process of its own, with a time
limit."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import spark_driver

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


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port, process, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the Spark master exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"nothing listens on port {port} after {timeout}s")


@pytest.fixture
def standalone_cluster(tmp_path):
    """A Spark standalone master and one worker (2 cores) from the installed pyspark, on
    127.0.0.1; stopped, with the executors they started, at the end."""
    import pyspark
    home = os.path.dirname(pyspark.__file__)
    spark_class = os.path.join(home, "bin", "spark-class")
    env = {**os.environ, "SPARK_HOME": home, "SPARK_LOCAL_IP": "127.0.0.1",
           "PYSPARK_PYTHON": sys.executable, "SPARK_LOG_DIR": str(tmp_path)}
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    commands = [
        ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
         "--webui-port", str(_free_port())],
        ["org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2",
         "--memory", "1g", "--webui-port", str(_free_port()), "--work-dir",
         str(tmp_path / "work"), url],
    ]
    processes = []
    try:
        for command in commands:
            log = open(tmp_path / f"{command[0].rsplit('.', 1)[1]}.log", "w")
            processes.append(subprocess.Popen([spark_class, *command], env=env, stdout=log,
                                              stderr=subprocess.STDOUT,
                                              start_new_session=True))
            if len(processes) == 1:
                _wait_for_port(port, processes[0])
        yield url
    finally:
        for process in reversed(processes):  # the worker first: it stops its executors
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_a_standalone_cluster_trains_iris(standalone_cluster, tmp_path):
    output = tmp_path / "cluster.npz"
    # Executors run the driver's PYSPARK_PYTHON: here, this interpreter, which has learninspy.
    _run_driver("cluster", standalone_cluster, output, env={"PYSPARK_PYTHON": sys.executable})
    result = np.load(output)
    assert str(result["master"]) == standalone_cluster and int(result["executors"]) == 1
    assert np.array_equal(result["on_cluster"], result["local"])  # bit-identical
    assert min(result["accuracy"]) >= 0.93  # local data broadcast, and an RDD of points
