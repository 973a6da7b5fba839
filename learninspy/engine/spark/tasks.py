"""What every Spark job of learninspy ships to the executors: the model, pickled with
cloudpickle and unpickled once per Python worker; the checks that turn rows into what the model
trains on; and BLAS limited to the cores a task may use."""

import re
import uuid

from learninspy._internal.blas import blas_threads
from learninspy.engine.local import available_cores
from learninspy.engine.spark.session import is_connect, require_pyspark

require_pyspark()
from pyspark import cloudpickle  # noqa: E402

__all__ = ["Cloudpickled", "CheckedRows", "task_cpus", "local_cores", "replica_threads",
           "blas_threads"]

_loaded = {}  # this Python worker's unpickled values: key -> value


def task_cpus(session):
    """The cores each Spark task owns (``spark.task.cpus``), for a SparkContext or a
    SparkSession, classic or Connect."""
    if hasattr(session, "getConf"):
        return int(session.getConf().get("spark.task.cpus", "1"))
    if not is_connect(session):
        return task_cpus(session.sparkContext)
    return int(session.conf.get("spark.task.cpus", "1"))


def local_cores(master):
    """The cores a local master runs tasks on ('local' 1, 'local[4]' 4, 'local[*]' every core
    this process may run on, as the local engine counts them; 'local[2,3]' 2), or None for any
    other master."""
    match = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\s*\d+)?\])?", master or "")
    if match is None:
        return None
    if match[1] is None:
        return 1
    return available_cores() if match[1] == "*" else int(match[1])


def replica_threads(master, cpus, replicas, reproducible):
    """BLAS threads for each of the ``replicas`` training tasks of one job: one for a
    reproducible fit (the thread count changes the products' rounding); on a local master,
    its cores shared among the replicas, as the local engine shares them -- fewer replicas
    than cores would leave cores idle; elsewhere the cores a task owns (``cpus``, from
    ``spark.task.cpus``), since other tasks may share the executor."""
    if reproducible:
        return 1
    cores = local_cores(master)
    return cpus if cores is None else max(cpus, cores // replicas)


class Cloudpickled:
    """A value to ship, pickled with cloudpickle as task closures are -- so that classes
    defined in the driver's script (a custom layer, say) travel by value -- and unpickled once
    per Python worker: PySpark keeps broadcast values in its workers, and a value carried in
    closures (Spark Connect) is found again under its key."""

    def __init__(self, value):
        self.key = uuid.uuid4().hex
        self.data = cloudpickle.dumps(value)

    def __getstate__(self):
        return {"key": self.key, "data": self.data}

    @property
    def loaded(self):
        if "_value" not in self.__dict__:
            if self.key not in _loaded:
                if len(_loaded) >= 4:  # the values of former jobs
                    _loaded.pop(next(iter(_loaded)))
                _loaded[self.key] = cloudpickle.loads(self.data)
            self._value = _loaded[self.key]
        return self._value


class CheckedRows:
    """Rows checked and converted as the shared model trains on them
    (``model.labeled_arrays``): from blocks ``(X, y)``, or from what ``decode`` turns into
    blocks (record batches, say). ``model`` is shared: ``model.value`` is a Cloudpickled."""

    def __init__(self, model, decode=None):
        self.model, self.decode = model, decode

    def __call__(self, rows):
        return self.model.value.loaded.labeled_arrays(
            self.decode(rows) if self.decode is not None else rows)
