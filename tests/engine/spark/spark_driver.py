"""Driver programs that Spark tests run in a process of their own, when they need a master
other than the test run's shared local[2] session.

    python tests/engine/spark/spark_driver.py faults MASTER MARKERS OUTPUT   # tasks fail first
    python tests/engine/spark/spark_driver.py cluster MASTER OUTPUT          # iris on a cluster

Both save their results (weights, scores) to OUTPUT, an .npz file, for the test to check.
"""

import os
import sys

import numpy as np

from learninspy.context import get_session
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import MaxIterations, criterion
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


def cluster(master, output):
    from pyspark.mllib.regression import LabeledPoint
    session = get_session(master, ui=False, config={"spark.driver.host": "127.0.0.1",
                                                     "spark.executor.memory": "512m"})
    try:
        train, test = iris()
        on_cluster = reproducible_fit(train, "spark")
        order = np.random.default_rng(0).permutation(len(train))
        points = [LabeledPoint(label, row)
                  for row, label in zip(train.features[order], train.labels[order])]
        from_rdd = reproducible_fit(session.sparkContext.parallelize(points, 2))
        executors = session.sparkContext._jsc.sc().getExecutorMemoryStatus().size() - 1
        np.savez(output, on_cluster=on_cluster.get_parameters(),
                 local=reproducible_fit(train, "local").get_parameters(),
                 accuracy=[on_cluster.evaluate(test, measure="Accuracy"),
                           from_rdd.evaluate(test, measure="Accuracy")],
                 executors=executors, master=session.sparkContext.master)
    finally:
        session.stop()


if __name__ == "__main__":
    {"faults": faults, "cluster": cluster}[sys.argv[1]](*sys.argv[2:])
