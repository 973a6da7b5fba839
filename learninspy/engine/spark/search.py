"""A random search on Spark.

When the data fits a task (up to :data:`MAX_TASK_BYTES`), it is broadcast once and every
candidate is one Spark task that trains it with the local engine, BLAS limited to the task's
cores -- the candidates of a search run side by side on the cluster. Larger data, or data
Spark already holds, is trained candidate after candidate with the distributed ``fit``.

Either way a candidate is trained by the function the local worker processes run
(:func:`learninspy.training.search.train_candidate`, passed in as ``train``), so a seed gives
the same candidates and scores on both engines.
"""

from functools import partial

from learninspy.data.labeled import is_distributed
from learninspy.engine.spark.session import get_session
from learninspy.engine.spark.tasks import Cloudpickled, blas_threads, task_cpus

__all__ = ["run_search_tasks", "MAX_TASK_BYTES"]

#: Data up to this size is broadcast and each candidate trained in one task.
MAX_TASK_BYTES = 512 * 2 ** 20


def _candidate(index, items, *, train, tasks, data, cpus):
    for _ in items:  # read the partition to its end, so the worker is reused
        pass
    type_model, params, options = tasks.value.loaded[index]
    with blas_threads(cpus):
        return [(index, train(type_model, params, options, data=data.value))]


def _nbytes(data):
    return sum(getattr(array, "nbytes", 0) for pair in data.values()
               for array in (pair if isinstance(pair, tuple) else ()))


def run_search_tasks(tasks, data, train, session=None):
    """Train the candidates ``tasks`` on Spark; return their outcomes in order.

    Args:
        tasks: (type_model, NetworkParameters arguments, fit options) per candidate.
        data: {'train', 'valid', 'test'}: pairs of arrays, or data sets Spark holds.
        train: ``train(type_model, params, fit_options, data=data) -> outcome``, a
            module-level function (it travels to the executors).
        session: a SparkSession (default: the running one, or a new one).
    """
    if any(is_distributed(value) for value in data.values()) or _nbytes(data) > MAX_TASK_BYTES:
        return [train(type_model, params, dict(options, engine="spark"), data=data)
                for type_model, params, options in tasks]
    context = (session or get_session()).sparkContext
    shared_tasks = context.broadcast(Cloudpickled(tasks))
    shared_data = context.broadcast(data)
    try:
        job = context.parallelize(range(len(tasks)), len(tasks)).mapPartitionsWithIndex(
            partial(_candidate, train=train, tasks=shared_tasks, data=shared_data,
                    cpus=task_cpus(context)))
        return [outcome for _, outcome in sorted(job.collect(), key=lambda item: item[0])]
    finally:
        shared_tasks.destroy()
        shared_data.destroy()
