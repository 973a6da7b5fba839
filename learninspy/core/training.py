"""Moved to :mod:`learninspy.training.fit`; kept so that code written for learninspy 0.2 keeps
working."""

from learninspy.training.fit import (  # noqa: F401
    LOWER_IS_BETTER, History, TrainingDivergedError, fit, replica_seed)

__all__ = ["fit", "History", "TrainingDivergedError", "LOWER_IS_BETTER", "replica_seed"]
