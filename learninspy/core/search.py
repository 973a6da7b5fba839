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
are searched through ``n_layers``.

The space is a dict like :data:`network_domain`: numeric entries are ``((low, high),
precision)`` -- sampled uniformly in [low, high] and rounded to ``precision`` decimals
(integers when 0) -- or ``((low, high), precision, 'log')`` for a log-uniform draw; categorical
entries are lists. Replace any entry, or the whole dict, to search another space.
"""

import csv
import json
import logging
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context

import numpy as np

from learninspy.core import activations
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import criterion
from learninspy.core.training import LOWER_IS_BETTER
from learninspy.engine import is_distributed
from learninspy.utils.data import to_arrays

__all__ = ["network_domain", "RandomSearch", "SearchResults", "check_domain"]

logger = logging.getLogger(__name__)

#: The default search space.
network_domain = {
    "n_layers": ((3, 6), 0),            # total layers, input and output included
    "perc_neurons": ((0.2, 1.2), 2),    # units of a hidden layer, as a fraction of the previous
    "activation": ["Tanh", "ReLU", "Softplus"],
    "dropout_ratios": ((0.0, 0.5), 1),
    "l1": ((1e-6, 1e-4), 6),
    "l2": ((1e-6, 1e-3), 4),
}

_NUMERIC = ("n_layers", "perc_neurons", "dropout_ratios", "l1", "l2")
_KEYS = ("n_layers", "perc_neurons", "activation", "dropout_ratios", "l1", "l2")
_FIELD_KEYS = {"activation": "activation", "dropout_ratios": "dropout_ratios",
               "strength_l1": "l1", "strength_l2": "l2"}


def _check_numeric(key, entry):
    if not (isinstance(entry, (tuple, list)) and len(entry) in (2, 3)
            and isinstance(entry[0], (tuple, list)) and len(entry[0]) == 2):
        raise ValueError(f"domain entry {key!r} must be ((low, high), precision) or "
                         f"((low, high), precision, 'log'), got {entry!r}")
    (low, high), precision = entry[0], entry[1]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)):
        raise ValueError(f"domain entry {key!r}: low and high must be numbers, got {entry[0]!r}")
    if low > high:
        raise ValueError(f"domain entry {key!r}: low {low} is greater than high {high}")
    if not isinstance(precision, int) or isinstance(precision, bool) or precision < 0:
        raise ValueError(f"domain entry {key!r}: precision must be an integer >= 0, "
                         f"got {precision!r}")
    if len(entry) == 3 and (entry[2] != "log" or low <= 0):
        raise ValueError(f"domain entry {key!r}: the third item can only be 'log', with "
                         f"low > 0, got {entry!r}")


def check_domain(domain, needed=_KEYS):
    """Check a search space; raise a ValueError naming the bad entry.

    Args:
        domain: dict of entries (see the module documentation).
        needed: the keys the search will sample.
    """
    if not isinstance(domain, dict) or not domain:
        raise ValueError(f"the search domain must be a non-empty dict with keys {list(_KEYS)}, "
                         f"got {domain!r}")
    unknown = sorted(set(domain) - set(_KEYS))
    if unknown:
        raise ValueError(f"unknown domain keys {unknown}; valid keys are {list(_KEYS)}")
    missing = [key for key in needed if key not in domain]
    if missing:
        raise ValueError(f"the search domain lacks {missing}, which this search samples")
    for key in needed:
        if key == "activation":
            names = domain[key]
            if not isinstance(names, (list, tuple)) or not names:
                raise ValueError("domain entry 'activation' must be a non-empty list of "
                                 f"activation names, got {names!r}")
            for name in names:
                activations.get(name)
        else:
            _check_numeric(key, domain[key])
    if "n_layers" in needed and domain["n_layers"][0][0] < 2:
        raise ValueError("domain entry 'n_layers': a network has at least 2 layers")
    if "dropout_ratios" in needed and not 0 <= domain["dropout_ratios"][0][0] \
            <= domain["dropout_ratios"][0][1] < 1:
        raise ValueError("domain entry 'dropout_ratios' must lie within [0, 1)")


def _draw(rng, entry, size=None):
    (low, high), precision = entry[0], entry[1]
    if precision == 0:
        return rng.integers(int(low), int(high) + 1, size=size)
    if len(entry) == 3:  # log-uniform
        value = np.exp(rng.uniform(np.log(low), np.log(high), size=size))
    else:
        value = rng.uniform(low, high, size=size)
    return np.round(value, precision)


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
        with open(path, "w", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(self.COLUMNS)
            for row in self.rows:
                writer.writerow([json.dumps(row[c]) if isinstance(row[c], list) else row[c]
                                 for c in self.COLUMNS])


# --- Candidates, trained in worker processes or Spark tasks -----------------------------------

_WORKER_DATA = {}


def _init_worker(data, blas_threads):
    from threadpoolctl import threadpool_limits
    _WORKER_DATA.update(data)
    if blas_threads:
        _WORKER_DATA["_limits"] = threadpool_limits(limits=blas_threads, user_api="blas")


def train_candidate(type_model, params, fit_options, data=None):
    """Train one candidate and score it: the unit of work of a search, on any engine.

    Args:
        type_model: network class, built as ``type_model(NetworkParameters(**params))``.
        params: dict of NetworkParameters arguments.
        fit_options: keyword arguments of ``fit``.
        data: dict with 'train', 'valid', 'test' (in a worker process, the data it was given).

    Returns:
        dict with the trained 'model', its 'valid' and 'test' scores and 'seconds'.
    """
    data = data if data is not None else _WORKER_DATA
    model = type_model(NetworkParameters(**params))
    started = time.perf_counter()
    valid = model.fit(data["train"], data["valid"], **fit_options)
    seconds = time.perf_counter() - started
    features, labels = model.labeled_arrays(data["valid"])
    valid_cost = model.loss_record.function(model.predict(features), model.target_matrix(labels))
    test = model.evaluate(data["test"], measure=fit_options.get("measure"))
    return {"model": model, "valid": float(valid), "valid_cost": float(valid_cost),
            "test": float(test), "seconds": seconds}


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
        if isinstance(n_iter, bool) or not isinstance(n_iter, (int, np.integer)) or n_iter < 1:
            raise ValueError(f"n_iter must be an integer >= 1, got {n_iter!r}")
        if isinstance(n_layers, bool) or not isinstance(n_layers, (int, np.integer)) \
                or n_layers < -1 or n_layers == 1:
            raise ValueError("n_layers must be -1 (sample it), 0 (keep units_layers) or a "
                             f"number of layers >= 2, got {n_layers!r}")
        self.net_params, self.n_layers, self.n_iter = net_params, int(n_layers), int(n_iter)
        self.domain = network_domain if net_domain is None else net_domain
        self.seed = seed
        needed = [_FIELD_KEYS[field] for field in net_params.searched]
        if n_layers != 0:
            needed += ["perc_neurons"] + (["n_layers"] if n_layers == -1 else [])
        check_domain(self.domain, needed)
        self.candidates = [self._sample(i) for i in range(self.n_iter)]
        self.results = None
        self.best_model = None

    def _sample(self, index):
        """The NetworkParameters of candidate ``index``: a pure function of (seed, index)."""
        rng = np.random.default_rng([self.seed, index])
        template, domain = self.net_params, self.domain
        units = list(template.units_layers)
        if self.n_layers != 0:
            depth = int(_draw(rng, domain["n_layers"])) if self.n_layers == -1 else self.n_layers
            fractions = _draw(rng, domain["perc_neurons"], size=depth - 2)
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
            dropout = [float(v) for v in _draw(rng, domain["dropout_ratios"], size=n - 1)]
        elif len(dropout) != n - 1:
            dropout = [dropout[0]] * (n - 1)
        strengths = {name: float(_draw(rng, domain[_FIELD_KEYS[name]]))
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
            the best model, trained.
        """
        if not (isinstance(type_model, type) and issubclass(type_model, NeuralNetwork)):
            raise TypeError("type_model must be NeuralNetwork or a subclass of it, got "
                            f"{type_model!r}")
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
        outcomes = runner(tasks, data, workers, progress)
        progress.close()
        higher_is_better = measure not in LOWER_IS_BETTER
        rows = [dict(candidate=i + 1, **self._describe(self.candidates[i]), valid=o["valid"],
                     valid_cost=o["valid_cost"], test=o["test"], seconds=round(o["seconds"], 3))
                for i, o in enumerate(outcomes)]
        self.results = SearchResults(rows, measure, higher_is_better)
        self.best_model = outcomes[self.results.best["candidate"] - 1]["model"]
        return self.best_model

    @staticmethod
    def _describe(params):
        return {"units_layers": list(params.units_layers),
                "activation": params.activation[1:] if len(set(params.activation[1:])) > 1
                else params.activation[1], "dropout_ratios": list(params.dropout_ratios),
                "strength_l1": params.strength_l1, "strength_l2": params.strength_l2,
                "seed": params.seed}

    def _run_local(self, tasks, data, workers, progress):
        from learninspy.engine.local import available_cores
        workers = min(workers or available_cores(), len(tasks))
        if workers == 1:
            outcomes = []
            for task in tasks:
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
                outcomes.append(future.result())
                progress.update(outcomes[-1])
            return outcomes

    def _run_spark(self, tasks, data, workers, progress):
        from learninspy.engine.spark_search import run_search_tasks
        outcomes = run_search_tasks(tasks, data, workers)
        for outcome in outcomes:
            progress.update(outcome)
        return outcomes


class _SearchProgress:
    """Progress over candidates: a tqdm line with the best score so far, or log lines."""

    def __init__(self, total, measure, verbose):
        self.total, self.measure, self.verbose = total, measure, verbose
        self.done, self.best = 0, None
        self.higher_is_better = measure not in LOWER_IS_BETTER
        self.bar = None
        if verbose == 1:
            import sys
            from tqdm.auto import tqdm
            if sys.stderr.isatty():
                self.bar = tqdm(total=total, unit="candidate", desc="search")
        if verbose:
            from learninspy.utils.fileio import get_logger
            get_logger(logger.name, logging.INFO)

    def update(self, outcome):
        self.done += 1
        score = outcome["valid"]
        if self.best is None or (score > self.best if self.higher_is_better else score < self.best):
            self.best = score
        text = (f"candidate {self.done}/{self.total}: valid {self.measure} {score:.4f}, test "
                f"{outcome['test']:.4f}; best valid so far {self.best:.4f}")
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

