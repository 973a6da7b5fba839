"""The Spark session learninspy works with: :mod:`learninspy.engine.spark.session`, under the
module path of learninspy 0.1's API. Importing it starts nothing.

``from learninspy.context import sc`` -- learninspy 0.1's handle on the SparkContext -- still
works: the name is looked up when it is first asked for, and gives the context of
:func:`get_context` (the running one, or a new one for ``LEARNINSPY_MASTER``, else
``local[*]``). Where 0.1 started Spark when the module was imported, Spark starts only then.
"""

from learninspy.engine.spark.session import (DEFAULT_MASTER, MASTER_VARIABLE,  # noqa: F401
                                             MIN_JAVA, check_master, get_context, get_session,
                                             require_java, require_pyspark)

__all__ = ["get_session", "get_context", "require_pyspark", "require_java", "check_master",
           "DEFAULT_MASTER", "MASTER_VARIABLE", "MIN_JAVA"]


def __getattr__(name):
    if name == "sc":
        return get_context()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
