"""Optional dependencies (the extras of ``pip install 'learninspy[spark]'``, ...): whether one
is installed, found without importing it, so that a module can offer what needs it without
paying for the import."""

import importlib.util

__all__ = ["installed"]


def installed(module):
    """Whether ``module`` (e.g. 'pyspark') can be imported; it is not imported."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # e.g. sys.modules[module] = None
        return False
