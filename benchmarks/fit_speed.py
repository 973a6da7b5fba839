"""Speed of a whole ``fit`` as a user calls it, against the same training in PyTorch, Keras 3
(PyTorch backend) and scikit-learn, and against learninspy's own inner loop.

    python -m benchmarks.fit_speed              # the full measure (several minutes on 2 cores)
    python -m benchmarks.fit_speed --quick      # 2 rounds, Spark at batch 128 only
    python -m benchmarks.run --only fit         # the same, in the report of make bench

The configuration is fixed: 784-512-512-10 ReLU, softmax cross-entropy, float32, SGD with
momentum 0.9 at step 0.01, no penalties; 20,000 synthetic training rows and 1,000 validation
rows (``common.synthetic``, one linear teacher); 400 optimizer steps as 40 iterations of 10
local steps, one replica, the validation rows scored every 10 iterations (``valid_iters=10``:
after iterations 1, 11, 21 and 31) and at the end, as ``fit`` does; batch 32, 128 and 512.
Every figure is samples/s: 400 x batch over the wall time of the whole training call, its own
set-up (data checks, engine start) included; building the untrained model is not timed.

1. The tools take turns at each batch -- a warm-up each, then ``rounds`` rounds in an order
   shuffled every round -- and each figure is the median of its rounds. The "inner loop" is
   ``optimize`` alone taking the same 400 steps in one call (``throughput.learninspy_job``
   with the network ``fit`` builds), so "fit / inner loop" is what everything else ``fit``
   does costs.
2. The same ``fit`` with the training rows as a Spark DataFrame on ``local[2]`` (the session
   of ``learninspy.engine.spark.session.get_session``), 1 and 2 replicas, against the local
   engine with as many replicas (2 replicas train 2 x 400 x batch samples).
3. Where the time of one ``fit`` at batch 32 goes: timing wrappers, set up here only, around
   the functions ``fit`` calls (steps, merging, scoring, set-up, callbacks); nested calls are
   counted in the innermost part only, and what is left is the loop's own bookkeeping.
4. The cost of a fit is linear in its iterations: 40 against 400 iterations at batch 128.

For a smoke test, ``LEARNINSPY_BENCH_FIT`` overrides fields of :class:`Config`, separated by
spaces, tuples by commas (an empty value: none), e.g.::

    LEARNINSPY_BENCH_FIT="rows=400 valid_rows=100 iterations=4 batches=32,128 \\
        spark_batches=128 linear_iterations=4,8" python -m benchmarks.run --only fit --quick

The report then says which fields were overridden. The machine is shared and noisy: compare
the ratios within one run.
"""

import argparse
import contextlib
import dataclasses
import functools
import importlib
import os
import random
import statistics
import time
import warnings
from typing import Callable, NamedTuple

import numpy as np

from benchmarks import common

SIZES = [784, 512, 512, 10]
LEARNING_RATE, MOMENTUM = 0.01, 0.9
OVERRIDES = "LEARNINSPY_BENCH_FIT"
FIT, INNER, TORCH, KERAS, SKLEARN = ("learninspy fit", "inner loop", "PyTorch", "Keras",
                                     "scikit-learn")


@dataclasses.dataclass(frozen=True)
class Config:
    """What the benchmark trains and how often; the defaults are the issue's configuration."""

    rows: int = 20_000
    valid_rows: int = 1_000
    iterations: int = 40
    local_steps: int = 10
    valid_iters: int = 10
    batches: tuple = (32, 128, 512)
    rounds: int = 5
    pause: float = 0.3
    spark_batches: tuple = (32, 128, 512)
    spark_master: str = "local[2]"
    breakdown_batch: int = 32
    linear_batch: int = 128
    linear_iterations: tuple = (40, 400)
    linear_rounds: int = 3

    @property
    def steps(self):
        """Optimizer steps of one training call."""
        return self.iterations * self.local_steps

    @classmethod
    def quick(cls):
        """Fewer rounds, and Spark at one batch: the same work per call, so the same rates."""
        return cls(rounds=2, spark_batches=(128,), linear_rounds=1)

    def overridden(self, text):
        """This configuration with the fields ``text`` sets (``"rows=400 batches=32,128"``)."""
        changes = {}
        for item in text.split():
            name, _, value = item.partition("=")
            fields = {f.name: f for f in dataclasses.fields(self)}
            if name not in fields:
                raise ValueError(f"{OVERRIDES}: unknown field {name!r}; fields are "
                                 f"{list(fields)}")
            kind = type(getattr(self, name))
            changes[name] = (tuple(int(v) for v in value.split(",") if v) if kind is tuple
                             else kind(value))
        return dataclasses.replace(self, **changes)


def configuration(quick=False):
    """The configuration of a run: the full or quick one, with the environment's overrides
    (for smoke tests), and the text of those overrides (empty when none)."""
    config = Config.quick() if quick else Config()
    text = os.environ.get(OVERRIDES, "").strip()
    return (config.overridden(text) if text else config), text


def make_data(config):
    """Training and validation arrays of one synthetic task (one teacher for both)."""
    X, y = common.synthetic(config.rows + config.valid_rows)
    n = config.rows
    return X[:n], y[:n], X[n:], y[n:]


def cores():
    """Cores this process may use: PyTorch's threads, as the machine has them."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def evaluated_iterations(config):
    """The iterations after which ``fit`` scores the validation rows (it scores them once more
    at the end, as ``final_scores``): 1, 1 + valid_iters, ... -- mirrored by the PyTorch job."""
    return [i for i in range(1, config.iterations + 1) if (i - 1) % config.valid_iters == 0]


# --- The jobs: each is built once per batch, and its model anew (untimed) for every run -----

class Job(NamedTuple):
    """``work(prepare())`` is one timed training call of ``samples`` examples; ``prepare``
    builds what the call starts from (an untrained model), and is not timed."""

    prepare: Callable
    work: Callable
    samples: int


def _network():
    from learninspy.core.model import NetworkParameters, NeuralNetwork
    return NeuralNetwork(NetworkParameters(SIZES, activation="ReLU", strength_l1=0.0,
                                           strength_l2=0.0, seed=0))


def _optimizer(local_steps):
    """SGD with momentum, a fresh mini-batch every step and the momentum carried across
    iterations: the 400 steps a PyTorch loop takes (0.1's defaults would restart it)."""
    from learninspy.core.optimization import OptimizerParameters
    from learninspy.core.stops import criterion
    return OptimizerParameters("GD", {"step-rate": LEARNING_RATE, "momentum": MOMENTUM},
                               stops=[criterion["MaxIterations"](local_steps)],
                               sampling="fresh", keep_state=True, merge_criter="avg")


def fit_call(network, train, valid, config, batch, parallelism=1, iterations=None, **options):
    """``network.fit`` as a user calls it: the local or Spark engine as ``train`` says."""
    from learninspy.core.stops import criterion
    return network.fit(train, valid, mini_batch=batch, parallelism=parallelism,
                       valid_iters=config.valid_iters,
                       stops=[criterion["MaxIterations"](iterations or config.iterations)],
                       optimizer_params=_optimizer(config.local_steps), **options)


def learninspy_fit_job(data, config, batch):
    X, y, Xv, yv = data
    return Job(_network, lambda network: fit_call(network, (X, y), (Xv, yv), config, batch),
               config.steps * batch)


def inner_loop_job(data, config, batch):
    """``optimize`` alone, the replica of ``fit``: the same steps in one call, the training
    set checked beforehand (untimed)."""
    from learninspy.core.batches import TrainingSet
    from learninspy.core.optimization import optimize
    X, y, _, _ = data
    params = _optimizer(config.steps)

    def prepare():
        network = _network()
        return network, TrainingSet.of(network, (X, y))
    return Job(prepare, lambda prepared: optimize(prepared[0], prepared[1], params, batch, 0,
                                                  in_place=True), config.steps * batch)


def _torch_network(torch):
    layers = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(SIZES) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def torch_job(data, config, batch):
    """An eager PyTorch loop of the same steps (``common.torch_steps``), scoring the
    validation rows when ``fit`` does: after the iterations of :func:`evaluated_iterations`
    and at the end."""
    import torch
    torch.set_num_threads(cores())
    X, y, Xv, yv = (torch.from_numpy(np.ascontiguousarray(a)) for a in
                    (data[0], data[1].astype(np.int64), data[2], data[3].astype(np.int64)))
    scored = set(evaluated_iterations(config))

    def prepare():
        torch.manual_seed(0)
        model = _torch_network(torch)
        optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
        return model, optimizer, torch.Generator().manual_seed(0)

    def score(model):
        model.eval()
        with torch.no_grad():
            accuracy = float((model(Xv).argmax(1) == yv).float().mean())
        model.train()
        return accuracy

    def work(prepared):
        model, optimizer, generator = prepared
        loss = torch.nn.CrossEntropyLoss()
        for iteration in range(1, config.iterations + 1):
            common.torch_steps(model, optimizer, loss, X, y, batch, config.local_steps,
                               generator)
            if iteration in scored:
                score(model)
        return score(model)
    return Job(prepare, work, config.steps * batch)


def import_keras():
    """Keras 3 on its PyTorch backend; ImportError when keras is missing or another backend
    was chosen before (the backend is fixed when keras is first imported)."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = importlib.import_module("keras")
    if keras.backend.backend() != "torch":
        raise ImportError(f"keras runs on {keras.backend.backend()}, not torch (set "
                          "KERAS_BACKEND=torch)", name="keras")
    return keras


def keras_job(data, config, batch):
    """``model.fit`` of Keras 3: ``steps_per_epoch`` local steps, ``iterations`` epochs, the
    validation rows every ``valid_iters`` epochs. The batches come from a generator of random
    rows, as PyTorch's: Keras stops early, out of data, when arrays hold fewer than
    steps_per_epoch x epochs batches (at batch 512, 20,000 rows are 39)."""
    keras = import_keras()
    import torch
    torch.set_num_threads(cores())
    X, y, Xv, yv = data

    def batches(rng):
        while True:
            index = rng.integers(len(X), size=batch)
            yield X[index], y[index]

    def prepare():
        model = keras.Sequential([keras.Input((SIZES[0],))]
                                 + [keras.layers.Dense(n, activation="relu") for n in SIZES[1:-1]]
                                 + [keras.layers.Dense(SIZES[-1])])
        model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE, momentum=MOMENTUM),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        return model, batches(np.random.default_rng(0))

    def work(prepared):
        model, source = prepared
        return model.fit(source, steps_per_epoch=config.local_steps, epochs=config.iterations,
                         validation_data=(Xv, yv), validation_batch_size=batch,
                         validation_freq=config.valid_iters, shuffle=False, verbose=0)
    return Job(prepare, work, config.steps * batch)


def sklearn_schedule(rows, steps, batch):
    """(rows, epochs) for MLPClassifier to take exactly ``steps`` steps of ``batch``: the
    fewest epochs over the first rows, a multiple of the batch, that the data holds."""
    for epochs in range(1, steps + 1):
        if steps % epochs == 0 and steps // epochs * batch <= rows:
            return steps // epochs * batch, epochs
    raise ValueError(f"{rows} rows cannot make batches of {batch}")


def sklearn_job(data, config, batch):
    """MLPClassifier's own ``fit``, SGD with plain momentum, no penalty, no early stopping:
    ``epochs`` passes over the first ``rows`` rows are the same number of steps and samples.
    It cannot score given rows during a fit, so it scores none."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    X, y, _, _ = data
    rows, epochs = sklearn_schedule(len(X), config.steps, batch)

    def prepare():
        return MLPClassifier(tuple(SIZES[1:-1]), solver="sgd", momentum=MOMENTUM,
                             nesterovs_momentum=False, batch_size=batch,
                             learning_rate_init=LEARNING_RATE, alpha=0.0, max_iter=epochs,
                             n_iter_no_change=epochs + 1, early_stopping=False, shuffle=True,
                             random_state=0)

    def work(model):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return model.fit(X[:rows], y[:rows])
    return Job(prepare, work, config.steps * batch)


TOOLS = {FIT: learninspy_fit_job, INNER: inner_loop_job, TORCH: torch_job, KERAS: keras_job,
         SKLEARN: sklearn_job}


# --- Timing -----------------------------------------------------------------------------------

def timed(job):
    """Seconds of one training call of ``job``, its model built beforehand."""
    prepared = job.prepare()
    started = time.perf_counter()
    job.work(prepared)
    return time.perf_counter() - started


def take_turns(jobs, rounds, shuffle, warmup=True, pause=0.0):
    """{name: [seconds of each round]}: a warm-up of each job, then ``rounds`` rounds in which
    each runs once, in an order shuffled every round, so that a drift of the machine's speed
    hits every job alike. ``pause`` seconds of rest before each call let the threads of the
    one before go to sleep (BLAS and OpenMP threads spin a while after their work, taking
    the cores from whatever runs next)."""
    if warmup:
        for job in jobs.values():
            timed(job)
    seconds = {name: [] for name in jobs}
    order = list(jobs)
    for _ in range(rounds):
        shuffle(order)
        for name in order:
            time.sleep(pause)
            seconds[name].append(timed(jobs[name]))
    return seconds


def _rates(jobs, seconds):
    return {name: jobs[name].samples / statistics.median(times) for name, times in seconds.items()}


def paired_ratios(jobs, seconds, ours):
    """{name: the median over rounds of ``ours``'s samples/s over ``name``'s in that round}:
    each round's tools run back to back, so a ratio within one round is not moved by the
    machine's speed changing between rounds, as a ratio of medians is."""
    rate = {name: [jobs[name].samples / t for t in times] for name, times in seconds.items()}
    return {name: statistics.median(a / b for a, b in zip(rate[ours], rate[name]))
            for name in seconds if name != ours} if ours in seconds else {}


def compare(data, config, tools=None, shuffle=None):
    """Table 1: {'rates': {batch: {tool: samples/s}}, 'seconds': the rounds, 'missing': {tool:
    why}}. A tool whose package is missing is left out (its figures: absent)."""
    shuffle = shuffle or random.Random(0).shuffle
    result = {"rates": {}, "ratios": {}, "seconds": {}, "missing": {}}
    for batch in config.batches:
        jobs = {}
        for name, make in TOOLS.items():
            if tools is not None and name not in tools:
                continue
            try:
                jobs[name] = make(data, config, batch)
            except ImportError as missing:
                result["missing"][name] = f"{missing.name or missing} not installed"
        seconds = take_turns(jobs, config.rounds, shuffle, pause=config.pause)
        result["seconds"][batch] = seconds
        result["rates"][batch] = _rates(jobs, seconds)
        result["ratios"][batch] = paired_ratios(jobs, seconds, FIT)
    return result


# --- Table 2: the Spark engine ------------------------------------------------------------

def spark_frame(session, X, y):
    """The training rows as a DataFrame of an array<float> 'features' and a 'label' column,
    the default names ``fit`` reads (built through Arrow, not timed)."""
    import pandas as pd
    table = pd.DataFrame({"features": list(X), "label": y.astype(np.float64)})
    return session.createDataFrame(table)


def _spark_jobs(frame, data, config, batch):
    """The local engine and Spark at 1 and 2 replicas, each the same ``fit``."""
    X, y, Xv, yv = data
    jobs = {}
    for replicas in (1, 2):
        for engine, train in (("local", (X, y)), ("spark", frame)):
            jobs[f"{engine} p{replicas}"] = Job(
                _network, functools.partial(_fit_on, train=train, valid=(Xv, yv), config=config,
                                            batch=batch, replicas=replicas),
                replicas * config.steps * batch)
    return jobs


def _fit_on(network, train, valid, config, batch, replicas):
    return fit_call(network, train, valid, config, batch, parallelism=replicas)


def spark_compare(data, config, shuffle=None):
    """Table 2: {'master', 'session_seconds', 'rates': {batch: {'local p1': ..., 'spark p1':
    ..., 'local p2': ..., 'spark p2': ...}}}, or {'skipped': why} without Spark or Java."""
    if not config.spark_batches:
        return {"skipped": "no batch asked for"}
    try:
        from learninspy.engine.spark.session import get_session
        started = time.perf_counter()
        session = get_session(config.spark_master, app_name="learninspy-fit-benchmark", ui=False,
                              config={"spark.driver.memory": "4g"})
    except (ImportError, RuntimeError, ConnectionError, ValueError) as error:
        return {"skipped": f"{type(error).__name__}: {error}"}
    session.sparkContext.setLogLevel("ERROR")  # the report, not Spark's warnings
    shuffle = shuffle or random.Random(1).shuffle
    result = {"master": config.spark_master, "session_seconds": time.perf_counter() - started,
              "rates": {}, "seconds": {}}
    try:
        frame = spark_frame(session, data[0], data[1])
        for batch in config.spark_batches:
            jobs = _spark_jobs(frame, data, config, batch)
            seconds = take_turns(jobs, config.rounds, shuffle)
            result["seconds"][batch] = seconds
            result["rates"][batch] = _rates(jobs, seconds)
    finally:
        session.stop()
    return result


# --- Table 3: where the time of one fit goes ---------------------------------------------------

#: (part, what it times); 'rest of the loop' is the fit's time outside every other part.
PARTS = (
    ("steps", "the replica's local steps: _LocalRunner.run (optimize)"),
    ("merging", "merge_models"),
    ("scoring", "the validation scorer, FitLoop.training_score (from the batches)"),
    ("set-up and data checks", "get_engine, LocalEngine.start (TrainingSet), LocalEngine.scorer "
                               "(the validation rows), _LocalRunner.place, _LocalRunner.close"),
    ("reporting (callbacks)", "CallbackList hooks: progress, history, stops"),
    ("rest of the loop", "fit's own code: argument checks, the per-iteration snapshot to go "
                         "back to on interruption, seeds, finite checks, applying the merge"),
)


class Stopwatch:
    """Exclusive seconds per part: a call inside another timed call counts in its own part
    only (the outer one pauses meanwhile). One thread: a fit of one replica."""

    def __init__(self):
        self.seconds = {part: 0.0 for part, _ in PARTS}
        self._stack = []

    def wrap(self, part, function):
        """``function``, timed as ``part``."""
        @functools.wraps(function)
        def timed_call(*args, **kwargs):
            self._enter(part)
            try:
                return function(*args, **kwargs)
            finally:
                self._leave()
        return timed_call

    def _enter(self, part):
        now = time.perf_counter()
        if self._stack:
            outer, since = self._stack[-1]
            self.seconds[outer] += now - since
        self._stack.append([part, now])

    def _leave(self):
        now = time.perf_counter()
        part, since = self._stack.pop()
        self.seconds[part] += now - since
        if self._stack:
            self._stack[-1][1] = now


@contextlib.contextmanager
def patched(replacements):
    """Set ``owner.name = value`` for each (owner, name, value), restoring the originals on
    exit: the timing wrappers exist inside this block only."""
    saved = [(owner, name, vars(owner)[name]) for owner, name, _ in replacements]
    try:
        for owner, name, value in replacements:
            setattr(owner, name, value)
        yield
    finally:
        for owner, name, value in saved:
            setattr(owner, name, value)


def _timing_wrappers(watch):
    """The (owner, name, timed function) of every part of :data:`PARTS` on the local engine."""
    from learninspy.engine.local import LocalEngine, _LocalRunner
    from learninspy.training.callbacks import CallbackList
    from learninspy.training.loop import FitLoop
    fit_module = importlib.import_module("learninspy.training.fit")  # not the function
    setup = "set-up and data checks"

    def scorer(engine, model, data, _original=LocalEngine.scorer):
        return watch.wrap("scoring", _original(engine, model, data))
    replacements = [(fit_module, "merge_models", watch.wrap("merging", fit_module.merge_models)),
                    (fit_module, "get_engine", watch.wrap(setup, fit_module.get_engine)),
                    (LocalEngine, "scorer", watch.wrap(setup, scorer)),
                    (FitLoop, "training_score", watch.wrap("scoring", FitLoop.training_score)),
                    (_LocalRunner, "run", watch.wrap("steps", _LocalRunner.run))]
    replacements += [(LocalEngine, "start", watch.wrap(setup, LocalEngine.start))]
    replacements += [(_LocalRunner, name, watch.wrap(setup, getattr(_LocalRunner, name)))
                     for name in ("place", "close")]
    replacements += [(CallbackList, hook, watch.wrap("reporting (callbacks)",
                                                     getattr(CallbackList, hook)))
                     for hook in ("on_fit_begin", "on_iteration_begin", "on_iteration_end",
                                  "on_fit_end")]
    return replacements


def breakdown(data, config, batch=None):
    """Table 3: one local ``fit`` at ``batch`` (default ``config.breakdown_batch``), after a
    warm-up, timed part by part: {'batch', 'seconds', 'samples_per_s', 'parts': {part: s}}."""
    batch = batch or config.breakdown_batch
    job = learninspy_fit_job(data, config, batch)
    timed(job)  # warm-up
    watch, network = Stopwatch(), job.prepare()
    with patched(_timing_wrappers(watch)):
        started = time.perf_counter()
        job.work(network)
        total = time.perf_counter() - started
    parts = dict(watch.seconds)
    parts["rest of the loop"] = max(0.0, total - sum(parts.values()))
    return {"batch": batch, "seconds": total, "samples_per_s": job.samples / total,
            "parts": parts}


# --- The linear-cost line ----------------------------------------------------------------------

def linear_cost(data, config, shuffle=None):
    """Seconds of a local ``fit`` at ``linear_batch`` with each number of
    ``linear_iterations`` (medians of ``linear_rounds`` shuffled rounds after a warm-up of the
    shortest) and their ratio, which is the ratio of iterations when the cost is linear."""
    short, long = config.linear_iterations
    jobs = {count: Job(_network, functools.partial(_fit_iterations, data=data, config=config,
                                                   iterations=count),
                       count * config.local_steps * config.linear_batch)
            for count in (short, long)}
    timed(jobs[short])  # warm-up
    seconds = take_turns(jobs, config.linear_rounds, shuffle or random.Random(2).shuffle,
                         warmup=False)
    medians = {count: statistics.median(times) for count, times in seconds.items()}
    return {"batch": config.linear_batch, "iterations": [short, long], "seconds": medians,
            "rounds": seconds, "ratio": medians[long] / medians[short],
            "expected": long / short}


def _fit_iterations(network, data, config, iterations):
    X, y, Xv, yv = data
    return fit_call(network, (X, y), (Xv, yv), config, config.linear_batch,
                    iterations=iterations)


# --- Everything -----------------------------------------------------------------------------

def describe_config(config, overrides=""):
    """The configuration as the report records it (JSON-serialisable)."""
    from threadpoolctl import threadpool_info
    blas = [info.get("num_threads") for info in threadpool_info()
            if info.get("user_api") == "blas"]
    return dict(dataclasses.asdict(config), steps=config.steps, sizes=SIZES,
                learning_rate=LEARNING_RATE, momentum=MOMENTUM,
                evaluated_iterations=evaluated_iterations(config), torch_threads=cores(),
                blas_threads=blas, keras=common._version("keras"), overrides=overrides)


def run(quick=False, config=None, tools=None, spark=True):
    """Every measure of this module: {'config', 'tools', 'spark', 'breakdown', 'linear'}.

    Args:
        quick: the quick configuration (when ``config`` is None).
        config: a :class:`Config`; default, that of :func:`configuration`.
        tools: names of :data:`TOOLS` to run (default all installed).
        spark: False leaves out the Spark table.
    """
    overrides = ""
    if config is None:
        config, overrides = configuration(quick)
    data = make_data(config)
    result = {"config": describe_config(config, overrides)}
    result["tools"] = compare(data, config, tools)
    result["spark"] = spark_compare(data, config) if spark else {"skipped": "not asked for"}
    result["breakdown"] = breakdown(data, config)
    result["linear"] = linear_cost(data, config)
    return result


# --- The report --------------------------------------------------------------------------------

def _tools_table(result):
    """Table 1 of the fit section: every tool's samples/s and learninspy fit's ratios."""
    tools, c = list(TOOLS), result["config"]
    rows = []
    for batch, rates in result["tools"]["rates"].items():
        ratios = result["tools"]["ratios"][batch]
        rows.append([batch] + [common.number(rates.get(t)) for t in tools]
                    + [common.ratio(ratios.get(t), 1.0) for t in (TORCH, KERAS, SKLEARN,
                                                                 INNER)])
    text = common.table(["batch"] + tools + ["vs PyTorch", "vs Keras", "vs scikit-learn",
                                       "fit / inner loop"], rows)
    schedules = ", ".join("{} rows x {} epochs at {}".format(
        *sklearn_schedule(c["rows"], c["steps"], b), b) for b in result["tools"]["rates"])
    missing = "".join(f" {tool}: {why}, shown as '-'." for tool, why in
                      result["tools"]["missing"].items())
    return text + (
        f"\n\nSamples/s of one whole training call ({c['steps']} x batch examples over its "
        "wall time, the call's own set-up included; building the untrained model is not "
        f"timed): {'-'.join(map(str, c['sizes']))} ReLU, softmax cross-entropy, float32, SGD "
        f"step {c['learning_rate']} with momentum {c['momentum']}, no penalties, on "
        f"{c['rows']:,} synthetic rows (`common.synthetic`); {c['steps']} steps as "
        f"{c['iterations']} iterations of {c['local_steps']} local steps, 1 replica; the "
        f"{c['valid_rows']:,} validation rows scored after iterations "
        f"{', '.join(map(str, c['evaluated_iterations']))} and at the end "
        f"(valid_iters={c['valid_iters']}). learninspy fit: `NeuralNetwork.fit` on the local "
        "engine, sampling 'fresh', keep_state=True, the training score from the trained "
        "batches (the default). Inner loop: `optimize` alone, the same steps in one call, the "
        f"data checked beforehand. PyTorch ({c['torch_threads']} threads): an eager loop of "
        "the same steps, scoring the same rows at the same moments. Keras "
        f"{c['keras'] or '(not installed)'} on PyTorch: `model.fit` of a generator of random "
        f"batches, steps_per_epoch={c['local_steps']}, epochs={c['iterations']}, "
        f"validation_freq={c['valid_iters']} (it scores {c['iterations'] // c['valid_iters']} "
        "times; arrays would run out of batches). scikit-learn: `MLPClassifier.fit` of "
        f"{schedules} -- the same steps; it scores no validation rows (it cannot during a "
        f"fit). NumPy's BLAS: {c['blas_threads']} threads. The tools take turns in shuffled "
        f"order, a warm-up then {c['rounds']} rounds, {c['pause']} s of rest before each call; "
        "samples/s: medians. Ratios: the median over the rounds of learninspy fit's "
        "samples/s over each tool's in the same round; fit / inner loop over `optimize`'s "
        "(1.00x: fit costs nothing besides its steps)." + missing)


def _spark_table(result):
    """Table 2 of the fit section: the same fit on Spark against the local engine."""
    spark, c = result["spark"], result["config"]
    if "skipped" in spark:
        return f"Spark engine: skipped ({spark['skipped']})."
    rows = [[batch] + [common.number(rates[f"{engine} p{p}"]) if engine else
                       common.ratio(rates[f"spark p{p}"], rates[f"local p{p}"])
                       for p in (1, 2) for engine in ("local", "spark", None)]
            for batch, rates in spark["rates"].items()]
    header = ["batch"] + [f"{name} p{p}" for p in (1, 2)
                          for name in ("local", "spark", "spark / local")]
    return common.table(header, rows) + (
        "\n\nSamples/s of the same fit, the training rows as a Spark DataFrame (an "
        "array<float> 'features' and a 'label' column, built through Arrow beforehand and "
        f"read by each fit) on Spark {spark['master']} (a session of learninspy's "
        f"`get_session`, started in {spark['session_seconds']:.1f}s), against the local "
        "engine, with p = 1 and 2 replicas (2 replicas train 2 x "
        f"{c['steps']} x batch examples; the local engine runs them in 2 threads of one BLAS "
        "thread each); the validation rows are local, scored on the driver. "
        f"{c['steps']} steps per replica as in the table above, a warm-up then "
        f"{c['rounds']} shuffled rounds, medians.")


def _breakdown_table(result):
    """Table 3 of the fit section: where the seconds of one fit go."""
    part = result["breakdown"]
    total = part["seconds"]
    rows = [[name, f"{part['parts'][name]:.3f}", f"{100 * part['parts'][name] / total:.1f}%",
             what] for name, what in PARTS]
    rows.append(["total", f"{total:.3f}", "100.0%", "the fit call"])
    return common.table(["part", "seconds", "share", "what it times"], rows) + (
        f"\n\nOne local fit at batch {part['batch']} ({common.number(part['samples_per_s'])} "
        "samples/s), the configuration above, after a warm-up; timing wrappers around the "
        "functions fit calls, set up by the benchmark only; a call nested in another timed one "
        "(the final validation inside the callbacks' end, say) counts in its own part.")


def _linear_line(result):
    line, c = result["linear"], result["config"]
    short, long = line["iterations"]
    return (f"Linear cost: a local fit at batch {line['batch']} of {short} iterations took "
            f"{line['seconds'][short]:.2f}s, of {long} iterations {line['seconds'][long]:.2f}s: "
            f"{line['ratio']:.2f}x (linear: {line['expected']:.0f}x; a fixed cost per fit "
            f"makes it less), medians of {c['linear_rounds']} rounds.")


def describe(result):
    """The fit section's text from a result of ``fit_speed.run``."""
    overrides = result["config"]["overrides"]
    warning = (f"**Smoke-test sizes** (LEARNINSPY_BENCH_FIT='{overrides}'): not the "
               "benchmark's configuration.\n\n" if overrides else "")
    return warning + "\n\n".join([_tools_table(result), _spark_table(result),
                                  _breakdown_table(result), _linear_line(result)])


def finite_rates(result):
    """Every samples/s figure of a result of :func:`run` (for checks: all positive, finite)."""
    rates = [r for by_tool in result["tools"]["rates"].values() for r in by_tool.values()]
    rates += [r for by_run in result["spark"].get("rates", {}).values() for r in by_run.values()]
    rates.append(result["breakdown"]["samples_per_s"])
    return rates


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-spark", action="store_true")
    arguments = parser.parse_args(argv)
    result = run(arguments.quick, spark=not arguments.no_spark)
    print(describe(result))


if __name__ == "__main__":
    main()
