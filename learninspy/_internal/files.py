"""Files written atomically and outputs checked before any work, so that nothing a user gave
is ever lost: a crash, an interruption or a SIGTERM mid-write never leaves a half-written file
in place of a good one, nor a temporary file behind; an output never replaces an input."""

import contextlib
import gzip
import os
import signal
import tempfile
import threading

__all__ = ["atomic_writer", "check_writable", "check_outputs", "check_plots_folder", "is_uri"]


def is_uri(path):
    """True for a URI of a file system other than this machine's ('hdfs://...',
    's3a://...'); False for a local path or a 'file:' URI."""
    path = os.fspath(path) if isinstance(path, os.PathLike) else path
    scheme, separator, _ = path.partition("://") if isinstance(path, str) else ("", "", "")
    return bool(separator) and scheme.isascii() and scheme[:1].isalpha() and \
        all(c.isalnum() or c in "+.-" for c in scheme) and scheme.lower() != "file"


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


class _Terminated(BaseException):
    """SIGTERM arrived during an atomic write: unwind (removing the temporary file), then
    end the process as SIGTERM would have."""


@contextlib.contextmanager
def _terminate_after_cleanup():
    """While open, a SIGTERM that would end the process at once (its default action) first
    raises :class:`_Terminated`, so that the writer can remove its temporary file; the signal
    is then delivered again. A program's own SIGTERM handler is left alone."""
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def unwind(signum, frame):
        raise _Terminated

    signal.signal(signal.SIGTERM, unwind)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)  # ends the process, as it would have
        raise
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def atomic_writer(path, mode="w"):
    """Open a temporary file beside ``path`` for writing and rename it over ``path`` once
    written, so that ``path`` is never left half-written. Text or gzip-compressed text
    ('.gz' paths) in mode 'w', bytes in mode 'wb'. The file gets the permissions a new file
    gets under the user's umask, or keeps those of the file it replaces.

    Raises:
        FileNotFoundError: the folder of ``path`` does not exist.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot write {path}: folder {folder} does not exist")
    try:
        permissions = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        permissions = 0o666 & ~_umask()
    with _terminate_after_cleanup():
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
            os.chmod(temporary, permissions)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise


def check_writable(path, what="output"):
    """Raise before any work if ``path`` could not be written: its folder missing or not
    writable, or ``path`` a folder."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ValueError(f"the {what} {path} is a folder; give a file name")
    if not os.path.isdir(folder):
        raise ValueError(f"cannot write the {what} {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write the {what} {path}: folder {folder} is not writable")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise ValueError(f"cannot write the {what} {path}: the file is read-only")


def _same(a, b):
    a, b = os.path.abspath(a), os.path.abspath(b)
    if os.path.exists(a) and os.path.exists(b):
        return os.path.samefile(a, b)
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def check_outputs(outputs, inputs):
    """Refuse, before any work, an output that is one of the inputs or that another output
    shares; then check that each can be written.

    Args:
        outputs: {what: path} of the files to write.
        inputs: {what: path} of the files read.

    Raises:
        ValueError: naming both.
    """
    named = [(what, path) for what, path in outputs.items() if path is not None]
    for i, (what, path) in enumerate(named):
        for input_what, input_path in inputs.items():
            if input_path is not None and _same(path, input_path):
                raise ValueError(f"the {what} {path} is the {input_what}: writing it would "
                                 f"destroy it; choose another path")
        for other_what, other in named[:i]:
            if _same(path, other):
                raise ValueError(f"the {other_what} and the {what} are the same file, {path}: "
                                 "give each its own")
        check_writable(path, what)


def check_plots_folder(folder):
    """Raise before any work if plots could not be written to ``folder`` (created if it is
    missing)."""
    folder = os.path.abspath(os.fspath(folder))
    existing = folder
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise ValueError(f"cannot write plots to {folder}: {existing} is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write plots to {folder}: {existing} is not writable")
