"""Moved to :mod:`learninspy.training.progress`."""

from learninspy.training.progress import Progress  # noqa: F401

__all__ = ["Progress"]
