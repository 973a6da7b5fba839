"""Engines: where the replicas of a fit run.

* ``'local'`` (:mod:`learninspy.engine.local`): threads of this process, NumPy only.
* ``'spark'`` (:mod:`learninspy.engine.spark`): Spark tasks, on an embedded ``local[*]``
  session or a cluster -- the only part of learninspy that imports pyspark.

What an engine implements is :class:`~learninspy.engine.protocol.Engine`; every engine
trains each replica with :func:`learninspy.core.optimization.optimize`, so engines differ in
where the work happens, never in what it computes.
"""

from learninspy.data.labeled import is_distributed

__all__ = ["get_engine", "is_distributed", "ENGINES"]

ENGINES = ("local", "spark")


def get_engine(engine=None, train=None):
    """Resolve ``engine`` ('local', 'spark', an engine object or None) for data ``train``.

    With None, data that Spark holds (see :func:`is_distributed`) selects Spark; anything else
    the local engine -- even when a SparkContext is running: the engine of a fit never depends
    on what else the program did, and the local engine is faster for data in memory.
    """
    if engine is None:
        engine = "spark" if is_distributed(train) else "local"
    if engine == "local":
        from learninspy.engine.local import LocalEngine
        return LocalEngine()
    if engine == "spark":
        from learninspy.engine.spark.engine import SparkEngine
        return SparkEngine()
    if isinstance(engine, str):
        raise ValueError(f"unknown engine {engine!r}; valid engines are {list(ENGINES)}")
    for method in ("default_parallelism", "start", "scorer"):
        if not callable(getattr(engine, method, None)):
            raise TypeError(f"engine {engine!r} has no {method}() method")
    return engine
