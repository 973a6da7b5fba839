"""Moved to :mod:`learninspy._internal.registry`; ``UnknownNameError`` is the error every
unknown name raises."""

from learninspy._internal.registry import Registry, UnknownNameError  # noqa: F401

__all__ = ["UnknownNameError", "Registry"]
