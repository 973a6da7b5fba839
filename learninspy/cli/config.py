"""Training configurations: the TOML files ``learninspy train`` reads.

A configuration has five tables; only ``data.path`` and ``network.units_layers`` are
required, every other key takes the default shown::

    [data]
    path = "iris.csv"          # relative to the configuration file
    format = "auto"            # 'auto', 'csv', 'tsv', 'semicolon' or 'space'
    label_column = -1          # column of the label; -1 is the last
    split = [0.7, 0.15, 0.15]  # train, valid, test; or [train, test]
    balanced = true            # stratified split (default: true for classification)
    seed = 123                 # seeds the split
    scaling = "standard"       # features: 'standard', 'minmax' or 'none'
    scale_targets = true       # regression targets standardised (regression only)

    [network]                  # the arguments of NetworkParameters
    units_layers = [4, 10, 3]

    [optimizer]                # the arguments of OptimizerParameters
    algorithm = "Adam"
    options = { step-rate = 0.01 }
    stops = [{ criterion = "MaxIterations", max_iter = 10 }]   # local stops

    [fit]                      # the arguments of fit
    mini_batch = 32
    stops = [{ criterion = "MaxIterations", max_iter = 100 }]  # global stops (any stops)
    engine = "local"           # or 'spark'

    [output]                   # relative to the configuration file
    model = "<config name>.lea"
    report = "<config name>-report.json"
    results = "<config name>-search.csv"    # learninspy search only: the table of candidates

    [search]                   # learninspy search only (see training.search.RandomSearch)
    n_iter = 10                # candidates
    n_layers = 0               # -1 samples the depth, 0 keeps units_layers, k > 0 fixes it
    seed = 123
    workers = 2                # worker processes of the local engine (default: one per core)
    domain = { l2 = [[1e-5, 1e-2], 6, "log"] }  # entries replacing network_domain's

For a search, set the [network] fields to search to true (``activation``,
``dropout_ratios``, ``strength_l1``, ``strength_l2``) and split the data in three: the
validation part chooses the model, the test part is only reported.

A stop is a table naming a key of ``criterion`` and that criterion's arguments. Every error
names the file, the table and the key, and lists the valid choices.
"""

import inspect
import os
from dataclasses import dataclass

from learninspy.core import stops as _stops
from learninspy.core.model import NetworkParameters
from learninspy.core.optimization import OptimizerParameters
from learninspy.data.scaling import SCALERS
from learninspy.data.tables import FORMATS
from learninspy.engine import ENGINES
from learninspy.metrics import ClassificationMetrics, RegressionMetrics
from learninspy.training.search import RandomSearch
from learninspy.training.search_space import network_domain

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

__all__ = ["ConfigError", "TrainingConfig", "load_config", "SECTIONS"]


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and the key."""


# (type, valid values or None) of the keys checked here; the keys of [network] and
# [optimizer] are their classes' arguments, checked by the classes themselves.
_DATA_KEYS = {
    "path": (str, None), "format": (str, ["auto", *FORMATS]), "label_column": (int, None),
    "split": (list, None), "balanced": (bool, None), "seed": (int, None),
    "scaling": (str, ["none", *SCALERS]), "scale_targets": (bool, None),
}
_FIT_KEYS = {
    "mini_batch": (int, None), "parallelism": (int, None), "valid_iters": (int, None),
    "measure": (str, None), "stops": (list, None), "reproducible": (bool, None),
    "keep_best": (bool, None), "engine": (str, list(ENGINES)), "verbose": (int, [0, 1, 2]),
}
_OUTPUT_KEYS = {"model": (str, None), "report": (str, None), "results": (str, None)}
_SEARCH_KEYS = {"n_iter": (int, None), "n_layers": (int, None), "seed": (int, None),
                "workers": (int, None), "domain": (dict, None)}


def _arguments(function):
    return list(inspect.signature(function).parameters)


#: The tables of a configuration and their valid keys.
SECTIONS = {
    "data": list(_DATA_KEYS),
    "network": _arguments(NetworkParameters),
    "optimizer": _arguments(OptimizerParameters),
    "fit": list(_FIT_KEYS),
    "output": list(_OUTPUT_KEYS),
    "search": list(_SEARCH_KEYS),
}


@dataclass
class TrainingConfig:
    """A checked configuration, with the objects it describes built.

    Attributes:
        path: the configuration file.
        raw: the file's tables as read.
        data: the [data] table with its defaults filled in, ``path`` made absolute.
        network: NetworkParameters.
        optimizer: OptimizerParameters.
        fit: keyword arguments of ``fit`` (stops built), but the optimizer's.
        output: {'model': path, 'report': path, 'results': path}, absolute.
        search: the [search] table with its defaults filled in and ``domain`` merged into
            ``network_domain`` (None when the file has no [search] table).
    """

    path: str
    raw: dict
    data: dict
    network: NetworkParameters
    optimizer: OptimizerParameters
    fit: dict
    output: dict
    search: dict = None


class _Reader:
    """Checks the tables of one file; every error it raises names the file."""

    def __init__(self, path):
        self.path = path
        self.folder = os.path.dirname(os.path.abspath(path))

    def error(self, where, message):
        return ConfigError(f"{self.path}: [{where}] {message}")

    def table(self, raw, section):
        values = raw.get(section, {})
        if not isinstance(values, dict):
            raise self.error(section, f"must be a table, got {values!r}")
        unknown = [key for key in values if key not in SECTIONS[section]]
        if unknown:
            raise self.error(section, f"unknown key {unknown[0]!r}; valid keys are "
                                      f"{SECTIONS[section]}")
        return dict(values)

    def typed(self, section, values, schema):
        for key, value in values.items():
            kind, choices = schema[key]
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise self.error(section, f"{key} must be of type {kind.__name__}, got "
                                          f"{value!r}")
            if choices is not None and value not in choices:
                raise self.error(section, f"{key} = {value!r} is not valid; valid choices are "
                                          f"{choices}")
        return values

    def resolved(self, relative):
        return os.path.normpath(os.path.join(self.folder, os.path.expanduser(relative)))

    def stops(self, section, entries):
        built = []
        for i, entry in enumerate(entries):
            where = f"{section}] stops[{i}"
            if not isinstance(entry, dict) or "criterion" not in entry:
                raise self.error(where, "a stop is a table with a 'criterion' key and the "
                                        f"criterion's arguments, got {entry!r}")
            arguments = dict(entry)
            name = arguments.pop("criterion")
            if name not in _stops.criterion:
                raise self.error(where, f"unknown criterion {name!r}; valid choices are "
                                        f"{list(_stops.criterion)}")
            cls = _stops.criterion[name]
            valid = _arguments(cls)
            unknown = [key for key in arguments if key not in valid]
            if unknown:
                raise self.error(where, f"unknown argument {unknown[0]!r} of {name}; valid "
                                        f"arguments are {valid}")
            try:
                inspect.signature(cls).bind(**arguments)
                built.append(cls(**arguments))
            except (TypeError, ValueError) as error:
                raise self.error(where, f"{name}: {error}") from None
        if not built:
            raise self.error(section, "stops is empty; give at least one criterion")
        return built

    def split(self, fractions):
        if not (2 <= len(fractions) <= 3 and all(isinstance(f, (int, float))
                                                 and not isinstance(f, bool) and f > 0
                                                 for f in fractions)
                and abs(sum(fractions) - 1.0) < 1e-9):
            raise self.error("data", f"split must be 2 or 3 fractions > 0 summing to 1 "
                                     f"([train, test] or [train, valid, test]), got {fractions!r}")
        return fractions

    def output_path(self, key, relative):
        path = self.resolved(relative)
        if not os.path.isdir(os.path.dirname(path)):
            raise self.error("output", f"{key}: folder {os.path.dirname(path)} does not exist")
        return path


def load_config(path, model=None, report=None, results=None):
    """Read and check a training configuration, building the objects it describes.

    Args:
        path: the TOML file.
        model, report, results: optional output files replacing the [output] table's
            (relative to the working directory); their folders are checked here too, before
            any training.

    Raises:
        FileNotFoundError: no such file.
        ConfigError: malformed TOML, an unknown table or key, a value of the wrong type or
            outside its choices; the message names the file, the table and the key.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ConfigError(f"{path} is a folder, not a configuration file")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no such configuration file: {path}")
    with open(path, "rb") as stream:
        content = stream.read()
    try:
        raw = tomllib.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path} is not a UTF-8 text file (a TOML configuration): "
                          f"{error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    reader = _Reader(path)
    unknown = [section for section in raw if section not in SECTIONS]
    if unknown:
        raise ConfigError(f"{path}: unknown table [{unknown[0]}]; valid tables are "
                          f"{list(SECTIONS)}")

    network_args = reader.table(raw, "network")
    if "units_layers" not in network_args:
        raise reader.error("network", "units_layers is required, e.g. units_layers = [4, 10, 3]")
    try:
        network = NetworkParameters(**network_args)
    except (TypeError, ValueError) as error:
        raise reader.error("network", str(error)) from None

    data = reader.typed("data", reader.table(raw, "data"), _DATA_KEYS)
    if "path" not in data:
        raise reader.error("data", "path is required: the data file, relative to this file")
    data = {"format": "auto", "label_column": -1, "split": [0.7, 0.15, 0.15],
            "balanced": network.classification, "seed": 123, "scaling": "standard",
            "scale_targets": not network.classification, **data}
    data["path"] = reader.resolved(data["path"])
    reader.split(data["split"])
    if data["scale_targets"] and network.classification:
        raise reader.error("data", "scale_targets applies to regression only "
                                   "([network] classification = false)")

    optimizer_args = reader.table(raw, "optimizer")
    if "stops" in optimizer_args:
        if not isinstance(optimizer_args["stops"], list):
            raise reader.error("optimizer", f"stops must be an array of tables, got "
                                            f"{optimizer_args['stops']!r}")
        optimizer_args["stops"] = reader.stops("optimizer", optimizer_args["stops"])
    try:
        optimizer = OptimizerParameters(**optimizer_args)
    except (TypeError, ValueError) as error:
        raise reader.error("optimizer", str(error)) from None

    fit_args = reader.typed("fit", reader.table(raw, "fit"), _FIT_KEYS)
    if "stops" in fit_args:
        fit_args["stops"] = reader.stops("fit", fit_args["stops"])
    fit_args = {"engine": "local", "verbose": 1, **fit_args}
    if "measure" in fit_args:
        metrics = ClassificationMetrics if network.classification else RegressionMetrics
        if fit_args["measure"] not in metrics.measures:
            raise reader.error("fit", f"measure = {fit_args['measure']!r} is not valid; valid "
                                      f"choices are {list(metrics.measures)}")

    search = None
    if "search" in raw:
        search = {"n_iter": 10, "n_layers": 0, "seed": 123, "workers": None, "domain": {},
                  **reader.typed("search", reader.table(raw, "search"), _SEARCH_KEYS)}
        if len(data["split"]) != 3:
            raise reader.error("data", "a search needs split = [train, valid, test]: the "
                                       "validation part chooses, the test part is reported")
        if search["workers"] is not None and search["workers"] < 1:
            raise reader.error("search", f"workers must be an integer >= 1 (worker processes), "
                                         f"got {search['workers']!r}")
        domain = {key: tuple(tuple(v) if isinstance(v, list) else v for v in value)
                  if key != "activation" else value for key, value in search["domain"].items()}
        search["domain"] = {**network_domain, **domain}
        try:
            RandomSearch(network, n_layers=search["n_layers"], n_iter=search["n_iter"],
                         net_domain=search["domain"], seed=search["seed"])
        except (TypeError, ValueError) as error:
            raise reader.error("search", str(error)) from None
    elif network.searched:
        raise reader.error("network", f"{network.searched} set to true describe a search: run "
                                      "`learninspy search` with a [search] table")

    name = os.path.splitext(os.path.basename(path))[0]
    output = {"model": f"{name}.lea", "report": f"{name}-report.json",
              "results": f"{name}-search.csv",
              **reader.typed("output", reader.table(raw, "output"), _OUTPUT_KEYS)}
    output = {key: reader.output_path(key, value) for key, value in output.items()}
    for key, value in (("model", model), ("report", report), ("results", results)):
        if value is not None:
            output[key] = os.path.abspath(value)
            if not os.path.isdir(os.path.dirname(output[key])):
                raise ConfigError(f"--{key} {value}: folder {os.path.dirname(output[key])} "
                                  "does not exist")
    return TrainingConfig(path, raw, data, network, optimizer, fit_args, output, search)
