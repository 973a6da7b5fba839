"""learninspy 0.1's functions on text files read and written by Spark
(``learninspy.utils.fileio``): lines of delimited numbers, as the local ones in
:mod:`learninspy.data.text_files` read and write them."""

from functools import partial

from learninspy.data import tables
from learninspy.data.text_files import DELIMITERS, label_point, parse_point, row_values
from learninspy.engine.spark.session import get_context

__all__ = ["load_file_spark", "save_file_spark"]


def _labeled(pos_label, delimiter, line):
    return label_point(parse_point(line, delimiter), pos_label)


def _holds_values(line):
    line = line.strip()
    return bool(line) and not line.startswith("#")


def _line(row):
    return ",".join(repr(float(value)) for value in row_values(row))


def load_file_spark(path, pos_label=-1, delimiter=DELIMITERS, label_column=None, context=None):
    """An RDD of the ``(label, features)`` pairs of floats of a text file (or a folder of part
    files, as :func:`save_file_spark` writes), one per line but blank and '#' comment lines.

    Args:
        path: any path Spark reads.
        pos_label: the column of the label (-1: the last one).
        delimiter: regular expression of what separates the values.
        label_column: the label's column by name instead, 'first' or 'last'.
        context: SparkContext (default: ``learninspy.context.get_context()``).
    """
    pos_label = tables.label_position(pos_label, label_column)
    lines = (context or get_context()).textFile(str(path))
    return lines.filter(_holds_values).map(partial(_labeled, pos_label, delimiter))


def save_file_spark(rdd_data, path):
    """Write an RDD as text, as Spark's ``saveAsTextFile`` does (a folder of part files), one
    element per line as comma-separated numbers: a number, a sequence of numbers, a ``(label,
    features)`` pair or a labeled point, label first, as learninspy 0.1 wrote rows. Unlike
    0.1's (each element's ``str``, brackets included), what it writes reads back with
    :func:`load_file_spark`."""
    rdd_data.map(_line).saveAsTextFile(str(path))
