"""Driver programs that Spark tests run in a process of their own, when they need a master
other than the test run's shared local[2] session.

    python tests/engine/spark/spark_driver.py faults MASTER MARKERS OUTPUT   # tasks fail first
    python tests/engine/spark/spark_driver.py cluster MASTER OUTPUT          # a 2-worker cluster

Both save their results (weights, scores) to OUTPUT, an .npz file, for the test to check.
"""

import os
import signal
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
from benchmarks.process_memory import executor_pids  # noqa: E402 -- the repository's root
from learninspy.context import get_session  # noqa: E402
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import MaxIterations, criterion
from learninspy.training.callbacks import Callback
from learninspy.utils.data import LocalLabeledDataSet, load_iris, split_data


def iris():
    """The tests' ``iris_scaled`` split (see conftest.py)."""
    train, test = split_data(load_iris(), [0.7, 0.3], seed=123, balanced=True)
    mean, std = train.features.mean(axis=0), train.features.std(axis=0)
    return [LocalLabeledDataSet(((d.features - mean) / std, d.labels)) for d in (train, test)]


def reproducible_fit(data, engine=None, local_stop=None, iterations=6):
    """A reproducible fit whose weights the tests compare across engines and sessions."""
    network = NeuralNetwork(NetworkParameters([4, 10, 3], activation="Tanh", seed=3))
    optimizer = OptimizerParameters("Adam", {"step-rate": 0.02}, merge_criter="avg",
                                    stops=[local_stop or MaxIterations(10)], sampling="fresh",
                                    keep_state=True)
    network.fit(data, mini_batch=30, parallelism=2, engine=engine, reproducible=True,
                stops=[criterion["MaxIterations"](iterations)], optimizer_params=optimizer)
    return network


#: Iterations of the fits whose tasks fail: each iteration's two tasks fail once.
FAULTY_ITERATIONS = 3


class FailFirstAttempts(MaxIterations):
    """MaxIterations, except that in the first attempt of a Spark task it fails: task 0 raises,
    task 1 kills its Python worker. Each failure leaves a marker file."""

    def __init__(self, max_iter, markers):
        super().__init__(max_iter)
        self.markers = markers

    def __call__(self, info):
        from pyspark import TaskContext
        task = TaskContext.get()
        if task is not None and task.attemptNumber() == 0:
            marker = os.path.join(self.markers, f"stage{task.stageId()}-task{task.partitionId()}")
            open(marker, "w").close()
            if task.partitionId() == 0:
                raise RuntimeError("injected failure")
            os._exit(1)  # a crashed Python worker
        return super().__call__(info)


def faults(master, markers, output):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    session = get_session(master, ui=False)
    try:
        train, _ = iris()
        stop = FailFirstAttempts(10, markers)
        local_data = reproducible_fit(train, "spark", stop, FAULTY_ITERATIONS)
        distributed = reproducible_fit(
            DistributedLabeledDataSet(train, session.sparkContext, num_partitions=2), None, stop,
            FAULTY_ITERATIONS)
        np.savez(output, local_data=local_data.get_parameters(),
                 distributed=distributed.get_parameters())
    finally:
        session.stop()


class KillAnExecutor(Callback):
    """A callback that kills (-9) one executor of the application when iteration ``at``
    begins, as a lost machine would."""

    def __init__(self, at):
        self.at, self.killed = at, None

    def on_iteration_begin(self, loop):
        if loop.iteration == self.at:
            from pyspark.sql import SparkSession
            pids = executor_pids(SparkSession.getActiveSession().sparkContext.applicationId)
            self.killed = pids[0]
            os.kill(self.killed, signal.SIGKILL)


def mnist_parquet(session, folder):
    """MNIST-5k (pixels / 255) as a Parquet file of an array<float> column and a label."""
    import pandas as pd
    from learninspy.utils.data import load_mnist
    data = load_mnist()
    table = pd.DataFrame({"pixels": list((data.features / 255.0).astype(np.float32)),
                          "digit": data.labels.astype(np.float64)})
    path = os.path.join(folder, "mnist.parquet")
    session.createDataFrame(table).write.parquet(path)
    return path


def mnist_fit(frame, callbacks=()):
    """A reproducible fit of MNIST on the frame's 'pixels' and 'digit' columns."""
    from learninspy.utils.distributed import LabeledFrame
    network = NeuralNetwork(NetworkParameters([784, 64, 10], seed=1))
    network.fit(LabeledFrame(frame, features_col="pixels", label_col="digit"), mini_batch=64,
                parallelism=2, reproducible=True, stops=[MaxIterations(6)], valid_iters=3,
                optimizer_params=OptimizerParameters("Adam", {"step-rate": 0.002},
                                                     stops=[MaxIterations(25)],
                                                     sampling="fresh", keep_state=True),
                callbacks=list(callbacks))
    return network


def cluster(master, output):
    from pyspark.mllib.regression import LabeledPoint
    from learninspy.utils.distributed import LabeledFrame
    session = get_session(master, ui=False, config={"spark.driver.host": "127.0.0.1",
                                                     "spark.executor.memory": "512m"})
    try:
        train, test = iris()
        on_cluster = reproducible_fit(train, "spark")
        order = np.random.default_rng(0).permutation(len(train))
        points = [LabeledPoint(label, row)
                  for row, label in zip(train.features[order], train.labels[order])]
        from_rdd = reproducible_fit(session.sparkContext.parallelize(points, 2))
        executors = executor_pids(session.sparkContext.applicationId)
        digits = session.read.parquet(mnist_parquet(session, os.path.dirname(output)))
        fault_free = mnist_fit(digits)
        kill = KillAnExecutor(at=4)
        faulty = mnist_fit(digits, [kill])
        np.savez(output, on_cluster=on_cluster.get_parameters(),
                 local=reproducible_fit(train, "local").get_parameters(),
                 accuracy=[on_cluster.evaluate(test, measure="Accuracy"),
                           from_rdd.evaluate(test, measure="Accuracy")],
                 executors=len(executors), master=session.sparkContext.master,
                 mnist_fault_free=fault_free.get_parameters(),
                 mnist_faulty=faulty.get_parameters(),
                 mnist_accuracy=fault_free.evaluate(LabeledFrame(digits, "pixels", "digit"),
                                                    measure="Accuracy"),
                 killed=kill.killed is not None and kill.killed not in
                 executor_pids(session.sparkContext.applicationId))
    finally:
        session.stop()


if __name__ == "__main__":
    {"faults": faults, "cluster": cluster}[sys.argv[1]](*sys.argv[2:])
