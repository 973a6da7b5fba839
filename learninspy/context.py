"""The Spark session learninspy works with: :mod:`learninspy.engine.spark.session`, under the
module path of learninspy 0.1's API. Importing it starts nothing."""

from learninspy.engine.spark.session import (DEFAULT_MASTER, MASTER_VARIABLE,  # noqa: F401
                                             MIN_JAVA, check_master, get_context, get_session,
                                             require_java, require_pyspark)

__all__ = ["get_session", "get_context", "require_pyspark", "require_java", "check_master",
           "DEFAULT_MASTER", "MASTER_VARIABLE", "MIN_JAVA"]
