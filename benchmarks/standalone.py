"""A Spark standalone cluster on this machine, from the installed pyspark: one master and
``workers`` workers on 127.0.0.1, each a JVM of its own that starts executors (JVMs too) for
the applications that connect. The cluster benchmark and the suite's cluster test run on it.

    with standalone_cluster(workers=2, cores=1, memory="2g", logs=folder) as url:
        session = get_session(url, config={"spark.driver.host": "127.0.0.1"})
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

__all__ = ["standalone_cluster", "free_port"]


def free_port():
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port, process, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the Spark master exited; see its log")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"nothing listens on port {port} after {timeout}s")


@contextlib.contextmanager
def standalone_cluster(workers=2, cores=1, memory="1g", logs="."):
    """The master's URL, while a master and ``workers`` workers (``cores`` and ``memory`` each
    to give executors) run; stopped, with the executors they started, at the end. Their logs
    go to the folder ``logs``."""
    import pyspark
    home = os.path.dirname(pyspark.__file__)
    spark_class = os.path.join(home, "bin", "spark-class")
    env = {**os.environ, "SPARK_HOME": home, "SPARK_LOCAL_IP": "127.0.0.1",
           "PYSPARK_PYTHON": sys.executable, "SPARK_LOG_DIR": str(logs)}
    port = free_port()
    url = f"spark://127.0.0.1:{port}"
    commands = [["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                 str(port), "--webui-port", str(free_port())]]
    commands += [["org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores",
                  str(cores), "--memory", memory, "--webui-port", str(free_port()),
                  "--work-dir", os.path.join(str(logs), f"work-{worker}"), url]
                 for worker in range(1, workers + 1)]
    processes = []
    try:
        for number, command in enumerate(commands):
            name = "master" if number == 0 else f"worker-{number}"
            with open(os.path.join(str(logs), f"{name}.log"), "w") as log:
                processes.append(subprocess.Popen([spark_class, *command], env=env, stdout=log,
                                                  stderr=subprocess.STDOUT,
                                                  start_new_session=True))
            if number == 0:
                _wait_for_port(port, processes[0])
        yield url
    finally:
        for process in reversed(processes):  # the workers first: they stop their executors
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
