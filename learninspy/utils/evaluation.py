"""Moved to :mod:`learninspy.metrics`."""

from learninspy.metrics import (ClassificationMetrics, RegressionMetrics,  # noqa: F401
                                metrics_for, metrics_table, predicted_classes)

__all__ = ["ClassificationMetrics", "RegressionMetrics", "metrics_for", "predicted_classes",
           "metrics_table"]
