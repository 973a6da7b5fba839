"""Moved to :mod:`learninspy.tools.checks`."""

from learninspy.tools.checks import *  # noqa: F401,F403
from learninspy.tools.checks import __all__  # noqa: F401
