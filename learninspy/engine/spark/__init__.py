"""The Spark engine: everything of learninspy that imports pyspark lives here.

* :mod:`~learninspy.engine.spark.session` -- the SparkSession learninspy uses
  (``learninspy.context``);
* :mod:`~learninspy.engine.spark.dataset` -- ``DistributedLabeledDataSet``, labeled data held
  by Spark as cached NumPy blocks, and :mod:`~learninspy.engine.spark.blocks`, what executors
  do with those blocks (NumPy only);
* :mod:`~learninspy.engine.spark.engine` -- ``SparkEngine``: replicas as Spark tasks, with
  :mod:`~learninspy.engine.spark.replica_data` (each replica's rows on its executor) and
  :mod:`~learninspy.engine.spark.tasks` (what every job ships);
* :mod:`~learninspy.engine.spark.inference` -- evaluate and predict on data Spark holds;
* :mod:`~learninspy.engine.spark.search` -- random-search candidates as Spark tasks.

Importing this package imports nothing else: ``SparkEngine``, ``evaluate``, ``predict`` and
``score`` are loaded, with pyspark, on first use.
"""

__all__ = ["SparkEngine", "evaluate", "predict", "score"]


def __getattr__(name):
    if name == "SparkEngine":
        from learninspy.engine.spark.engine import SparkEngine
        return SparkEngine
    if name in ("evaluate", "predict", "score"):
        from learninspy.engine.spark import inference
        return getattr(inference, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
