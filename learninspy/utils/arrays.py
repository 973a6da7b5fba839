"""Moved to :mod:`learninspy._internal.arrays`."""

from learninspy._internal.arrays import CACHE_LINE, aligned_empty, aligned_zeros  # noqa: F401

__all__ = ["CACHE_LINE", "aligned_empty", "aligned_zeros"]
