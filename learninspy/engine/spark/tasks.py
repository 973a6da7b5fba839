"""What every Spark job of learninspy needs on the executors: values shipped by broadcast with
cloudpickle, and BLAS limited to the cores a task owns."""

from learninspy._internal.blas import blas_threads
from learninspy.engine.spark.session import require_pyspark

require_pyspark()
from pyspark import cloudpickle  # noqa: E402

__all__ = ["Cloudpickled", "task_cpus", "blas_threads"]


def task_cpus(context):
    """The cores each Spark task owns (``spark.task.cpus``)."""
    return int(context.getConf().get("spark.task.cpus", "1"))


class Cloudpickled:
    """A value to broadcast, pickled with cloudpickle as task closures are -- so that classes
    defined in the driver's script (a custom layer, say) travel by value -- and unpickled once
    per Python worker, which keeps broadcast values."""

    def __init__(self, value):
        self.data = cloudpickle.dumps(value)

    def __getstate__(self):
        return {"data": self.data}

    @property
    def loaded(self):
        if "_value" not in self.__dict__:
            self._value = cloudpickle.loads(self.data)
        return self._value
