"""The training loop of ``fit``, the same for every engine.

Each global iteration trains ``parallelism`` replicas of the current model, each with
:func:`~learninspy.core.optimization.optimize` on its own samples of the training data, and
merges them with :func:`~learninspy.core.merging.merge_models`. Where the replicas run is
the engine's business (:mod:`learninspy.engine`): threads of this process, or Spark tasks.
Every ``valid_iters`` iterations the model is scored on the training and validation sets.
Everything else -- progress, history, keeping the best model, checkpoints, stopping -- is a
callback (:mod:`learninspy.training.callbacks`).
"""

import contextlib
import math

import numpy as np

from learninspy._internal.checks import boolean, integer
from learninspy.engine.files import check_writable
from learninspy.core.history import History
from learninspy.core.merging import merge_models
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import AchieveTolerance, MaxIterations, combine, max_iterations
from learninspy.engine import get_engine
from learninspy.engine.protocol import ReplicaJob
from learninspy.metrics import LOWER_IS_BETTER, higher_is_better
from learninspy.training.callbacks import (TRAIN_SCORES, CallbackList, FullPassTrainScore,
                                           HistoryRecorder, KeepBest, StopWhen)
from learninspy.training.checkpoint import Checkpoint
from learninspy.training.loop import FitLoop
from learninspy.training.progress import Progress

__all__ = ["fit", "History", "TrainingDivergedError", "LOWER_IS_BETTER", "replica_seed"]


class TrainingDivergedError(FloatingPointError):
    """The cost became NaN or infinite; the model keeps its last finite weights."""


def replica_seed(base, iteration, replica):
    """Seed of one replica at one iteration: a pure function of the fit's base seed."""
    return int(np.random.SeedSequence([base, iteration, replica]).generate_state(1)[0])


def fit(model, train, valid=None, mini_batch=50, parallelism=0, valid_iters=10, measure=None,
        stops=None, optimizer_params=None, reproducible=False, keep_best=False, *,
        engine=None, verbose=0, checkpoint=None, checkpoint_every=10, resume=False,
        train_score="batches", callbacks=()):
    """Fit ``model`` on ``train``, validating on ``valid``.

    * In each global iteration, ``parallelism`` replicas of the model are trained
      concurrently, each on its own samples of ``mini_batch`` examples of ``train``
      (class-balanced for classification), until the local stops of ``optimizer_params``;
      they are then merged by the configured criterion and goal.
    * The engine runs the replicas: Spark when ``train`` is data Spark holds (a
      ``DistributedLabeledDataSet``, an RDD, a DataFrame) or when ``engine='spark'``; else the
      local engine -- a running SparkContext alone does not switch, so that a fit does the
      same, as fast, whatever else the program started. On Spark, local training data is
      broadcast once; distributed data stays where it is, each replica sampling its own
      partitions.
    * The model is scored on ``train`` and ``valid`` every ``valid_iters`` iterations.
    * Training stops when the global ``stops`` say so.

    Args:
        train: LabeledDataSet, pair (X, y), list of labeled points, or data Spark holds.
        valid: the same kinds, or None to report the training score in its place.
        mini_batch: int, examples per mini-batch.
        parallelism: int, replicas per iteration. 0: one per core available to the engine
            (``sc.defaultParallelism`` on Spark); -1: N / mini_batch, N being the number of
            training examples.
        valid_iters: int, iterations between evaluations.
        measure: metric of the scores (default 'F-measure' for classification, 'R2' for
            regression; see :mod:`learninspy.metrics`).
        stops: list of criteria (any stops training) or a composed criterion; default: at
            most 5 iterations, or a validation score of 0.95. A shorthand for a
            :class:`~learninspy.training.callbacks.StopWhen` callback.
        optimizer_params: OptimizerParameters (default ``OptimizerParameters()``).
        reproducible: True restarts the model's random stream at the start of the fit and
            runs every replica with one BLAS thread, so the same call on the same model gives
            bit-identical weights, on any engine.
        keep_best: True keeps, at the end, the model of the best validation score (a
            :class:`~learninspy.training.callbacks.KeepBest` callback).
        engine: 'local', 'spark', an engine object (see :mod:`learninspy.engine.protocol`),
            or None: Spark for distributed data, else the local engine.
        verbose: 0 silent, 1 progress line, 2 one log line per iteration (a
            :class:`~learninspy.training.progress.Progress` callback).
        checkpoint: path of a checkpoint file, written atomically every
            ``checkpoint_every`` iterations and at the end: the model (the file is a model
            file that ``load`` reads), its history, the optimizer state and where the fit
            stands (iteration, seeds, best model). A shorthand for a
            :class:`~learninspy.training.checkpoint.Checkpoint` callback.
        checkpoint_every: int, iterations between checkpoints.
        resume: True continues from the checkpoint at ``checkpoint`` if the file exists (else
            starts afresh): called with the same arguments, the fit ends with the weights an
            uninterrupted fit ends with.
        train_score: what the training score is: 'batches' (default), the score of the
            replicas' own predictions on the batches they trained on, as Keras reports it,
            at no cost; or 'full pass', the model's score on the whole training set, a pass
            over it at every evaluation and at the end (a
            :class:`~learninspy.training.callbacks.FullPassTrainScore` callback). The
            history's ``train_kind`` says which.
        callbacks: more callbacks (:class:`~learninspy.training.callbacks.Callback`, or stop
            criteria), called after the ones the arguments above ask for.

    Returns:
        float: the final score on ``valid`` (on ``train`` if ``valid`` is None).

    Raises:
        ValueError, TypeError: bad arguments or data, before any training.
        TrainingDivergedError: the cost became NaN or inf; the model keeps the weights of the
            last finished iteration.
    """
    mini_batch = integer("mini_batch", mini_batch, minimum=1)
    valid_iters = integer("valid_iters", valid_iters, minimum=1)
    parallelism = integer("parallelism", parallelism, minimum=-1)
    checkpoint_every = integer("checkpoint_every", checkpoint_every, minimum=1)
    for name, value in (("reproducible", reproducible), ("keep_best", keep_best),
                        ("resume", resume)):
        boolean(name, value)
    progress = Progress(verbose)
    if resume and checkpoint is None:
        raise ValueError("resume=True needs the checkpoint=PATH to resume from")
    if checkpoint is not None:
        check_writable(checkpoint, "checkpoint")
    if optimizer_params is None:
        optimizer_params = OptimizerParameters()
    elif not isinstance(optimizer_params, OptimizerParameters):
        raise TypeError("optimizer_params must be an OptimizerParameters, got "
                        f"{type(optimizer_params).__name__}")
    if stops is None:
        stops = [MaxIterations(5), AchieveTolerance(0.95, key="hits")]
    stop = combine(stops)
    measure = model.check_measure(measure)
    if train_score not in TRAIN_SCORES:
        raise ValueError(f"train_score must be one of {list(TRAIN_SCORES)}, got {train_score!r}")
    callbacks = CallbackList([progress] + ([FullPassTrainScore()] if train_score == "full pass"
                                           else []) + [HistoryRecorder()]
                             + ([KeepBest()] if keep_best else [])
                             + ([Checkpoint(checkpoint, checkpoint_every, resume)]
                                if checkpoint is not None else [])
                             + [StopWhen(stop), *callbacks])

    engine = get_engine(engine, train)
    job = ReplicaJob(optimizer_params, mini_batch, measure, reproducible)
    with contextlib.ExitStack() as release:
        with _naming("train set"):
            runner = engine.start(model, train, job)
        release.callback(runner.close)
        with _naming("valid set"):
            score_valid = engine.scorer(model, valid) if valid is not None \
                else runner.score_train
        if hasattr(score_valid, "close"):
            release.callback(score_valid.close)
        replicas = (engine.default_parallelism() if parallelism == 0 else
                    max(1, runner.n_train // mini_batch) if parallelism == -1 else parallelism)
        with _naming("train set"):
            runner.place(replicas)
        loop = FitLoop(model, engine.name, replicas, mini_batch, measure,
                       higher_is_better(measure), runner.score_train, score_valid,
                       base_seed=model.next_fit_seed(restart=reproducible),
                       max_iterations=max_iterations(stop))
        with loop.scope, np.errstate(over="ignore", invalid="ignore"):
            callbacks.on_fit_begin(loop)
            try:
                while not loop.stop:
                    _iteration(loop, runner, optimizer_params, valid_iters, callbacks)
            except KeyboardInterrupt:
                _back_to_the_last_finished_iteration(loop)
                callbacks.on_fit_interrupted(loop)
                raise
            except TrainingDivergedError:  # a replica trained in place holds the bad weights
                _back_to_the_last_finished_iteration(loop)
                raise
            callbacks.on_fit_end(loop)
    return model.history.final["valid"]


@contextlib.contextmanager
def _naming(data_set):
    """Errors about the data, as raised where the data is checked, say which set it is."""
    try:
        yield
    except (TypeError, ValueError) as error:
        if type(error) not in (TypeError, ValueError):
            raise
        raise type(error)(f"{data_set}: {error}") from None


def _iteration(loop, runner, optimizer_params, valid_iters, callbacks):
    """One global iteration: train the replicas, merge them, score the model when due."""
    model = loop.model
    # what to go back to if the iteration is interrupted or diverges (a replica may train the
    # model itself)
    loop.finished = (loop.iteration, model.get_parameters(), model.get_state(),
                     None if loop.optimizer_state is None else
                     {key: value.copy() for key, value in loop.optimizer_state.items()},
                     dict(loop.info), loop.best, dict(loop.last_scores))
    loop.iteration = iteration = loop.iteration + 1
    callbacks.on_iteration_begin(loop)
    seeds = [replica_seed(loop.base_seed, iteration, r) for r in range(loop.replicas)]
    loop.results = runner.run(model, loop.optimizer_state, seeds)
    _check_finite(loop.results, iteration)
    merged = merge_models(loop.results, optimizer_params.merge["criter"],
                          optimizer_params.merge["goal"], loop.higher_is_better)
    if not np.all(np.isfinite(merged.weights)):
        raise TrainingDivergedError(
            f"the weights became NaN or inf at iteration {iteration}; the model keeps the "
            f"weights of iteration {iteration - 1}. Lower the step-rate or scale the data")
    model.set_parameters(merged.weights)
    model.set_state(merged.state)
    if optimizer_params.keep_state:
        loop.optimizer_state = merged.optimizer_state
    loop.evaluated = (iteration - 1) % valid_iters == 0
    loop.train_score = loop.valid_score = float("nan")
    if loop.evaluated:
        loop.train_score = loop.training_score()
        loop.valid_score = loop.score_valid(model, loop.measure)
        loop.info["hits"] = loop.valid_score
        loop.last_scores = {"train": loop.train_score, "valid": loop.valid_score}
    loop.info.update(iterations=iteration, cost=float(np.mean([r.cost for r in loop.results])))
    callbacks.on_iteration_end(loop)
    loop.finished = None


def _back_to_the_last_finished_iteration(loop):
    """After an interruption or a divergence mid-iteration: the model, the history and
    ``loop`` as the last iteration left them, so that nothing half-done is kept or
    checkpointed."""
    if loop.finished is None:
        return
    (loop.iteration, weights, state, loop.optimizer_state, loop.info, loop.best,
     loop.last_scores) = loop.finished
    loop.model.set_parameters(weights)
    loop.model.set_state(state)
    history = loop.model.history
    if history is not None:
        kept = sum(1 for i in history.iterations if i <= loop.iteration)
        for series in ("iterations", "cost", "train", "valid", "seconds"):
            del getattr(history, series)[kept:]
    loop.finished = None


def _check_finite(results, iteration):
    for r, result in enumerate(results):
        if result.diverged or not math.isfinite(result.cost):
            raise TrainingDivergedError(
                f"the cost became {result.cost} at iteration {iteration} (replica {r}, after "
                f"{result.iterations} local steps); the model keeps the weights of iteration "
                f"{iteration - 1}. Lower the step-rate or scale the data")
