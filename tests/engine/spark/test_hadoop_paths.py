"""Model files and checkpoints on a Hadoop file system: here ``viewfs://``, Hadoop's own
mount-table file system, over a folder of this machine (what ``hdfs://`` or ``s3a://`` would
be on a cluster)."""

import uuid

import numpy as np
import pytest

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import MaxIterations
from learninspy.utils.data import load_iris


@pytest.fixture
def lake(spark, tmp_path):
    """A ``viewfs://`` URI whose ``/models`` is ``tmp_path``."""
    name = f"lake{uuid.uuid4().hex[:8]}"  # a mount table of its own: Hadoop caches by URI
    spark.sparkContext._jsc.hadoopConfiguration().set(
        f"fs.viewfs.mounttable.{name}.link./models", tmp_path.as_uri())
    return f"viewfs://{name}/models"


def _files(folder):
    """The files in ``folder``, but for the checksums Hadoop's local file system keeps."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".crc"))


def test_save_load_and_checkpoint_go_to_a_hadoop_path(lake, tmp_path):
    iris = load_iris()
    data = ((iris.features - iris.features.mean(axis=0)) / iris.features.std(axis=0),
            iris.labels)
    network = NeuralNetwork(NetworkParameters([4, 8, 3], seed=0))
    network.fit(data, mini_batch=16, parallelism=1, stops=[MaxIterations(4)], valid_iters=2,
                optimizer_params=OptimizerParameters(stops=[MaxIterations(5)]),
                checkpoint=f"{lake}/iris.ckpt", checkpoint_every=2)
    network.save(f"{lake}/iris.safetensors")
    assert _files(tmp_path) == ["iris.ckpt", "iris.safetensors"]
    loaded = NeuralNetwork.load(f"{lake}/iris.safetensors")
    assert np.array_equal(loaded.get_parameters(), network.get_parameters())
    network.save(f"{lake}/iris.safetensors")  # replaced atomically, nothing left beside it
    assert _files(tmp_path) == ["iris.ckpt", "iris.safetensors"]
    with pytest.raises(FileNotFoundError, match="no model file at viewfs://.*/iris.nope"):
        NeuralNetwork.load(f"{lake}/iris.nope")


def test_a_pipeline_with_a_network_saves_to_and_loads_from_a_hadoop_path(spark, lake):
    from pyspark.ml import Pipeline, PipelineModel
    from pyspark.ml.feature import VectorAssembler
    from learninspy.ml import NeuralNetworkClassifier
    iris = load_iris()
    frame = spark.createDataFrame([(*map(float, row), float(label)) for row, label in
                                   zip(iris.features, iris.labels)], ["a", "b", "c", "d", "label"])
    pipeline = Pipeline(stages=[VectorAssembler(inputCols=["a", "b", "c", "d"],
                                                outputCol="features"),
                                NeuralNetworkClassifier(layers=[4, 6, 3], maxIter=2, seed=1)])
    model = pipeline.fit(frame)
    model.write().overwrite().save(f"{lake}/pipeline")
    loaded = PipelineModel.load(f"{lake}/pipeline")
    assert np.array_equal(loaded.stages[-1].network.get_parameters(),
                          model.stages[-1].network.get_parameters())
