"""Files written atomically: a crash or an interruption mid-write never leaves a half-written
file in place of a good one."""

import contextlib
import gzip
import os
import tempfile

__all__ = ["atomic_writer"]


@contextlib.contextmanager
def atomic_writer(path, mode="w"):
    """Open a temporary file beside ``path`` for writing and rename it over ``path`` once
    written, so that ``path`` is never left half-written. Text or gzip-compressed text
    ('.gz' paths) in mode 'w', bytes in mode 'wb'.

    Raises:
        FileNotFoundError: the folder of ``path`` does not exist.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot write {path}: folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=".learninspy-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as raw:
            if mode == "wb":
                yield raw
            elif path.endswith(".gz"):
                with gzip.open(raw, "wt") as stream:
                    yield stream
            else:
                with open(raw.fileno(), "w", closefd=False) as stream:
                    yield stream
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
