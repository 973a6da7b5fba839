"""The local engine: replicas trained in this process.

Replicas of a large model run in a thread pool, one per core, with each BLAS call limited to
one thread so that replicas do not oversubscribe the cores; NumPy releases the GIL in its
heavy operations. Replicas of a small model, whose steps are dominated by Python overhead,
run one after another with BLAS free to use every core. Either way each replica is
:func:`~learninspy.core.optimization.optimize` on a workspace of its own that lives for the
whole fit, so an iteration allocates nothing; a fit of one replica trains the model itself,
so it copies nothing either.

A BLAS product can round differently with one thread than with several, so a reproducible
fit runs every replica with one BLAS thread -- as Spark tasks do -- and its weights are then
bit-identical whatever the scheduling and whichever engine ran it.
"""

import os
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
        self._model = model
        self._executor = ThreadPoolExecutor(workers) if self.threaded else None
        self._workspaces = []  # replica r trains workspace r: (model, optimizer arrays)

    def _workspace(self, replica, replicas):
        while len(self._workspaces) <= replica:
            alone = replicas == 1 and not self._workspaces  # one replica: the model itself
            self._workspaces.append((self._model if alone else self._model.copy(), {}))
        return self._workspaces[replica]

    def _replica(self, model, optimizer_state, seeds, r):
        workspace, arrays = self._workspace(r, len(seeds))
        workspace.set_parameters(model.parameter_vector)  # nothing to do for the model itself
        workspace.set_state(model.state_vector)
        job = self.job
        return optimize(workspace, self.training_set, job.optimizer_params, job.mini_batch,
                        seeds[r], measure=job.measure, optimizer_state=optimizer_state,
                        in_place=True, workspace=arrays)

    def place(self, replicas):
        """Nothing to do: the replicas read the training set in this process."""

    def run(self, model, optimizer_state, seeds):
        if len(seeds) > 1 and self._workspaces and self._workspaces[0][0] is self._model:
            self._workspaces.clear()  # the replicas changed in number: own workspaces now
        threaded = self._executor is not None and len(seeds) > 1
        with blas_threads(1 if threaded or self.job.reproducible else None):
            if not threaded:
                return [self._replica(model, optimizer_state, seeds, r)
                        for r in range(len(seeds))]
            return list(self._executor.map(
                lambda r: self._replica(model, optimizer_state, seeds, r), range(len(seeds))))

    def score_train(self, model, measure):
        return model.score(self.training_set.features, self.training_set.labels, measure)[0]

    def close(self):
        if self._executor is not None:
            self._executor.shutdown()
        self._model.set_rng()  # dropout outside fit draws from the model's seed again
