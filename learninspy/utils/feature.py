"""Moved to :mod:`learninspy.data.pca`."""

from learninspy.data.pca import PCA  # noqa: F401

__all__ = ["PCA"]
