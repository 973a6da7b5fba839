"""Moved to :mod:`learninspy.tools.plots`."""

from learninspy.tools.plots import *  # noqa: F401,F403
from learninspy.tools.plots import __all__  # noqa: F401
