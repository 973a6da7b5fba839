"""Moved to :mod:`learninspy.data.datasets`."""

from learninspy.data.datasets import *  # noqa: F401,F403
from learninspy.data.datasets import __all__  # noqa: F401
