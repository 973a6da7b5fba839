"""Moved to :mod:`learninspy.engine.spark.dataset`, with the rest of what imports pyspark."""

from learninspy.engine.spark.dataset import (STORAGE, DistributedLabeledDataSet,  # noqa: F401
                                             as_distributed, vector_values)

__all__ = ["DistributedLabeledDataSet", "as_distributed", "vector_values"]
