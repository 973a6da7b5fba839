"""learninspy.context: the session learninspy uses, and clear errors when Spark cannot run."""

import os
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from learninspy import context


def _python(code, **env):
    completed = subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                               capture_output=True, text=True, timeout=120,
                               env={**os.environ, **env})
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def test_learninspy_works_without_pyspark_and_says_how_to_get_it():
    output = _python("""
        import sys
        sys.modules["pyspark"] = None  # as if it were not installed
        import numpy as np
        from learninspy import NeuralNetwork, NetworkParameters
        from learninspy.core.stops import criterion
        network = NeuralNetwork(NetworkParameters([2, 3, 2]))
        network.fit((np.eye(2), [0, 1]), stops=[criterion["MaxIterations"](1)])
        for attempt in (lambda: network.fit((np.eye(2), [0, 1]), engine="spark"),
                        lambda: __import__("learninspy.utils.distributed"),
                        lambda: __import__("learninspy.context").context.get_session()):
            try:
                attempt()
            except ImportError as error:
                print(error)
        """)
    assert output.splitlines() == ["the Spark engine needs pyspark, which is not installed: "
                                   "pip install 'learninspy[spark]'"] * 3


def _fake_java(tmp_path, version_line):
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(0o755)
    return str(home)


@pytest.mark.parametrize("version_line, found", [
    ('openjdk version "11.0.21" 2023-10-17', "Java 11"),
    ('java version "1.8.0_392"', "Java 8"),
])
def test_java_older_than_17_is_named(tmp_path, monkeypatch, version_line, found):
    monkeypatch.setenv("JAVA_HOME", _fake_java(tmp_path, version_line))
    with pytest.raises(RuntimeError, match=f"Spark needs Java 17 or newer, found {found} at "):
        context.require_java()


def test_missing_java_is_named(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="Spark needs Java 17 or newer, and there is no Java "
                                           "on the PATH: install a JDK or JRE 17"):
        context.require_java()
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "nowhere"))
    with pytest.raises(RuntimeError, match="no Java on JAVA_HOME="):
        context.require_java()


def test_the_installed_java_passes():
    assert os.path.basename(context.require_java()) == "java"


def test_an_unreachable_master_fails_fast_with_a_clear_error():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    output = _python(f"""
        from learninspy.context import get_session
        try:
            get_session("spark://127.0.0.1:{port}", timeout=5)
        except ConnectionError as error:
            print(error)
        """)
    assert output.startswith(f"cannot reach the Spark master spark://127.0.0.1:{port} within "
                             "5s (127.0.0.1:")
    assert "is it running, and is the address right?" in output
    assert time.monotonic() - started < 60  # no JVM was even started
    started = time.monotonic()
    with pytest.raises(ConnectionError, match="cannot reach the Spark master k8s://"):
        context.check_master("k8s://https://192.0.2.1:6443", timeout=1)  # TEST-NET: no reply
    assert time.monotonic() - started < 5


def test_master_urls_name_their_endpoints():
    from learninspy.engine.spark.session import _endpoints  # moved from learninspy.context
    assert _endpoints("spark://a:7077,b:7078") == [("a", 7077), ("b", 7078)]
    assert _endpoints("k8s://https://k.example:6443") == [("k.example", 6443)]
    assert _endpoints("k8s://k.example") == [("k.example", 443)]
    assert _endpoints("local[2]") == _endpoints("yarn") == []


def test_the_running_session_is_reused(spark):
    assert context.get_session() is spark
    assert context.get_context() is spark.sparkContext
    with pytest.raises(ValueError, match=r"a SparkContext with master 'local\[2\]' is already "
                                         r"running; stop it first to use master 'local\[3\]'"):
        context.get_session("local[3]")
    assert spark.conf.get("spark.sql.execution.arrow.pyspark.enabled") == "true"
    assert spark.sparkContext.getConf().get("spark.ui.enabled") == "false"
    assert spark.sparkContext.getConf().get("spark.python.unix.domain.socket.enabled") == "true"
    assert spark.sparkContext.getConf().get("spark.task.maxDirectResultSize") == "64m"
    assert spark.sparkContext.getConf().get("spark.broadcast.compress") == "false"
    assert spark.sparkContext.pythonExec == sys.executable
