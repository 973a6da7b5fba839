"""learninspy 0.1's functions on text files of labeled rows: parse a line, tell text from
binary, read and write rows (``learninspy.utils.fileio``).

They read and write what learninspy 0.1 did -- a row of numbers per line, the label at
``pos_label`` -- and the rows they return are ``(label, features)`` pairs of floats, as 0.1's
``LabeledPoint`` took them. Data sets read files with :meth:`LabeledDataSet.load_file`; these
functions serve code written for 0.1.
"""

import csv
import os
import re

from learninspy._internal.files import atomic_writer
from learninspy.data import tables

__all__ = ["DELIMITERS", "parse_point", "is_text_file", "label_point", "row_values",
           "load_file_local", "save_file_local"]

#: learninspy 0.1's separators of values in a line: runs of spaces, commas, bars, semicolons
#: or double quotes.
DELIMITERS = r'[ ,|;"]+'
_TEXT = set(range(32, 127)) | {ord(c) for c in "\n\r\t\b\f"}


def parse_point(line, delimiter=DELIMITERS):
    """The numbers of a line of text, as floats.

    Args:
        line: str, e.g. "5.1,3.5,1.4,0.2,0".
        delimiter: regular expression of what separates the values.

    Raises:
        ValueError: a value that is not a number; the message quotes it and the line.
    """
    values = [value for value in re.split(delimiter, line.strip()) if value]
    try:
        return [float(value) for value in values]
    except ValueError:
        bad = next(v for v in values if not tables.is_number(v))
        raise ValueError(f"{bad!r} is not a number, in the line {line.strip()!r:.80}") from None


def is_text_file(path):
    """Whether a file holds text: its first 512 bytes hold no NUL and at most 30% of them are
    not printable ASCII (tabs and line breaks count as text). An empty file is text."""
    with open(path, "rb") as stream:
        head = stream.read(512)
    if not head:
        return True
    if b"\0" in head:
        return False
    return sum(byte not in _TEXT for byte in head) <= 0.3 * len(head)


def label_point(row, pos_label=-1):
    """``(label, features)`` of a row of values whose ``pos_label``-th value is the label."""
    row = list(row)
    if not -len(row) <= pos_label < len(row):
        raise ValueError(f"label position {pos_label} is not a column of a row of {len(row)} "
                         f"values (valid: {-len(row)} to {len(row) - 1})")
    label = row.pop(pos_label)
    return label, row


def load_file_local(path, pos_label=-1, label_column=None):
    """The rows of a text file as ``(label, features)`` pairs of floats.

    The file is read as :func:`learninspy.data.tables.read_table` reads it (delimiter found
    from the first line, blank lines, '#' comments and a header line skipped, '.gz'
    decompressed).

    Args:
        path: the file.
        pos_label: the column of the label (-1: the last, as learninspy 0.1 read by default).
        label_column: the label's column by name instead: 'first' (where learninspy 0.1 wrote
            it) or 'last'.

    Raises:
        FileNotFoundError: no such file. ValueError: not a text file, or a malformed line.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no such data file: {path}")
    if not is_text_file(path) and not os.fspath(path).endswith(".gz"):
        raise ValueError(f"{path} is not a text file")
    pos_label = tables.label_position(pos_label, label_column)
    return [label_point(row, pos_label) for row in tables.read_table(path).tolist()]


def row_values(row):
    """The values of a row to write: numbers, sequences of them, (label, features) or a
    labeled point, whose label comes first."""
    if hasattr(row, "features") and hasattr(row, "label"):
        row = (row.label, row.features)
    for value in ([row] if not hasattr(row, "__iter__") else row):
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            yield value.item() if hasattr(value, "item") else value
        else:
            yield from row_values(value)


def save_file_local(data, path, delimiter=","):
    """Write rows as delimited text, one row per line, atomically: what
    :func:`load_file_local` reads back. A row is a sequence of numbers, or a ``(label,
    features)`` pair, written label first as learninspy 0.1 wrote it."""
    with atomic_writer(path) as stream:
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
        for row in data:
            writer.writerow(list(row_values(row)))
