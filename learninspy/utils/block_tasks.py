"""Moved to :mod:`learninspy.engine.spark.blocks`."""

from learninspy.engine.spark.blocks import *  # noqa: F401,F403
from learninspy.engine.spark.blocks import Summary, vector_values  # noqa: F401
