"""A random search on Spark.

When the data fits a task (up to :data:`MAX_TASK_BYTES`), it is broadcast once and every
candidate is one Spark task that trains it with the local engine, BLAS limited to the task's
cores -- the candidates of a search run side by side on the cluster. Larger data, or data
Spark already holds, is trained candidate after candidate with the distributed ``fit``.

Either way a candidate is :func:`learninspy.core.search.train_candidate`, the function the
local worker processes run, so a seed gives the same candidates and scores on both engines.
"""

from functools import partial

from learninspy.context import get_session, require_pyspark

require_pyspark()
from learninspy.core.search import train_candidate  # noqa: E402
from learninspy.engine import is_distributed  # noqa: E402
from learninspy.engine.spark import _blas_threads, _Cloudpickled, _task_cpus  # noqa: E402

__all__ = ["run_search_tasks", "MAX_TASK_BYTES"]

#: Data up to this size is broadcast and each candidate trained in one task.
MAX_TASK_BYTES = 512 * 2 ** 20


def _candidate(index, items, *, tasks, data, cpus):
    for _ in items:  # read the partition to its end, so the worker is reused
        pass
    type_model, params, options = tasks.value.loaded[index]
    with _blas_threads(cpus):
        return [(index, train_candidate(type_model, params, options, data=data.value))]


def _nbytes(data):
    return sum(getattr(array, "nbytes", 0) for pair in data.values()
               for array in (pair if isinstance(pair, tuple) else ()))


def run_search_tasks(tasks, data, workers=None, session=None):
    """Train the candidates ``tasks`` on Spark; return their outcomes in order.

    Args:
        tasks: (type_model, NetworkParameters arguments, fit options) per candidate.
        data: {'train', 'valid', 'test'}: pairs of arrays, or data sets Spark holds.
        workers: unused (Spark schedules the tasks on the cores it has).
        session: a SparkSession (default: the running one, or a new one).
    """
    if any(is_distributed(value) for value in data.values()) or _nbytes(data) > MAX_TASK_BYTES:
        return [train_candidate(type_model, params, dict(options, engine="spark"), data=data)
                for type_model, params, options in tasks]
    context = (session or get_session()).sparkContext
    shared_tasks = context.broadcast(_Cloudpickled(tasks))
    shared_data = context.broadcast(data)
    try:
        job = context.parallelize(range(len(tasks)), len(tasks)).mapPartitionsWithIndex(
            partial(_candidate, tasks=shared_tasks, data=shared_data, cpus=_task_cpus(context)))
        return [outcome for _, outcome in sorted(job.collect(), key=lambda item: item[0])]
    finally:
        shared_tasks.destroy()
        shared_data.destroy()
