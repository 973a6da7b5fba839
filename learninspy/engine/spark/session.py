"""The Spark session learninspy works with.

:func:`get_session` (and :func:`get_context`, its SparkContext) gives, in this order:

1. the SparkSession (or SparkContext) already running in this process, whoever started it --
   a Spark Connect session too (which has no SparkContext);
2. a new one for ``master=``, else the ``LEARNINSPY_MASTER`` environment variable, else
   ``'local[*]'`` -- every core of this machine.

A new session gets an app name, Arrow for pandas conversions, no console progress bar (fit
draws its own) and, for local masters, this Python interpreter for its workers. Before a JVM
starts, the checks here turn the usual failures into clear errors: pyspark not installed,
no Java 17+, a ``spark://`` or ``k8s://`` master that cannot be reached (a bounded wait, never
a hang). Nothing here runs when learninspy is imported.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

__all__ = ["get_session", "get_context", "require_pyspark", "require_java", "check_master",
           "is_connect", "DEFAULT_MASTER", "MASTER_VARIABLE", "MIN_JAVA"]

DEFAULT_MASTER = "local[*]"
MASTER_VARIABLE = "LEARNINSPY_MASTER"
#: Oldest Java that Spark 4 runs on.
MIN_JAVA = 17


def require_pyspark():
    """Import pyspark, or explain how to install it."""
    try:
        import pyspark
    except ImportError:
        raise ImportError("the Spark engine needs pyspark, which is not installed: "
                          "pip install 'learninspy[spark]'") from None
    return pyspark


def is_connect(obj):
    """True for a Spark Connect session or DataFrame. Only the object's type is read: a
    Connect DataFrame answers any attribute name with a Column."""
    return type(obj).__module__.startswith("pyspark.sql.connect")


def require_java():
    """The path of the Java that Spark will run (``$JAVA_HOME/bin/java``, else ``java`` on the
    PATH), after checking it is Java 17 or newer.

    Raises:
        RuntimeError: no Java, or an older one.
    """
    java_home = os.environ.get("JAVA_HOME")
    java = os.path.join(java_home, "bin", "java") if java_home else shutil.which("java")
    where = f"JAVA_HOME={java_home}" if java_home else "the PATH"
    if not java or not os.access(java, os.X_OK):
        raise RuntimeError(f"Spark needs Java {MIN_JAVA} or newer, and there is no Java on "
                           f"{where}: install a JDK or JRE {MIN_JAVA}+ (e.g. apt install "
                           f"openjdk-{MIN_JAVA}-jre-headless) and set JAVA_HOME or the PATH")
    try:
        output = subprocess.run([java, "-version"], capture_output=True, text=True,
                                timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RuntimeError(f"cannot run {java} to check its version: {error}") from None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', output)
    if match is None:
        raise RuntimeError(f"cannot tell the version of {java} from: {output.strip()!r}")
    major = int(match[1]) if match[1] != "1" else int(match[2])  # "1.8.0" is Java 8
    if major < MIN_JAVA:
        raise RuntimeError(f"Spark needs Java {MIN_JAVA} or newer, found Java {major} at "
                           f"{java}: install Java {MIN_JAVA}+ and point JAVA_HOME to it")
    return java


def _endpoints(master):
    """(host, port) pairs a master URL names, for the masters that are network addresses."""
    if master.startswith("spark://"):
        hosts = master[len("spark://"):].split(",")  # spark://a:7077,b:7077 for standby masters
        return [(host.rsplit(":", 1)[0], int(host.rsplit(":", 1)[1]) if ":" in host else 7077)
                for host in hosts]
    if master.startswith("k8s://"):
        url = urlparse(master[len("k8s://"):] if "://" in master[6:] else
                       "https://" + master[len("k8s://"):])
        return [(url.hostname, url.port or (443 if url.scheme == "https" else 80))]
    return []


def check_master(master, timeout=10.0):
    """Check that a ``spark://`` or ``k8s://`` master accepts connections within ``timeout``
    seconds (other masters -- local, yarn -- need no network check here).

    Raises:
        ConnectionError: no address of the master could be reached.
    """
    endpoints = _endpoints(master)
    errors = []
    for host, port in endpoints:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return
        except OSError as error:
            errors.append(f"{host}:{port}: {error}")
    if endpoints:
        raise ConnectionError(f"cannot reach the Spark master {master} within {timeout:g}s "
                              f"({'; '.join(errors)}): is it running, and is the address right?")


def _wait_for_executors(context, master, timeout):
    """Wait until a standalone cluster gives the application an executor; jobs would wait
    forever otherwise."""
    deadline = time.monotonic() + timeout
    status = context._jsc.sc().statusTracker()
    while len(status.getExecutorInfos()) < 2:  # the driver counts as one
        if time.monotonic() > deadline:
            context.stop()
            raise ConnectionError(f"the Spark master {master} gave this application no "
                                  f"executor within {timeout:g}s: are workers registered, "
                                  "with enough free cores and memory?")
        time.sleep(0.2)


def get_session(master=None, app_name="learninspy", config=None, ui=True, timeout=60.0):
    """The SparkSession to train with: the running one, or a new one.

    Args:
        master: master URL for a new session ('local[2]', 'spark://host:7077', 'yarn',
            'k8s://https://host:443'); default ``$LEARNINSPY_MASTER``, else 'local[*]'.
        app_name: name of a new application.
        config: dict of extra Spark settings for a new session.
        ui: False turns off the Spark web UI of a new session (tests do).
        timeout: seconds to wait for a ``spark://`` master, and for its first executor.

    Returns:
        pyspark.sql.SparkSession.

    Raises:
        ImportError: pyspark is missing. RuntimeError: Java 17+ is missing.
        ConnectionError: the master cannot be reached, or gives no executor, in time.
        ValueError: ``master`` differs from the master of the session already running.
    """
    require_pyspark()
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    running = SparkContext._active_spark_context
    connected = SparkSession.getActiveSession() if running is None else None
    if connected is not None and is_connect(connected):
        if master is not None:
            raise ValueError(f"a Spark Connect session is active; stop it first to use master "
                             f"{master!r}")
        return connected
    if running is not None:
        if master is not None and master != running.master:
            raise ValueError(f"a SparkContext with master {running.master!r} is already "
                             f"running; stop it first to use master {master!r}")
        session = SparkSession.builder.getOrCreate()
    else:
        master = master or os.environ.get(MASTER_VARIABLE) or DEFAULT_MASTER
        require_java()
        check_master(master, min(timeout, 10.0))
        settings = {"spark.ui.enabled": "true" if ui else "false",
                    "spark.ui.showConsoleProgress": "false",
                    "spark.sql.execution.arrow.pyspark.enabled": "true",
                    # Arrow UDFs read rows: their columnar input cannot carry Vector columns
                    "spark.sql.execution.arrow.pythonUDF.columnarInput.enabled": "false",
                    # the JVM talks to its Python workers over Unix sockets rather than TCP,
                    # where a short write waits for a delayed ACK: ~40 ms less per job
                    "spark.python.unix.domain.socket.enabled": "true",
                    # a replica's result (its weights, and the optimizer's state) goes to the
                    # driver in the task's status message rather than through the block
                    # manager, a round trip less per task for results above 1 MB
                    "spark.task.maxDirectResultSize": "64m",
                    # float32 weights hardly compress: lz4 on every round's broadcast is time
                    # spent for nothing
                    "spark.broadcast.compress": "false"}
        settings.update(config or {})
        builder = SparkSession.builder.master(master).appName(app_name)
        for key, value in settings.items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        if master.startswith("spark://"):
            _wait_for_executors(session.sparkContext, master, timeout)
    context = session.sparkContext
    if context.master.startswith("local") and "PYSPARK_PYTHON" not in os.environ:
        # Local workers are processes of this machine: run them with this interpreter, which
        # has numpy and learninspy, rather than whatever 'python3' the PATH holds.
        context.pythonExec = sys.executable
    return session


def get_context(master=None, **options):
    """The SparkContext of :func:`get_session` (same arguments)."""
    return get_session(master, **options).sparkContext
