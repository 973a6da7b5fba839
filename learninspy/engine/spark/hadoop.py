"""Files on the file systems Spark's Hadoop libraries reach -- ``hdfs://``, ``s3a://``,
``abfs://``, ``gs://``, ... -- for model files and checkpoints, through the JVM of the running
classic SparkSession (its Hadoop configuration: credentials, name nodes).

Writing is atomic as for local files: the bytes go to a temporary file beside the target,
renamed over it once complete (with ``FileContext``'s overwriting rename where the file system
has one); a failed write leaves the previous file in place and removes its temporary file.
Spark Connect has no JVM on the client: there, these paths raise and say what to use instead.
"""

import uuid

from learninspy.engine.spark.session import get_session, is_connect

__all__ = ["write_file", "read_file", "exists", "check_writable", "CONNECT_PATHS"]

CONNECT_PATHS = ("model files and checkpoints on {uri} go through the JVM of a classic "
                 "SparkSession, which a Spark Connect client does not have: use a local path, "
                 "or save a learninspy.ml model with model.write().save(path)")
_CHUNK = 16 * 2 ** 20  # bytes per call through py4j


def _file_system(uri):
    """(gateway, Hadoop configuration, FileSystem, Path) of ``uri``."""
    from pyspark.sql import SparkSession
    session = SparkSession.getActiveSession() or get_session()
    if is_connect(session):
        raise ValueError(CONNECT_PATHS.format(uri=uri))
    context = session.sparkContext
    configuration = context._jsc.hadoopConfiguration()
    path = context._jvm.org.apache.hadoop.fs.Path(uri)
    return context._gateway, configuration, path.getFileSystem(configuration), path


def exists(uri):
    _, _, system, path = _file_system(uri)
    return bool(system.exists(path))


def check_writable(uri, what="file"):
    """Raise FileNotFoundError when the folder of ``uri`` does not exist, ValueError when
    ``uri`` is a folder -- before any work."""
    _, _, system, path = _file_system(uri)
    folder = path.getParent()
    if folder is None or not system.exists(folder) or not system.getFileStatus(folder) \
            .isDirectory():
        raise FileNotFoundError(f"cannot write the {what} {uri}: its folder does not exist")
    if system.exists(path) and system.getFileStatus(path).isDirectory():
        raise ValueError(f"cannot write the {what} {uri}: it is a folder")


def write_file(uri, data):
    """Write the bytes ``data`` to ``uri``, atomically."""
    gateway, configuration, system, path = _file_system(uri)
    check_writable(uri)
    temporary = gateway.jvm.org.apache.hadoop.fs.Path(path.getParent(),
                                              f".{path.getName()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        stream = system.create(temporary, False)
        try:
            view = memoryview(data)
            for start in range(0, len(view), _CHUNK):
                stream.write(bytearray(view[start:start + _CHUNK]))
        finally:
            stream.close()
        _rename_over(gateway, configuration, system, temporary, path)
    except BaseException:
        system.delete(temporary, False)
        raise


def _rename_over(gateway, configuration, system, source, target):
    fs = gateway.jvm.org.apache.hadoop.fs
    try:
        context = fs.FileContext.getFileContext(target.toUri(), configuration)
    except Exception:  # noqa: BLE001 -- a file system without FileContext support
        context = None
    if context is not None:
        options = gateway.new_array(fs.Options.Rename, 1)
        options[0] = fs.Options.Rename.OVERWRITE
        context.rename(source, target, options)
        return
    if system.exists(target):
        system.delete(target, False)
    if not system.rename(source, target):
        raise OSError(f"cannot rename {source} to {target}")


def read_file(uri):
    """The bytes of the file at ``uri``.

    Raises:
        FileNotFoundError: there is no file at ``uri``.
    """
    gateway, _, system, path = _file_system(uri)
    if not system.exists(path) or system.getFileStatus(path).isDirectory():
        raise FileNotFoundError(f"no model file at {uri}")
    stream = system.open(path)
    try:
        return bytes(gateway.jvm.org.apache.commons.io.IOUtils.toByteArray(stream))
    finally:
        stream.close()
