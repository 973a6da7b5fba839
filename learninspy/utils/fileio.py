"""Text tables (:mod:`learninspy.data.tables`), atomic files and logging
(:mod:`learninspy._internal`), under the module path of learninspy 0.2, and learninspy 0.1's
functions on text files of labeled rows (:mod:`learninspy.data.text_files`, and
:mod:`learninspy.engine.spark.text_files` for the Spark ones, imported with pyspark on first
use)."""

from learninspy._internal.files import atomic_writer  # noqa: F401
from learninspy._internal.logs import get_logger  # noqa: F401
from learninspy.data.tables import FORMATS, read_table, write_table  # noqa: F401
from learninspy.data.text_files import (is_text_file, load_file_local,  # noqa: F401
                                        parse_point, save_file_local)
from learninspy._internal.extras import installed

__all__ = ["get_logger", "FORMATS", "read_table", "write_table", "atomic_writer",
           "parse_point", "is_text_file", "load_file_local", "save_file_local"]

_SPARK = ("load_file_spark", "save_file_spark")
if installed("pyspark"):  # `import *` then gives them too, as in learninspy 0.1
    __all__ += _SPARK


def __getattr__(name):
    if name in _SPARK:
        from learninspy.engine.spark import text_files
        return getattr(text_files, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
