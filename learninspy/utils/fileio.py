"""Text tables (:mod:`learninspy.data.tables`), atomic files and logging
(:mod:`learninspy._internal`), under the module path of learninspy 0.2."""

from learninspy._internal.files import atomic_writer  # noqa: F401
from learninspy._internal.logs import get_logger  # noqa: F401
from learninspy.data.tables import FORMATS, read_table, write_table  # noqa: F401

__all__ = ["get_logger", "FORMATS", "read_table", "write_table", "atomic_writer"]
