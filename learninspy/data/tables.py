"""Text tables: one example per line, numbers separated by commas, semicolons, tabs or spaces.

:func:`read_table` says which file and which line is wrong; :func:`write_table` writes
atomically (see :func:`learninspy._internal.files.atomic_writer`), so a crash mid-write never
leaves a half-written file in place of a good one.
"""

import gzip
import os

import numpy as np

from learninspy._internal.files import atomic_writer
from learninspy._internal.registry import Registry

__all__ = ["FORMATS", "LABEL_COLUMNS", "label_position", "read_table", "write_table",
           "is_number"]

#: Text formats by name -> the delimiter between values (None: any run of spaces or tabs).
FORMATS = Registry("data format", {"csv": ",", "tsv": "\t", "semicolon": ";", "space": None})
#: Where a line holds its label, by name -> the column: 'last', where learninspy writes it
#: (and learninspy 0.1 read it by default), and 'first', where learninspy 0.1 wrote it.
LABEL_COLUMNS = Registry("label column", {"first": 0, "last": -1})
_SNIFFED = (",", ";", "\t")  # 'auto' takes the first of these found in the first data line


def label_position(pos_label=-1, label_column=None):
    """The column of the label: ``label_column`` when given -- a name of
    :data:`LABEL_COLUMNS` or a column index -- else ``pos_label``.

    Raises:
        ValueError: both are given, or ``label_column`` is an unknown name (the message lists
            the valid ones).
    """
    if label_column is None:
        return pos_label
    if pos_label != -1:
        raise ValueError(f"give the label's column once: pos_label={pos_label!r} or "
                         f"label_column={label_column!r}, not both")
    return LABEL_COLUMNS[label_column] if isinstance(label_column, str) else label_column


def _open_text(path):
    """The file as text: UTF-8 (a byte-order mark is skipped), decompressed if '.gz'."""
    if os.fspath(path).endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig")
    return open(path, encoding="utf-8-sig")


def is_number(text):
    """True when ``text`` reads as a number (how a header line is told from data)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _data_lines(path):
    """(line number, line) of the lines holding values: not blank, not a '#' comment."""
    with _open_text(path) as stream:
        for number, line in enumerate(stream, start=1):
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                yield number, stripped


def _split(line, delimiter):
    return [value.strip() for value in line.split(delimiter)]


def read_table(path, format="auto"):
    """Read a text table of numbers, one example per line.

    Blank lines and lines starting with '#' are skipped, and so is a first line without any
    number (a header of column names). Files ending in '.gz' are decompressed.

    Args:
        path: the file.
        format: 'auto' (the first of ',', ';' or tab found in the first data line, else
            spaces) or a key of :data:`FORMATS` ('csv', 'tsv', 'semicolon', 'space').

    Returns:
        numpy.ndarray of float64, (lines, values per line).

    Raises:
        FileNotFoundError: no such file.
        ValueError: an unknown format, no data, or a line that is not numbers or has a
            different count of values than the first; the message names the file and line.
    """
    path = os.fspath(path)
    if format != "auto" and format not in FORMATS:
        raise ValueError(f"unknown data format {format!r}; valid choices are "
                         f"{['auto'] + list(FORMATS)}")
    if os.path.isdir(path):
        raise ValueError(f"{path} is a folder, not a data file")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no such data file: {path}")
    try:
        return _read(path, format)
    except (UnicodeDecodeError, EOFError, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise ValueError(f"{path} is not a text table of numbers (UTF-8 text, or gzip of "
                         f"it): {error}") from None


def _read(path, format):
    lines = _data_lines(path)
    first = next(lines, None)
    if first is None:
        raise ValueError(f"{path} holds no data (only blank or '#' comment lines)")
    delimiter = FORMATS[format] if format != "auto" else \
        next((d for d in _SNIFFED if d in first[1]), None)
    header = not any(is_number(value) for value in _split(first[1], delimiter))
    if header and format != "auto":
        other = next((name for name, d in FORMATS.items() if d != delimiter and all(
            is_number(v) for v in _split(first[1], d))), None)
        if other is not None:
            raise ValueError(f"{path}, line {first[0]}: does not split into numbers as "
                             f"format {format!r} says, but does as {other!r}: give "
                             f"format {other!r}")
    if header and next(lines, None) is None:
        raise ValueError(f"{path} has a header line but no data")
    try:
        with _open_text(path) as stream:
            return np.loadtxt(stream, delimiter=delimiter, comments="#",
                              skiprows=first[0] if header else 0, dtype=np.float64, ndmin=2)
    except ValueError:
        _raise_first_bad_line(path, delimiter, header)
        raise


def _raise_first_bad_line(path, delimiter, header):
    """Find the line NumPy could not read and raise an error naming it."""
    lines = _data_lines(path)
    if header:
        next(lines)
    width = first_number = None
    for number, line in lines:
        values = _split(line, delimiter)
        bad = next((v for v in values if not is_number(v)), None)
        if bad is not None:
            raise ValueError(f"{path}, line {number}: {bad!r} is not a number")
        if width is None:
            width, first_number = len(values), number
        elif len(values) != width:
            raise ValueError(f"{path}, line {number}: {len(values)} values, but line "
                             f"{first_number} has {width}")


def write_table(path, table, format=None, fmt="%.17g"):
    """Write a 2-D table of numbers as text, atomically (see :func:`atomic_writer`).

    Args:
        path: the file; '.gz' compresses it.
        table: array-like, (rows, columns).
        format: a key of :data:`FORMATS`; default from the extension: '.tsv' tab, '.txt' and
            '.dat' spaces, anything else commas.
        fmt: printf format of a value, or one per column (the default writes float64 values
            exactly; '%.9g' suffices for float32).
    """
    table = np.asarray(table)
    if table.ndim != 2:
        raise ValueError(f"write_table takes a 2-D table, got shape {table.shape}")
    if format is None:
        extension = os.path.splitext(os.fspath(path).removesuffix(".gz"))[1].lower()
        format = {".tsv": "tsv", ".txt": "space", ".dat": "space"}.get(extension, "csv")
    delimiter = FORMATS[format] or " "
    with atomic_writer(path) as stream:
        np.savetxt(stream, table, fmt=fmt, delimiter=delimiter)
