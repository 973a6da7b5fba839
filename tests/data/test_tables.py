import gzip
import os
import subprocess
import sys

import numpy as np
import pytest

from learninspy.utils.fileio import atomic_writer, read_table, write_table

TABLE = np.array([[1.5, -2.0, 0.0], [3.25, 4.0, 1.0], [1e-7, 6e10, 2.0]])


@pytest.mark.parametrize("name, separator", [("t.csv", ","), ("t.tsv", "\t"), ("t.txt", "  "),
                                             ("t.dat", ";")])
def test_read_table_detects_the_separator(tmp_path, name, separator):
    path = tmp_path / name
    lines = [separator.join(repr(float(v)) for v in row) for row in TABLE]
    path.write_text("# a comment\n\n" + "\n".join(lines) + "\n")
    assert np.array_equal(read_table(path), TABLE)


def test_read_table_skips_a_header_and_reads_gzip(tmp_path):
    path = tmp_path / "t.csv.gz"
    with gzip.open(path, "wt") as stream:
        stream.write("width,height,label\n" + "\n".join(",".join(map(str, r)) for r in TABLE))
    assert np.array_equal(read_table(path), TABLE)


@pytest.mark.parametrize("text, message", [
    ("1,2,3\n4,x,6\n", r"bad\.csv, line 2: 'x' is not a number"),
    ("1,2,3\n\n# note\n4,5\n", r"bad\.csv, line 4: 2 values, but line 1 has 3"),
    ("1,2,3\n4,5,6,\n", r"bad\.csv, line 2: '' is not a number"),
    ("# only a comment\n\n", r"bad\.csv holds no data"),
    ("a,b\n", r"bad\.csv has a header line but no data"),
])
def test_malformed_files_name_the_file_and_the_line(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_table(path)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such data file: .*nope.csv"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "t.csv").write_text("1,2\n")
    with pytest.raises(ValueError, match=r"unknown data format 'xls'; valid choices are "
                                         r"\['auto', 'csv', 'tsv', 'semicolon', 'space'\]"):
        read_table(tmp_path / "t.csv", format="xls")


def test_write_table_round_trips_exactly_in_every_format(tmp_path):
    for name in ("w.csv", "w.tsv", "w.txt", "w.csv.gz"):
        write_table(tmp_path / name, TABLE)
        assert np.array_equal(read_table(tmp_path / name), TABLE), name
    assert "\t" in (tmp_path / "w.tsv").read_text()


def test_a_failed_write_keeps_the_previous_file(tmp_path):
    path = tmp_path / "keep.csv"
    write_table(path, TABLE)
    before = path.read_bytes()
    with pytest.raises(RuntimeError):
        with atomic_writer(path) as stream:
            stream.write("1,2,3\n")
            raise RuntimeError("crash mid-write")
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["keep.csv"]  # no temporary file left behind
    with pytest.raises(FileNotFoundError, match="folder .*missing does not exist"):
        write_table(tmp_path / "missing" / "x.csv", TABLE)


def test_get_logger_reaches_the_console_only_without_a_configuration():
    code = ("import logging; from learninspy.utils.fileio import get_logger; "
            "get_logger('learninspy.x', logging.INFO).info('hello')")
    bare = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert bare.stdout == "" and "INFO learninspy.x: hello" in bare.stderr
    configured = subprocess.run([sys.executable, "-c", "import logging, sys; logging.basicConfig("
                                 "stream=sys.stdout, format='%(message)s'); " + code],
                                capture_output=True, text=True)
    assert configured.stdout == "hello\n" and configured.stderr == ""
