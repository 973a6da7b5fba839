"""Model files where users keep them: this machine's paths, or any file system Spark's Hadoop
libraries reach (``hdfs://``, ``s3a://``, ...), written atomically either way.

Local paths never import pyspark; URIs go through :mod:`learninspy.engine.spark.hadoop`.
"""

from learninspy._internal.files import check_writable as check_local, is_uri
from learninspy.core import persistence

__all__ = ["save_model", "load_model", "exists", "check_writable", "is_uri"]


def save_model(model, path, extra=None):
    """:func:`learninspy.core.persistence.save` to a path or a URI."""
    if is_uri(path):
        from learninspy.engine.spark.hadoop import write_file
        write_file(path, persistence.to_bytes(model, extra))
    else:
        persistence.save(model, path, extra)


def load_model(path, with_extra=False):
    """:func:`learninspy.core.persistence.load` from a path or a URI."""
    if is_uri(path):
        from learninspy.engine.spark.hadoop import read_file
        return persistence.from_bytes(read_file(path), path, with_extra)
    return persistence.load(path, with_extra)


def exists(path):
    if is_uri(path):
        from learninspy.engine.spark import hadoop
        return hadoop.exists(path)
    import os
    return os.path.exists(path)


def check_writable(path, what="file"):
    """Raise before any work when ``path`` cannot be written (see
    :func:`learninspy._internal.files.check_writable`)."""
    if is_uri(path):
        from learninspy.engine.spark import hadoop
        hadoop.check_writable(path, what)
    else:
        check_local(path, what)
