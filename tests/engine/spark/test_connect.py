"""Spark Connect: a local Connect server started from the installed pyspark, and a client
program (``connect_client.py``) that trains, evaluates, predicts and uses learninspy.ml
through DataFrame operations only."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CLIENT = Path(__file__).with_name("connect_client.py")


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def connect_server(tmp_path_factory):
    """``sc://127.0.0.1:PORT`` of a Spark Connect server on local[2], stopped at the end."""
    import pyspark
    home = os.path.dirname(pyspark.__file__)
    logs, port = tmp_path_factory.mktemp("connect"), _free_port()
    env = {**os.environ, "SPARK_HOME": home, "SPARK_LOCAL_IP": "127.0.0.1",
           "PYSPARK_PYTHON": sys.executable, "SPARK_LOG_DIR": str(logs),
           "SPARK_PID_DIR": str(logs)}
    with open(logs / "server.log", "w") as log:
        server = subprocess.Popen(
            [os.path.join(home, "sbin", "start-connect-server.sh"), "--wait",
             "--master", "local[2]", "--conf", f"spark.connect.grpc.binding.port={port}",
             "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
             "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=2"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (logs / "server.log").read_text()[-3000:]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "no Spark Connect server after 120 s"
                time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def client_result(connect_server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("client")
    completed = subprocess.run([sys.executable, str(CLIENT), connect_server, str(folder)],
                               capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads((folder / "result.json").read_text())


def test_fit_evaluate_and_predict_run_on_spark_connect(client_result):
    assert client_result["session"].startswith("pyspark.sql.connect")
    assert client_result["valid_score"] >= 0.9
    assert client_result["same_weights"]  # reproducible on Connect too
    assert client_result["predicted"] == 45
    assert client_result["columns"][-2:] == ["prediction", "probability"]
    assert client_result["matches_local"] == 1.0  # the same network scored locally


def test_learninspy_ml_fits_transforms_saves_and_loads_on_spark_connect(client_result):
    assert client_result["estimator_accuracy"] >= 0.9
    assert client_result["reloaded_same"]


def test_what_connect_cannot_do_is_refused_with_what_to_use(client_result):
    refusals = client_result["refusals"]
    assert "Spark Connect does not have: give the DataFrame" in refusals["data set"]
    assert "train it with engine='local', or give the rows as a DataFrame" in \
        refusals["local data"]
    assert "a Spark Connect client does not have: use a local path" in refusals["hadoop path"]
