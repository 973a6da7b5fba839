"""Moved to :mod:`learninspy.data.sampling`."""

from learninspy.data.sampling import *  # noqa: F401,F403
from learninspy.data.sampling import __all__  # noqa: F401
