"""The local engine: replicas trained in threads of this process.

Replicas of a large model run in a thread pool, one per core, with each BLAS call limited to
one thread so that replicas do not oversubscribe the cores; NumPy releases the GIL in its
heavy operations. Replicas of a small model, whose steps are dominated by Python overhead,
run one after another with BLAS free to use every core. Either way each replica is
:func:`~learninspy.core.optimization.optimize` on its own scratch copy of the model.

A BLAS product can round differently with one thread than with several, so a reproducible
fit runs every replica with one BLAS thread -- as Spark tasks do -- and its weights are then
bit-identical whatever the scheduling and whichever engine ran it.
"""

import os
import queue
from concurrent.futures import ThreadPoolExecutor

from learninspy._internal.blas import blas_threads
from learninspy.core.batches import TrainingSet
from learninspy.core.optimization import optimize

__all__ = ["LocalEngine", "available_cores"]

#: Multiply-adds per step (parameters x batch rows) above which replicas run in threads.
THREADING_THRESHOLD = 2_000_000


def available_cores():
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class LocalEngine:
    """Runs replicas in this process.

    Args:
        workers: threads for parallel replicas; default, one per available core.
    """

    name = "local"

    def __init__(self, workers=None):
        self.workers = workers or available_cores()

    def default_parallelism(self):
        return available_cores()

    def start(self, model, train, job):
        return _LocalRunner(model, TrainingSet.of(model, train), job, self.workers)

    def scorer(self, model, data):
        features, labels = model.labeled_arrays(data)  # checked once, here
        return lambda current, measure: current.score(features, labels, measure)[0]


class _LocalRunner:
    def __init__(self, model, training_set, job, workers):
        self.training_set, self.job = training_set, job
        self.n_train = len(training_set)
        self.threaded = workers > 1 and model.count_params * job.mini_batch >= THREADING_THRESHOLD
        self.workers = workers if self.threaded else 1
        self._model = model
        self._workspaces = queue.SimpleQueue()
        self._executor = ThreadPoolExecutor(self.workers) if self.threaded else None

    def _workspace(self):
        try:
            return self._workspaces.get_nowait()
        except queue.Empty:
            return self._model.copy()

    def _replica(self, weights, state, optimizer_state, seed):
        workspace = self._workspace()
        try:
            workspace.set_parameters(weights)
            workspace.set_state(state)
            job = self.job
            return optimize(workspace, self.training_set, job.optimizer_params, job.mini_batch,
                            seed, measure=job.measure, optimizer_state=optimizer_state,
                            in_place=True)
        finally:
            self._workspaces.put(workspace)

    def run(self, weights, state, optimizer_state, seeds):
        threaded = self._executor is not None and len(seeds) > 1
        with blas_threads(1 if threaded or self.job.reproducible else None):
            if not threaded:
                return [self._replica(weights, state, optimizer_state, s) for s in seeds]
            return list(self._executor.map(
                lambda s: self._replica(weights, state, optimizer_state, s), seeds))

    def score_train(self, model, measure):
        return model.score(self.training_set.features, self.training_set.labels, measure)[0]

    def close(self):
        if self._executor is not None:
            self._executor.shutdown()
