"""The Spark engine on the shared local[2] session: quality, bit-identity, checkpoints."""

import logging

import numpy as np
import pytest

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import Criterion, criterion
from learninspy.engine.local import available_cores
from learninspy.engine.spark.tasks import local_cores, replica_threads
from learninspy.utils.data import load_mnist, split_data, LocalLabeledDataSet

pytestmark = pytest.mark.usefixtures("spark")


def _adam(step_rate, local_steps):
    return OptimizerParameters("Adam", {"step-rate": step_rate}, merge_criter="avg",
                               stops=[criterion["MaxIterations"](local_steps)],
                               sampling="fresh", keep_state=True)


def _shuffled(data, seed=0):
    """Rows in a random order: each partition of distributed data is then a fair sample."""
    order = np.random.default_rng(seed).permutation(len(data))
    return data.features[order], data.labels[order]


@pytest.fixture(scope="module")
def iris_rdd(sc, iris_scaled):
    from pyspark.mllib.regression import LabeledPoint
    X, y = _shuffled(iris_scaled[0])
    return sc.parallelize([LabeledPoint(label, row) for row, label in zip(X, y)], 2)


@pytest.fixture(scope="module")
def ccpp_frame(spark, ccpp_split):
    from pyspark.ml.linalg import Vectors
    X, y = _shuffled(ccpp_split[0])
    rows = [(Vectors.dense(row.astype(float)), float(target)) for row, target in zip(X, y)]
    return spark.createDataFrame(rows, ["readings", "output"]).repartition(2)


@pytest.mark.parametrize("parallelism", [0, 2, -1])
@pytest.mark.parametrize("source", ["local", "rdd of LabeledPoint"])
def test_iris_reaches_the_local_quality_bar(iris_scaled, iris_rdd, source, parallelism):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    train, test = iris_scaled
    data = train if source == "local" else DistributedLabeledDataSet(iris_rdd)
    network = NeuralNetwork(NetworkParameters([4, 10, 3], activation="Tanh", seed=3))
    network.fit(data, mini_batch=30, parallelism=parallelism, engine="spark",
                stops=[criterion["MaxIterations"](8)], optimizer_params=_adam(0.02, 10))
    assert network.evaluate(test, measure="F-measure") >= 0.93


@pytest.mark.parametrize("parallelism, mini_batch", [(0, 64), (2, 64), (-1, 1024)])
@pytest.mark.parametrize("source", ["local", "dataframe"])
def test_ccpp_reaches_the_local_quality_bar(ccpp_split, ccpp_frame, source, parallelism,
                                            mini_batch):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    train, test = ccpp_split
    data = train if source == "local" else DistributedLabeledDataSet(
        ccpp_frame, features_col="readings", label_col="output")
    network = NeuralNetwork(NetworkParameters([4, 30, 1], activation=["ReLU", "Identity"],
                                              classification=False, strength_l1=0.0,
                                              strength_l2=0.0))
    network.fit(data, mini_batch=mini_batch, parallelism=parallelism, engine="spark",
                stops=[criterion["MaxIterations"](8)], optimizer_params=_adam(0.005, 50))
    assert network.evaluate(test, measure="R2") >= 0.93


# --- The same bits on every engine ----------------------------------------------------------

def _reproducible_fit(data, engine, parallelism=2, dropout=(0.1, 0.2)):
    network = NeuralNetwork(NetworkParameters([4, 8, 3], dropout_ratios=list(dropout),
                                              seed=11))
    network.fit(data, mini_batch=16, parallelism=parallelism, engine=engine,
                reproducible=True, stops=[criterion["MaxIterations"](4)],
                optimizer_params=OptimizerParameters(
                    "GD", {"step-rate": 0.1, "momentum": 0.9}, merge_criter="w_avg",
                    stops=[criterion["MaxIterations"](5)], sampling="fresh",
                    keep_state=True))
    return network.get_parameters()


def test_local_and_spark_give_bit_identical_weights(iris_scaled):
    local = _reproducible_fit(iris_scaled[0], "local")
    spark = _reproducible_fit(iris_scaled[0], "spark")
    assert np.array_equal(local, spark)
    assert np.array_equal(spark, _reproducible_fit(iris_scaled[0], "spark"))


def test_one_partition_trains_as_local_data(sc, iris_scaled):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    data = DistributedLabeledDataSet(iris_scaled[0], sc, num_partitions=1)
    assert np.array_equal(_reproducible_fit(data, None, parallelism=1),
                          _reproducible_fit(iris_scaled[0], "local", parallelism=1))


def test_two_spark_runs_on_distributed_data_agree(sc, iris_rdd):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    data = DistributedLabeledDataSet(iris_rdd)
    first = _reproducible_fit(data, None, parallelism=3)  # 2 partitions dealt to 3 replicas
    assert np.array_equal(first, _reproducible_fit(data, None, parallelism=3))
    assert not _leftover_replica_files(sc)


def _leftover_replica_files(sc):
    """Replica files left in the executors' local folders (a fit removes its own)."""
    def listing(_):
        import glob
        import os
        root = os.environ.get("SPARK_LOCAL_DIRS", "/tmp").split(",")[0]
        return glob.glob(os.path.join(root, "learninspy-*", "*"))
    return sc.parallelize([0], 1).flatMap(listing).collect()


# --- How fit picks and reports its engine ---------------------------------------------------

def test_a_running_session_does_not_move_local_data_to_spark(iris_scaled, caplog):
    network = NeuralNetwork(NetworkParameters([4, 8, 3]))
    with caplog.at_level(logging.INFO, logger="learninspy.fit"):
        network.fit(iris_scaled[0], parallelism=2, verbose=2,
                    stops=[criterion["MaxIterations"](1)])
        network.fit(iris_scaled[0], parallelism=2, verbose=2, engine="spark",
                    stops=[criterion["MaxIterations"](1)])
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Iteration")]
    assert lines[0].endswith("2 replicas on local") and lines[1].endswith("2 replicas on spark")


def test_bad_labels_on_spark_are_rejected_before_training(sc, iris_scaled):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    X, y = iris_scaled[0].features, iris_scaled[0].labels.copy()
    y[7] = 3
    network = NeuralNetwork(NetworkParameters([4, 8, 3]))
    before = network.get_parameters()
    for data in ((X, y), DistributedLabeledDataSet((X, y), sc, num_partitions=1)):
        with pytest.raises(ValueError, match=r"label 3.0 at row 7 is not a class index in "
                                             r"\[0, 3\)"):
            network.fit(data, engine="spark")
    assert np.array_equal(network.get_parameters(), before)


# --- Checkpoints ----------------------------------------------------------------------------

class _CrashAt(Criterion):
    """Raises at the start of an iteration: a driver that dies mid-fit."""

    def __init__(self, iteration):
        self.iteration = iteration

    def __call__(self, info):
        if info["iterations"] == self.iteration:
            raise KeyboardInterrupt("the driver stops here")
        return False


@pytest.mark.parametrize("engine", ["local", "spark"])
def test_a_resumed_fit_ends_as_an_uninterrupted_one(tmp_path, iris_scaled, engine):
    train, test = iris_scaled

    def fit(network, extra_stop=None, **options):
        # Patience keeps state: the resumed fit must replay the interrupted one's history
        stops = [criterion["MaxIterations"](9),
                 criterion["Patience"](3, grow_offset=3, threshold=0.05)]
        network.fit(train, test, mini_batch=16, parallelism=2, valid_iters=2,
                    engine=engine, keep_best=True, reproducible=True,
                    stops=stops + ([extra_stop] if extra_stop else []),
                    optimizer_params=_adam(0.02, 5), **options)
        return network

    def network():
        return NeuralNetwork(NetworkParameters([4, 8, 3], dropout_ratios=[0.1, 0.0], seed=4))

    whole = fit(network())
    path = tmp_path / "fit.lea"
    with pytest.raises(KeyboardInterrupt):
        fit(network(), _CrashAt(5), checkpoint=path, checkpoint_every=2)
    assert len(NeuralNetwork.load(path).history) == 4
    resumed = fit(network(), checkpoint=path, checkpoint_every=2, resume=True)
    assert np.array_equal(resumed.get_parameters(), whole.get_parameters())
    assert resumed.history.iterations == whole.history.iterations
    assert 5 < len(whole.history) < 9  # stopped by Patience, after the crash's iteration
    assert resumed.history.best_iteration == whole.history.best_iteration
    with pytest.raises(ValueError, match="holds another model"):
        NeuralNetwork(NetworkParameters([4, 9, 3])).fit(train, checkpoint=path, resume=True)


def test_resume_without_a_checkpoint_file_starts_afresh(tmp_path, iris_scaled):
    network = NeuralNetwork(NetworkParameters([4, 8, 3]))
    path = tmp_path / "new.lea"
    network.fit(iris_scaled[0], checkpoint=path, resume=True, parallelism=1,
                stops=[criterion["MaxIterations"](2)])
    assert len(network.history) == 2 and path.exists()
    with pytest.raises(ValueError, match="resume=True needs the checkpoint=PATH"):
        network.fit(iris_scaled[0], resume=True)


# --- MNIST ----------------------------------------------------------------------------------

def test_mnist_on_spark_reaches_93_percent():
    """Few long rounds (80 local steps each) hide the cost of a Spark round; the model of the
    best validation score is kept. (Locally, network seeds 1-3 and 123 give 0.939-0.948.)"""
    digits = load_mnist()
    train, valid, test = split_data(LocalLabeledDataSet((digits.features / 255.0,
                                                         digits.labels)),
                                    [0.7, 0.15, 0.15], seed=123, balanced=True)
    network = NeuralNetwork(NetworkParameters([784, 256, 128, 10],
                                              dropout_ratios=[0.1, 0.3, 0.3], strength_l1=0.0,
                                              seed=123))
    network.fit(train, valid, mini_batch=64, parallelism=2, engine="spark", valid_iters=1,
                keep_best=True, stops=[criterion["MaxIterations"](25)],
                optimizer_params=OptimizerParameters(
                    "GD", {"step-rate": 0.05, "momentum": 0.9}, merge_criter="avg",
                    stops=[criterion["MaxIterations"](80)], sampling="fresh", keep_state=True))
    assert network.evaluate(test, measure="Accuracy") >= 0.93


def test_autoencoders_train_on_distributed_data(sc, iris_scaled):
    from learninspy.core.autoencoder import AutoEncoder, StackedAutoencoder
    from learninspy.utils.distributed import DistributedLabeledDataSet
    train, test = iris_scaled
    data = DistributedLabeledDataSet(_shuffled(train), sc)
    autoencoder = AutoEncoder(NetworkParameters([4, 3], activation="Tanh",
                                                classification=False))
    autoencoder.fit(data, mini_batch=16, parallelism=2, stops=[criterion["MaxIterations"](5)],
                    optimizer_params=_adam(0.02, 10))  # the labels, class indices, are ignored
    assert autoencoder.evaluate(test, measure="R2") > 0.5
    assert autoencoder.evaluate(DistributedLabeledDataSet(test, sc, num_partitions=1),
                                measure="R2") == pytest.approx(autoencoder.evaluate(test))
    stacked = StackedAutoencoder(NetworkParameters([4, 6, 3], activation="Tanh", seed=2))
    stacked.fit(data, mini_batch=16, parallelism=2, stops=[criterion["MaxIterations"](5)],
                optimizer_params=_adam(0.02, 10))  # codes of distributed data stay distributed
    assert stacked.evaluate(test, measure="Accuracy") >= 0.85


def test_a_layer_defined_in_the_driver_program_trains_on_spark(sc, iris_scaled):
    from learninspy.layers import Dense, Layer, Sequential
    from learninspy.utils.distributed import DistributedLabeledDataSet

    class FeatureScale(Layer):  # defined here, not importable: it travels by value
        def build(self, input_shape, rng, dtype):
            self.add_param("scale", np.ones(input_shape[-1], dtype=dtype))
            return input_shape

        def forward(self, x, training=False):
            if training:
                self.cache["x"] = x
            return x * self.params["scale"]

        def backward(self, grad):
            x = self.cache["x"]
            np.sum(grad * x, axis=0, out=self.grads["scale"])
            return grad * self.params["scale"] if self.propagate_grad else None

    def fit(data, engine, parallelism=2):
        model = Sequential([Dense(8, activation="Tanh"), FeatureScale(),
                            Dense(3, activation="Softmax")], loss="CrossEntropy",
                           input_shape=(4,), seed=1)
        model.fit(data, mini_batch=16, parallelism=parallelism, engine=engine,
                  reproducible=True, stops=[criterion["MaxIterations"](3)],
                  optimizer_params=_adam(0.02, 5))
        return model.get_parameters()

    train = iris_scaled[0]
    assert np.array_equal(fit(train, "spark"), fit(train, "local"))
    one_partition = DistributedLabeledDataSet(train, sc, num_partitions=1)
    assert np.array_equal(fit(one_partition, None, 1), fit(train, "local", 1))


def test_binary_classifiers_are_scored_and_predicted_as_locally(spark, sc, iris_scaled):
    from pyspark.ml.linalg import Vectors
    from learninspy.layers import Dense, Sequential
    from learninspy.utils.distributed import DistributedLabeledDataSet
    X, y = iris_scaled[0].features, (iris_scaled[0].labels == 2).astype(float)
    model = Sequential([Dense(6, activation="Tanh"), Dense(1, activation="Sigmoid")],
                       loss="BinaryCrossEntropy", input_shape=(4,), seed=3)
    model.fit((X, y), parallelism=1, stops=[criterion["MaxIterations"](3)])
    local = model.evaluate((X, y), measure="F-measure")
    assert model.evaluate(DistributedLabeledDataSet((X, y), sc), measure="F-measure") == local
    frame = spark.createDataFrame([(i, Vectors.dense(row.tolist())) for i, row in enumerate(X)],
                                  ["id", "features"])
    predicted = [r.prediction for r in model.predict(frame).orderBy("id").collect()]
    assert predicted == model.evaluate((X, y), predictions=True)[1].tolist()


def _digits(n=600):
    digits = load_mnist()
    return digits.features[:n] / 255.0, digits.labels[:n]


def test_stacked_pretraining_on_spark_gives_the_local_weights():
    from learninspy.core.autoencoder import StackedAutoencoder
    data = _digits()

    def pretrain(engine):
        network = StackedAutoencoder(NetworkParameters([784, 32, 16, 10], seed=4),
                                     dropout=[0.1, 0.0])
        network.fit(data, mini_batch=32, parallelism=2, engine=engine, reproducible=True,
                    stops=[criterion["MaxIterations"](3)], optimizer_params=_adam(0.005, 5))
        return network

    local, spark = pretrain("local"), pretrain("spark")
    assert np.array_equal(local.get_parameters(), spark.get_parameters())
    for ours, theirs in zip(local.autoencoders, spark.autoencoders):
        assert np.array_equal(ours.get_parameters(), theirs.get_parameters())


def test_a_small_cnn_trains_on_spark_as_locally():
    from learninspy.layers import (Conv2D, Dense, Flatten, MaxPool2D, Reshape,
                                   Sequential)
    X, y = _digits(900)
    train, test = (X[:700], y[:700]), (X[700:], y[700:])

    def fit(engine):
        model = Sequential([Reshape((28, 28, 1)), Conv2D(4, 5, activation="ReLU"),
                            MaxPool2D(2), Flatten(), Dense(10, activation="Softmax")],
                           loss="CrossEntropy", input_shape=(784,), seed=1)
        model.fit(train, mini_batch=32, parallelism=2, engine=engine, reproducible=True,
                  stops=[criterion["MaxIterations"](6)], optimizer_params=_adam(0.01, 10))
        return model

    local, spark = fit("local"), fit("spark")
    assert np.array_equal(local.get_parameters(), spark.get_parameters())
    assert spark.evaluate(test, measure="Accuracy") >= 0.8  # 200 unseen digits; chance is 0.1


def test_an_evaluation_on_spark_data_reads_the_validation_data_only(sc, iris_scaled,
                                                                    monkeypatch):
    from learninspy.engine.spark import engine
    from learninspy.utils.distributed import DistributedLabeledDataSet
    train, valid = (DistributedLabeledDataSet(part, sc) for part in iris_scaled)

    def no_pass(*args):
        raise AssertionError("a pass over the training data")

    monkeypatch.setattr(engine._FilesRunner, "score_train", no_pass)
    network = NeuralNetwork(NetworkParameters([4, 8, 3], seed=1))
    network.fit(train, valid, mini_batch=16, parallelism=2, valid_iters=2,
                stops=[criterion["MaxIterations"](4)], optimizer_params=_adam(0.02, 5))
    assert network.history.train_kind == "batches"
    assert not np.isnan(network.history.final["train"])
    assert network.history.final["valid"] == network.evaluate(valid)


def test_a_frame_is_dealt_to_the_replicas_in_one_order_on_every_run(spark):
    from pyspark.sql import functions as F
    from learninspy.engine.spark.engine import _FrameSource
    from learninspy.engine.spark.handles import share
    from learninspy.engine.spark.stored import open_block
    from learninspy.engine.spark.tasks import Cloudpickled
    from learninspy.utils.distributed import LabeledFrame
    frame = spark.range(600, numPartitions=4).select(
        F.array(F.col("id").cast("float"), F.col("id").cast("float")).alias("features"),
        (F.col("id") % 3).cast("double").alias("label"))
    network = NeuralNetwork(NetworkParameters([2, 3], seed=0))
    source = _FrameSource(LabeledFrame(frame), network)
    runs = []
    for run in range(2):
        shared = share(spark, Cloudpickled(network))
        stored = source.replicas(2, shared, f"order-{run}")
        runs.append([open_block(handle)[0][:, 0].copy() for handle in stored.handles])
        stored.release(), shared.destroy()
    for rows in runs[0]:  # a sample of the whole, in the frame's order
        assert len(rows) == 300 and np.all(np.diff(rows) > 0) and rows[-1] - rows[0] > 500
    assert sorted(np.concatenate(runs[0]).tolist()) == list(range(600))
    assert all(np.array_equal(a, b) for a, b in zip(*runs))


@pytest.mark.parametrize("master, cores", [("local", 1), ("local[3]", 3), ("local[2, 4]", 2),
                                           ("local[*]", available_cores()),
                                           ("spark://host:7077", None), ("yarn", None)])
def test_local_cores_reads_the_master(master, cores):
    assert local_cores(master) == cores


def test_replicas_share_the_cores_of_a_local_master():
    assert replica_threads("local[4]", 1, 1, reproducible=False) == 4
    assert replica_threads("local[4]", 1, 3, reproducible=False) == 1
    assert replica_threads("local[4]", 2, 4, reproducible=False) == 2  # spark.task.cpus=2
    assert replica_threads("local[4]", 1, 1, reproducible=True) == 1  # the same rounding
    assert replica_threads("spark://host:7077", 1, 1, reproducible=False) == 1  # shared executors
