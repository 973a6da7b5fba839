"""Saving and loading learninspy's Spark ML stages, as Spark ML saves its own.

A stage's folder holds ``metadata/`` -- one JSON line of its class, uid and Params, written by
``DefaultParamsWriter`` -- and, for a trained model (or an estimator given a template
network), ``data/``: a Parquet file of one row whose binary cell is the learninspy model file
(safetensors, read back without trusting it; see :mod:`learninspy.core.model_files`).
Everything is written through the DataFrame writer, so it goes to any path Spark's Hadoop
libraries reach and works from Spark Connect; ``Pipeline.save`` and ``PipelineModel.load``
call these writers and readers for the learninspy stages they contain.
"""

import os

from learninspy.engine.spark.session import is_connect, require_pyspark

require_pyspark()
from pyspark.ml.util import (  # noqa: E402
    DefaultParamsReader, DefaultParamsWriter, MLReader, MLWriter)

from learninspy.core import persistence  # noqa: E402

__all__ = ["StageWriter", "StageReader"]

#: Params holding a model object, kept in ``data/`` rather than in the metadata's JSON.
_OBJECT_PARAMS = ("network",)


def _write_bytes(session, path, data):
    session.createDataFrame([(bytearray(data),)], "model binary").coalesce(1) \
        .write.mode("overwrite").parquet(path)


def _read_bytes(session, path):
    rows = session.read.parquet(path).collect()
    if len(rows) != 1:
        raise ValueError(f"{path} holds {len(rows)} rows, a saved learninspy stage holds one")
    return bytes(rows[0][0])


class StageWriter(MLWriter):
    """Writes a learninspy stage: its Params, and the model it holds (``stage._saved_model()``,
    None for none)."""

    def __init__(self, stage):
        super().__init__()
        self.stage = stage

    def _handleOverwrite(self, path):
        if is_connect(self.sparkSession):  # MLWriter's own way reaches for the JVM
            from pyspark.ml.util import _remove_dfs_dir
            _remove_dfs_dir(path, self.sparkSession)
        else:
            super()._handleOverwrite(path)

    def saveImpl(self, path):
        stage = self.stage
        params = {param.name: value for param, value in stage._paramMap.items()
                  if param.name not in _OBJECT_PARAMS}
        model = stage._saved_model()
        DefaultParamsWriter.saveMetadata(stage, path, self.sparkSession,
                                         extraMetadata={"hasModel": model is not None},
                                         paramMap=params)
        if model is not None:
            _write_bytes(self.sparkSession, os.path.join(path, "data"),
                         persistence.to_bytes(model))


class StageReader(MLReader):
    """Reads what :class:`StageWriter` wrote into a new stage of class ``cls``, built by
    ``cls._loaded(model)``."""

    def __init__(self, cls):
        super().__init__()
        self.cls = cls

    def load(self, path):
        metadata = DefaultParamsReader.loadMetadata(path, self.sparkSession)
        model = None
        if metadata.get("hasModel"):
            data = os.path.join(path, "data")
            model = persistence.from_bytes(_read_bytes(self.sparkSession, data), data)
        stage = self.cls._loaded(model)
        stage._resetUid(metadata["uid"])
        DefaultParamsReader.getAndSetParams(stage, metadata, skipParams=list(_OBJECT_PARAMS))
        return stage
