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

import contextlib
import os
import queue
from concurrent.futures import ThreadPoolExecutor

from threadpoolctl import ThreadpoolController

from learninspy.core.batches import TrainingSet
from learninspy.core.optimization import optimize

__all__ = ["LocalEngine", "available_cores"]

#: Multiply-adds per step (parameters x batch rows) above which replicas run in threads.
THREADING_THRESHOLD = 2_000_000

_controller = None


def single_blas_thread():
    """A context limiting BLAS to one thread (the loaded libraries are looked up once)."""
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")


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

    def start(self, model, train, optimizer_params, mini_batch, measure, reproducible=False):
        return _LocalRunner(model, TrainingSet.of(model, train), optimizer_params, mini_batch,
                            measure, self.workers, reproducible)

    def scorer(self, model, data):
        features, labels = model.labeled_arrays(data)  # checked once, here
        return lambda current, measure: current._score(features, labels, measure)[0]


class _LocalRunner:
    def __init__(self, model, training_set, optimizer_params, mini_batch, measure, workers,
                 reproducible):
        self.training_set, self.params = training_set, optimizer_params
        self.mini_batch, self.measure = mini_batch, measure
        self.reproducible = reproducible
        self.n_train = len(training_set)
        self.threaded = workers > 1 and model.count_params * mini_batch >= THREADING_THRESHOLD
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
            return optimize(workspace, self.training_set, self.params, self.mini_batch, seed,
                            measure=self.measure, optimizer_state=optimizer_state, in_place=True)
        finally:
            self._workspaces.put(workspace)

    def run(self, weights, state, optimizer_state, seeds):
        threaded = self._executor is not None and len(seeds) > 1
        limited = threaded or self.reproducible
        with single_blas_thread() if limited else contextlib.nullcontext():
            if not threaded:
                return [self._replica(weights, state, optimizer_state, s) for s in seeds]
            return list(self._executor.map(
                lambda s: self._replica(weights, state, optimizer_state, s), seeds))

    def score_train(self, model, measure):
        return model._score(self.training_set.features, self.training_set.labels, measure)[0]

    def close(self):
        if self._executor is not None:
            self._executor.shutdown()
