"""Hyper-parameter search: random search over network configurations.

Choosing a model means choosing values that training cannot learn: depth and width, activation,
dropout, the strength of the L1 / L2 penalties. A search needs a model, a space of values, a
way to pick candidates and a way to score them. :class:`RandomSearch` samples the space at
random (Bergstra & Bengio, "Random search for hyper-parameter optimization", JMLR 2012) -- as
easy as a grid, and better in spaces of many dimensions -- trains one model per candidate,
and keeps the one with the best *validation* score. The test score of every candidate is
reported beside it, never used to choose (that would leak the test set into the choice).

Which fields are searched is said with ``NetworkParameters``: set a field to True to search it
(``activation``, ``dropout_ratios``, ``strength_l1``, ``strength_l2``); the depth and widths
are searched through ``n_layers``; the space of values is :mod:`~learninspy.training.search_space`.
"""

import csv
import json
import logging
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context

import numpy as np

from learninspy._internal.checks import integer, is_integer
from learninspy._internal.files import atomic_writer
from learninspy._internal.logs import get_logger
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import criterion
from learninspy.data.labeled import is_distributed, to_arrays
from learninspy.engine.local import available_cores
from learninspy.metrics import higher_is_better
from learninspy.training.search_space import FIELD_KEYS, check_domain, draw, network_domain

__all__ = ["network_domain", "RandomSearch", "SearchResults", "CandidateOutcome", "check_domain",
           "train_candidate"]

logger = logging.getLogger(__name__)

class SearchResults:
    """The candidates of a search and their scores, best first.

    Attributes:
        rows: list of dicts with the candidate's configuration ('units_layers', 'activation',
            'dropout_ratios', 'strength_l1', 'strength_l2', 'seed'), its 'valid' and 'test'
            scores, its 'valid_cost' (the loss on the validation set, which breaks ties of the
            score) and training 'seconds'. Rows are sorted by validation score, then cost.
        measure: name of the scores.
    """

    COLUMNS = ("rank", "candidate", "units_layers", "activation", "dropout_ratios",
               "strength_l1", "strength_l2", "seed", "valid", "valid_cost", "test", "seconds")

    def __init__(self, rows, measure, higher_is_better=True):
        sign = -1 if higher_is_better else 1  # ties on the score go to the lower valid cost
        self.rows = sorted(rows, key=lambda r: (sign * r["valid"], r["valid_cost"],
                                                r["candidate"]))
        for rank, row in enumerate(self.rows, start=1):
            row["rank"] = rank
        self.measure = measure
        self.interrupted = False  # True when the search was stopped before every candidate

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    @property
    def best(self):
        return self.rows[0]

    @staticmethod
    def _cell(value):
        if isinstance(value, float):
            return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"
        if isinstance(value, list):
            return json.dumps(value)
        return str(value)

    def __str__(self):
        header = [c if c not in ("valid", "test") else f"{c} {self.measure}" for c in self.COLUMNS]
        cells = [[self._cell(row[c]) for c in self.COLUMNS] for row in self.rows]
        widths = [max(len(r[i]) for r in cells + [header]) for i in range(len(header))]
        fmt = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
        return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(r) for r in cells])

    def to_csv(self, path):
        """Write the table as CSV (lists as JSON), one row per candidate, best first."""
        with atomic_writer(path) as stream:
            writer = csv.writer(stream)
            writer.writerow(self.COLUMNS)
            for row in self.rows:
                writer.writerow([json.dumps(row[c]) if isinstance(row[c], list) else row[c]
                                 for c in self.COLUMNS])


# --- Candidates, trained in worker processes or Spark tasks -----------------------------------

_WORKER_DATA = {}


def _init_worker(data, blas_threads):
    from threadpoolctl import threadpool_limits
    # Ctrl+C reaches every process of the terminal: the search decides, not its workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_DATA.update(data)
    if blas_threads:
        _WORKER_DATA["_limits"] = threadpool_limits(limits=blas_threads, user_api="blas")


@dataclass
class CandidateOutcome:
    """One trained candidate: its model, its validation score and cost (which break ties),
    its test score (only reported) and its training seconds."""

    model: object
    valid: float
    valid_cost: float
    test: float
    seconds: float


def train_candidate(type_model, params, fit_options, data=None):
    """Train one candidate and score it: the unit of work of a search, on any engine.

    Args:
        type_model: network class, built as ``type_model(NetworkParameters(**params))``.
        params: dict of NetworkParameters arguments.
        fit_options: keyword arguments of ``fit``.
        data: dict with 'train', 'valid', 'test' (in a worker process, the data it was given).

    Returns:
        CandidateOutcome: the trained model, its scores and its training time.
    """
    data = data if data is not None else _WORKER_DATA
    model = type_model(NetworkParameters(**params))
    started = time.perf_counter()
    valid = model.fit(data["train"], data["valid"], **fit_options)
    seconds = time.perf_counter() - started
    features, labels = model.labeled_arrays(data["valid"])
    valid_cost = model.loss_record.function(model.predict(features), model.target_matrix(labels))
    test = model.evaluate(data["test"], measure=fit_options.get("measure"))
    return CandidateOutcome(model, float(valid), float(valid_cost), float(test), seconds)


class RandomSearch:
    """Random search over the fields of ``net_params`` set to True, and over depth and widths.

    Args:
        net_params: NetworkParameters; its fields set to True are searched (e.g.
            ``NetworkParameters([4, 10, 3], activation=True, dropout_ratios=True,
            strength_l1=True, strength_l2=True)``); input and output widths are kept.
        n_layers: -1 samples the number of layers from the domain, 0 keeps ``units_layers``,
            k > 0 fixes it to k layers (input and output included) with sampled widths.
        n_iter: int >= 1, number of candidates.
        net_domain: the search space (default :data:`network_domain`).
        seed: int; the same seed samples the same candidates.

    >>> from learninspy.core.model import NetworkParameters, NeuralNetwork
    >>> net_params = NetworkParameters(units_layers=[4, 10, 3], activation=False,
    ...                                dropout_ratios=True, classification=True,
    ...                                strength_l1=True, strength_l2=True, seed=123)
    >>> search = RandomSearch(net_params, n_layers=0, n_iter=3, seed=123)
    >>> len(search.candidates)
    3
    """

    def __init__(self, net_params, n_layers=0, n_iter=10, net_domain=None, seed=123):
        if not isinstance(net_params, NetworkParameters):
            raise TypeError("net_params must be a NetworkParameters, got "
                            f"{type(net_params).__name__}")
        self.net_params = net_params
        self.domain = network_domain if net_domain is None else net_domain
        self.seed = seed
        self._configure(n_layers, n_iter)
        self.results = None
        self.best_model = None
        self._stopping = False

    def _configure(self, n_layers, n_iter):
        """Check the depth and the number of candidates, and sample the candidates."""
        integer("n_iter", n_iter, minimum=1)
        if not is_integer(n_layers) or n_layers < -1 or n_layers == 1:
            raise ValueError("n_layers must be -1 (sample it), 0 (keep units_layers) or a "
                             f"number of layers >= 2, got {n_layers!r}")
        needed = [FIELD_KEYS[field] for field in self.net_params.searched]
        if n_layers != 0:
            needed += ["perc_neurons"] + (["n_layers"] if n_layers == -1 else [])
        check_domain(self.domain, needed)
        self._n_layers, self._n_iter = int(n_layers), int(n_iter)
        self.candidates = [self._sample(i) for i in range(self.n_iter)]

    # Setting either samples the candidates again (a pure function of the seed and the index),
    # so that changing them after construction takes effect, as in learninspy 0.1.
    n_layers = property(lambda self: self._n_layers,
                        lambda self, value: self._configure(value, self._n_iter),
                        doc="-1, 0 or k: how the depth of the candidates is chosen.")
    n_iter = property(lambda self: self._n_iter,
                      lambda self, value: self._configure(self._n_layers, value),
                      doc="Number of candidates.")

    def _sample(self, index):
        """The NetworkParameters of candidate ``index``: a pure function of (seed, index)."""
        rng = np.random.default_rng([self.seed, index])
        template, domain = self.net_params, self.domain
        units = list(template.units_layers)
        if self.n_layers != 0:
            depth = int(draw(rng, domain["n_layers"])) if self.n_layers == -1 else self.n_layers
            fractions = draw(rng, domain["perc_neurons"], size=depth - 2)
            units = [units[0]]
            for fraction in fractions:
                units.append(max(1, int(fraction * units[-1])))
            units.append(template.units_layers[-1])
        n = len(units)
        activation = template.activation
        if activation is True:
            activation = str(domain["activation"][rng.integers(len(domain["activation"]))])
        elif len(activation) != n:  # the depth changed: repeat the hidden activation
            activation = [activation[1]] * (n - 1) + [activation[-1]]
        dropout = template.dropout_ratios
        if dropout is True:
            dropout = [float(v) for v in draw(rng, domain["dropout_ratios"], size=n - 1)]
        elif len(dropout) != n - 1:
            dropout = [dropout[0]] * (n - 1)
        strengths = {name: float(draw(rng, domain[FIELD_KEYS[name]]))
                     if getattr(template, name) is True else getattr(template, name)
                     for name in ("strength_l1", "strength_l2")}
        return NetworkParameters(units, activation=activation, dropout_ratios=dropout,
                                 classification=template.classification,
                                 seed=int(rng.integers(2 ** 31)), dtype=template.dtype,
                                 **strengths)

    def fit(self, type_model, train, valid, test, mini_batch=100, parallelism=4, valid_iters=5,
            measure=None, stops=None, optimizer_params=None, reproducible=False, keep_best=True,
            *, engine=None, workers=None, verbose=0):
        """Train every candidate, choose the best by its validation score, return its model.

        The parameters after ``test`` are those of ``NeuralNetwork.fit``, passed to every
        candidate's fit. The full table of candidates is kept in :attr:`results`.

        Args:
            type_model: the network class, NeuralNetwork or a subclass (StackedAutoencoder).
            train, valid, test: data sets; ``valid`` chooses the model, ``test`` is only reported.
            engine: None or 'local' (candidates in a pool of worker processes), or 'spark'
                (one candidate per Spark task when the data fits one, else one candidate after
                another with the distributed fit). Data Spark holds always searches on Spark.
            workers: worker processes of the local engine (default: one per core).
            verbose: 0 silent, 1 a progress line over candidates (best score so far), 2 a log
                line per candidate.

        Returns:
            the best model, trained. (learninspy 0.1 returned the pair ``(best_model,
            best_hits)``, choosing on the test set; ``best_model, best_hits = search.fit(...)``
            still unpacks, with a DeprecationWarning, into the model and its test score.)
        """
        if not (isinstance(type_model, type) and issubclass(type_model, NeuralNetwork)):
            raise TypeError("type_model must be NeuralNetwork or a subclass of it, got "
                            f"{type_model!r}")
        if workers is not None:
            integer("workers", workers, minimum=1)
        if stops is None:
            stops = [criterion["MaxIterations"](10), criterion["AchieveTolerance"](0.95)]
        if optimizer_params is None:
            optimizer_params = OptimizerParameters(
                "Adadelta", stops=[criterion["MaxIterations"](10),
                                   criterion["AchieveTolerance"](0.90)])
        options = dict(mini_batch=mini_batch, parallelism=parallelism, valid_iters=valid_iters,
                       measure=measure, stops=stops, optimizer_params=optimizer_params,
                       reproducible=reproducible, keep_best=keep_best)
        probe = type_model(self.candidates[0])
        measure = probe.check_measure(measure)
        options["measure"] = measure
        if engine not in (None, "local", "spark"):
            raise ValueError(f"unknown engine {engine!r}; valid engines are ['local', 'spark']")
        data = {}
        for name, value in (("train", train), ("valid", valid), ("test", test)):
            if is_distributed(value):  # checked by the distributed fit, on Spark
                engine, data[name] = "spark", value
                continue
            try:  # fail before any training, naming the set
                data[name] = to_arrays(value)
                probe.labeled_arrays(data[name])
            except (ValueError, TypeError) as error:
                raise type(error)(f"{name} set: {error}") from None
        tasks = [(type_model, params.to_dict(), options) for params in self.candidates]
        progress = _SearchProgress(len(tasks), measure, verbose)
        runner = self._run_spark if engine == "spark" else self._run_local
        self._stopping = False
        outcomes = runner(tasks, data, workers, progress)
        progress.close()
        if not outcomes:
            raise KeyboardInterrupt("the search was stopped before any candidate finished")
        rows = [dict(candidate=i + 1, **self._describe(self.candidates[i]), valid=o.valid,
                     valid_cost=o.valid_cost, test=o.test, seconds=round(o.seconds, 3))
                for i, o in enumerate(outcomes)]
        self.results = SearchResults(rows, measure, higher_is_better(measure))
        self.results.interrupted = len(outcomes) < len(tasks)
        self.best_model = outcomes[self.results.best["candidate"] - 1].model
        self.best_model.search_result = dict(self.results.best)
        return self.best_model

    @staticmethod
    def _describe(params):
        return {"units_layers": list(params.units_layers),
                "activation": params.activation[1:] if len(set(params.activation[1:])) > 1
                else params.activation[1], "dropout_ratios": list(params.dropout_ratios),
                "strength_l1": params.strength_l1, "strength_l2": params.strength_l2,
                "seed": params.seed}

    def stop(self):
        """Train no further candidates: those running finish, the others are skipped, and
        :meth:`fit` returns the best of those trained (``results.interrupted`` says so).
        Safe to call from a signal handler."""
        self._stopping = True

    def _run_local(self, tasks, data, workers, progress):
        workers = min(workers or available_cores(), len(tasks))
        if workers == 1:
            outcomes = []
            for task in tasks:
                if self._stopping:
                    break
                outcomes.append(train_candidate(*task, data=data))
                progress.update(outcomes[-1])
            return outcomes
        # fork: workers inherit the data and nothing is re-imported (spawn would run the
        # user's script again in every worker unless it has an `if __name__ == "__main__"`).
        method = "fork" if "fork" in get_all_start_methods() else "spawn"
        with ProcessPoolExecutor(workers, mp_context=get_context(method),
                                 initializer=_init_worker, initargs=(data, 1)) as pool:
            futures = [pool.submit(train_candidate, *task) for task in tasks]
            outcomes = []
            for future in futures:
                if self._stopping and future.cancel():
                    break
                outcomes.append(future.result())
                progress.update(outcomes[-1])
            for future in futures:  # not started yet: never will be
                future.cancel()
            return outcomes

    def _run_spark(self, tasks, data, workers, progress):
        from learninspy.engine.spark.search import run_search_tasks
        outcomes = run_search_tasks(tasks, data, train_candidate)
        for outcome in outcomes:
            progress.update(outcome)
        return outcomes


class _SearchProgress:
    """Progress over candidates: a tqdm line with the best score so far, or log lines."""

    def __init__(self, total, measure, verbose):
        self.total, self.measure, self.verbose = total, measure, verbose
        self.done, self.best = 0, None
        self.higher_is_better = higher_is_better(measure)
        self.bar = None
        if verbose == 1:
            import sys
            from tqdm.auto import tqdm
            if sys.stderr.isatty():
                self.bar = tqdm(total=total, unit="candidate", desc="search")
        if verbose:
            get_logger(logger.name, logging.INFO)

    def update(self, outcome):
        self.done += 1
        score = outcome.valid
        if self.best is None or (score > self.best if self.higher_is_better else score < self.best):
            self.best = score
        text = (f"candidate {self.done}/{self.total}: valid {self.measure} {score:.4f}, test "
                f"{outcome.test:.4f}; best valid so far {self.best:.4f}")
        if self.bar is not None:
            self.bar.set_postfix_str(f"best {self.measure}={self.best:.4f}", refresh=False)
            self.bar.update(1)
        elif self.verbose:
            logger.info(text)
        else:
            logger.debug(text)

    def close(self):
        if self.bar is not None:
            self.bar.close()

