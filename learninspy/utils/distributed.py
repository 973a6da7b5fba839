"""Moved to :mod:`learninspy.engine.spark.dataset` and :mod:`learninspy.engine.spark.frames`,
with the rest of what imports pyspark."""

from learninspy.engine.spark.dataset import (STORAGE, DistributedLabeledDataSet,  # noqa: F401
                                             as_distributed, vector_values)
from learninspy.engine.spark.frames import LabeledFrame

__all__ = ["DistributedLabeledDataSet", "LabeledFrame", "as_distributed", "vector_values"]
