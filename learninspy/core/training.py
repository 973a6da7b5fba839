"""The training loop of ``fit``, the same for every engine.

Each global iteration trains ``parallelism`` replicas of the current model, each with
:func:`~learninspy.core.optimization.optimize` on its own samples of the training data, and
merges them with :func:`~learninspy.core.merging.merge_models`. Where the replicas run is
the engine's business (:mod:`learninspy.engine`): threads of this process, or Spark tasks.
Every ``valid_iters`` iterations the model is scored on the training and validation sets; the
global stop criteria see the iteration count, the last validation score ('hits') and the mean
cost of the replicas ('cost').
"""

import logging
import math
import os
import time

import numpy as np

from learninspy.core import stops as _stops
from learninspy.core.merging import merge_models
from learninspy.core.optimization import OptimizerParameters

__all__ = ["fit", "History", "TrainingDivergedError", "LOWER_IS_BETTER"]

logger = logging.getLogger(__name__)

#: Measures where a lower value is better; the others are scores to maximise.
LOWER_IS_BETTER = frozenset({"MSE", "RMSE", "MAE"})


class TrainingDivergedError(FloatingPointError):
    """The cost became NaN or infinite; the model keeps its last finite weights."""


class History:
    """Per-iteration record of a fit.

    Attributes:
        iterations: global iteration numbers (1, 2, ...).
        cost: mean cost of the replicas at each iteration (with the L1 / L2 penalties).
        train, valid: score on the training and validation sets at each iteration, NaN where
            the model was not evaluated (it is every ``valid_iters`` iterations).
        seconds: time elapsed since the fit started, at the end of each iteration.
        measure: name of the score.
        final: scores after the last iteration, {'train': ..., 'valid': ...}.
        best_iteration: iteration whose model was kept (``keep_best``), else None.
    """

    _SERIES = ("iterations", "cost", "train", "valid", "seconds")

    def __init__(self, measure=None):
        self.measure = measure
        self.iterations, self.cost, self.train, self.valid, self.seconds = [], [], [], [], []
        self.final = {}
        self.best_iteration = None

    def append(self, iteration, cost, train, valid, seconds):
        for series, value in zip(self._SERIES, (iteration, cost, train, valid, seconds)):
            getattr(self, series).append(value)

    def __len__(self):
        return len(self.iterations)

    def _evaluated(self, series):
        return [v for v in getattr(self, series) if not math.isnan(v)]

    @property
    def hits_train(self):
        """Training scores at the iterations where the model was evaluated."""
        return self._evaluated("train")

    @property
    def hits_valid(self):
        """Validation scores at the iterations where the model was evaluated."""
        return self._evaluated("valid")

    @property
    def epochs(self):
        """Iterations where the model was evaluated."""
        return [i for i, v in zip(self.iterations, self.valid) if not math.isnan(v)]

    @property
    def last_valid(self):
        scores = self.hits_valid
        return scores[-1] if scores else 0.0

    def as_dict(self):
        data = {series: list(getattr(self, series)) for series in self._SERIES}
        data.update(measure=self.measure, final=dict(self.final),
                    best_iteration=self.best_iteration)
        return data

    @classmethod
    def from_dict(cls, data):
        history = cls(data.get("measure"))
        for series in cls._SERIES:
            setattr(history, series, [float("nan") if v is None else v
                                      for v in data.get(series, [])])
        history.final = dict(data.get("final") or {})
        history.best_iteration = data.get("best_iteration")
        return history

    def __repr__(self):
        return f"History({len(self)} iterations, measure={self.measure!r}, final={self.final})"


def _positive_int(name, value, minimum=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def replica_seed(base, iteration, replica):
    """Seed of one replica at one iteration: a pure function of the fit's base seed."""
    return int(np.random.SeedSequence([base, iteration, replica]).generate_state(1)[0])


def fit(model, train, valid=None, mini_batch=50, parallelism=0, valid_iters=10, measure=None,
        stops=None, optimizer_params=None, reproducible=False, keep_best=False, *,
        engine=None, verbose=0, checkpoint=None, checkpoint_every=10, resume=False):
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
            regression; see ``utils.evaluation``).
        stops: list of criteria (any stops training) or a composed criterion; default: at
            most 5 iterations, or a validation score of 0.95.
        optimizer_params: OptimizerParameters (default ``OptimizerParameters()``).
        reproducible: True restarts the model's random stream at the start of the fit and
            runs every replica with one BLAS thread, so the same call on the same model gives
            bit-identical weights, on any engine.
        keep_best: True keeps, at the end, the model of the best validation score.
        engine: 'local', 'spark', an engine object, or None: Spark for distributed data, else
            the local engine.
        verbose: 0 silent, 1 progress line, 2 one log line per iteration.
        checkpoint: path of a checkpoint file, written atomically every
            ``checkpoint_every`` iterations and at the end: the model (the file is a model
            file that ``load`` reads), its history, the optimizer state and where the fit
            stands (iteration, seeds, best model).
        checkpoint_every: int, iterations between checkpoints.
        resume: True continues from the checkpoint at ``checkpoint`` if the file exists (else
            starts afresh): called with the same arguments, the fit ends with the weights an
            uninterrupted fit ends with.

    Returns:
        float: the final score on ``valid`` (on ``train`` if ``valid`` is None).

    Raises:
        ValueError, TypeError: bad arguments or data, before any training.
        TrainingDivergedError: the cost became NaN or inf; the model keeps the weights of the
            last finished iteration.
    """
    from learninspy.engine import get_engine
    from learninspy.utils.progress import reporter_for

    mini_batch = _positive_int("mini_batch", mini_batch)
    valid_iters = _positive_int("valid_iters", valid_iters)
    if isinstance(parallelism, bool) or not isinstance(parallelism, (int, np.integer)) \
            or parallelism < -1:
        raise ValueError(f"parallelism must be an integer >= -1, got {parallelism!r}")
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 0, 1 or 2, got {verbose!r}")
    checkpoint_every = _positive_int("checkpoint_every", checkpoint_every)
    if resume and checkpoint is None:
        raise ValueError("resume=True needs the checkpoint=PATH to resume from")
    if optimizer_params is None:
        optimizer_params = OptimizerParameters()
    elif not isinstance(optimizer_params, OptimizerParameters):
        raise TypeError("optimizer_params must be an OptimizerParameters, got "
                        f"{type(optimizer_params).__name__}")
    if stops is None:
        stops = [_stops.MaxIterations(5), _stops.AchieveTolerance(0.95, key="hits")]
    stop = _stops.combine(stops)
    measure = model.check_measure(measure)
    higher_is_better = measure not in LOWER_IS_BETTER

    engine = get_engine(engine, train)
    runner = engine.start(model, train, optimizer_params, mini_batch, measure, reproducible)
    try:
        score_valid = engine.scorer(model, valid) if valid is not None else runner.score_train
        replicas = {0: engine.default_parallelism(),
                    -1: max(1, runner.n_train // mini_batch)}.get(int(parallelism),
                                                                    int(parallelism))
        if reproducible:
            model._fit_count = 0
        base_seed = int(np.random.SeedSequence([model.seed_entropy, model._fit_count])
                        .generate_state(1)[0])
        model._fit_count += 1
        model.history = history = History(measure)
        best = None
        info = {"iterations": 0, "hits": 0.0, "cost": float("inf")}
        optimizer_state = None
        stop.reset()
        if resume and os.path.exists(checkpoint):
            base_seed, optimizer_state, best = _resume(model, checkpoint, info, stop,
                                                       replicas, mini_batch)
            history = model.history
        progress = {"base_seed": base_seed, "replicas": replicas, "mini_batch": mini_batch}
        reporter = reporter_for(verbose, _stops.max_iterations(stop), measure, replicas,
                                engine.name)
        started = time.monotonic() - (history.seconds[-1] if len(history) else 0.0)
        with np.errstate(over="ignore", invalid="ignore"):
            while not stop(info):
                iteration = info["iterations"] + 1
                seeds = [replica_seed(base_seed, iteration, r) for r in range(replicas)]
                results = runner.run(model.get_parameters(), model.get_state(), optimizer_state,
                                     seeds)
                _check_finite(results, iteration)
                merged = merge_models(results, optimizer_params.merge["criter"],
                                      optimizer_params.merge["goal"], higher_is_better)
                if not np.all(np.isfinite(merged["weights"])):
                    raise TrainingDivergedError(
                        f"the weights became NaN or inf at iteration {iteration}; the model "
                        f"keeps the weights of iteration {iteration - 1}. Lower the step-rate "
                        "or scale the data")
                model.set_parameters(merged["weights"])
                model.set_state(merged["state"])
                if optimizer_params.keep_state:
                    optimizer_state = merged["optimizer_state"]
                cost = float(np.mean([r["cost"] for r in results]))
                train_score = valid_score = float("nan")
                if (iteration - 1) % valid_iters == 0:
                    train_score = runner.score_train(model, measure)
                    valid_score = score_valid(model, measure)
                    info["hits"] = valid_score
                    # ties go to the later model: more trained for the same score
                    if keep_best and (best is None or not _better(best[0], valid_score,
                                                                  higher_is_better)):
                        best = (valid_score, iteration, model.get_parameters(), model.get_state())
                info.update(iterations=iteration, cost=cost)
                history.append(iteration, cost, train_score, valid_score,
                               time.monotonic() - started)
                reporter.update(history, results)
                if checkpoint is not None and iteration % checkpoint_every == 0:
                    _save_checkpoint(model, checkpoint, progress, info, optimizer_state, best)
            if checkpoint is not None:
                _save_checkpoint(model, checkpoint, progress, info, optimizer_state, best)
            if best is not None and _better(best[0], info["hits"], higher_is_better):
                model.set_parameters(best[2])
                model.set_state(best[3])
                history.best_iteration = best[1]
            history.final = {"train": runner.score_train(model, measure),
                             "valid": score_valid(model, measure)}
        reporter.close(history)
    finally:
        runner.close()
    return history.final["valid"]


def _save_checkpoint(model, path, progress, info, optimizer_state, best):
    """Save the model and where the fit stands (see :func:`_resume`), atomically."""
    from learninspy.core import persistence
    state = dict(progress, info=info, fit_count=model._fit_count,
                 best=None if best is None else {"score": best[0], "iteration": best[1]})
    extra = {"fit": state}
    for key, value in (optimizer_state or {}).items():
        extra[f"optimizer/{key}"] = np.asarray(value)
    if best is not None:
        extra.update({"best/weights": best[2], "best/state": best[3]})
    persistence.save(model, path, extra=extra)


def _resume(model, path, info, stop, replicas, mini_batch):
    """Restore a fit from its checkpoint: the model's weights, state and history, ``info``,
    the stop criteria (replaying the history through them); return the base seed, the
    optimizer state and the best model so far."""
    from learninspy.core import persistence
    saved, extra = persistence.load(path, with_extra=True)
    state = extra.get("fit")
    if state is None:
        raise ValueError(f"{path} is a model file, not a checkpoint of fit")
    if persistence._jsonable(saved.get_config()) != persistence._jsonable(model.get_config()):
        raise ValueError(f"the checkpoint {path} holds another model than the one to fit "
                         "(its configuration differs)")
    for name, now in (("replicas", replicas), ("mini_batch", mini_batch)):
        if state[name] != now:
            logger.warning("the checkpoint %s was written by a fit with %s %s, this one has "
                           "%s: it will not end as an uninterrupted fit", path, name,
                           state[name], now)
    model.set_parameters(saved.get_parameters())
    model.set_state(saved.get_state())
    model.history = saved.history
    model._fit_count = state["fit_count"]
    replayed = {"iterations": 0, "hits": 0.0, "cost": float("inf")}
    for iteration, cost, valid in zip(saved.history.iterations, saved.history.cost,
                                      saved.history.valid):
        stop(replayed)  # the calls the interrupted fit made, for criteria that keep state
        replayed = {"iterations": iteration, "cost": cost,
                    "hits": replayed["hits"] if math.isnan(valid) else valid}
    info.update(state["info"])
    optimizer_state = {key[len("optimizer/"):]: value for key, value in extra.items()
                       if key.startswith("optimizer/")} or None
    best = state["best"]
    if best is not None:
        best = (best["score"], best["iteration"], extra["best/weights"], extra["best/state"])
    return state["base_seed"], optimizer_state, best


def _better(score, reference, higher_is_better):
    return score > reference if higher_is_better else score < reference


def _check_finite(results, iteration):
    for r, result in enumerate(results):
        if result["diverged"] or not math.isfinite(result["cost"]):
            raise TrainingDivergedError(
                f"the cost became {result['cost']} at iteration {iteration} (replica {r}, after "
                f"{result['iterations']} local steps); the model keeps the weights of iteration "
                f"{iteration - 1}. Lower the step-rate or scale the data")
