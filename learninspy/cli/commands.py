"""What each subcommand of ``learninspy`` does; each returns the exit code.

The command line prints its results on standard output (it is the only part of learninspy
that prints); training progress goes through logging to standard error.
"""

import datetime
import json
import math
import os
import time

import numpy as np

from learninspy import __version__
from learninspy.cli.config import ConfigError, load_config
from learninspy.core.model import NeuralNetwork
from learninspy._internal.files import atomic_writer
from learninspy.core.scaled_model import ScaledModel
from learninspy.data.labeled import LocalLabeledDataSet, split_label_column
from learninspy.data.scaling import SCALERS, StandardScaler
from learninspy.data.splits import split_data
from learninspy.data.tables import read_table, write_table
from learninspy.metrics import metrics_table, predicted_classes

__all__ = ["demo", "train", "search", "evaluate", "predict", "info"]


def demo(arguments):
    """Run a tutorial (``examples/NAME.py``); print the network, its test metrics and where
    its plots went."""
    from learninspy.demos import report, run_demo
    report(run_demo(arguments.name, quick=arguments.quick, engine=arguments.engine,
                    verbose=1), arguments.plots)
    return 0


def _strict_json(value):
    """``value`` with NaN and infinities replaced by None, so that the JSON is standard."""
    if isinstance(value, dict):
        return {key: _strict_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict_json(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _prepared_data(config):
    """The configuration's data, read, checked against the network, split, and its scalers
    fitted on the training part: (parts by name, feature scaler, target scaler)."""
    data_config = config.data
    data = LocalLabeledDataSet().load_file(data_config["path"], data_config["label_column"],
                                           data_config["format"])
    inputs = config.network.units_layers[0]
    if data.shape[1] != inputs:
        raise ConfigError(f"{config.path}: [network] units_layers starts with {inputs} inputs "
                          f"but {data_config['path']} has {data.shape[1]} feature columns "
                          f"(besides label_column {data_config['label_column']})")
    parts = split_data(data, data_config["split"], seed=data_config["seed"],
                       balanced=data_config["balanced"])
    sets = dict(zip(["train", "valid", "test"] if len(parts) == 3 else ["train", "test"], parts))
    scaling = data_config["scaling"]
    features = None if scaling == "none" else SCALERS[scaling]().fit(sets["train"])
    targets = StandardScaler().fit(sets["train"].labels.reshape(len(sets["train"]), -1)) \
        if data_config["scale_targets"] else None
    return sets, features, targets


def _save_outputs(config, model, sets, seconds, extra=None):
    """Save the model and the JSON report; print the metrics and where they went."""
    metrics = {name: model.metrics(part) for name, part in sets.items()}
    data_config = config.data
    extra = {
        "learninspy_version": __version__,
        "trained_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "training_seconds": round(seconds, 3),
        "config_file": os.path.abspath(config.path),
        "data": {"path": data_config["path"], "format": data_config["format"],
                 "label_column": data_config["label_column"],
                 "rows": {name: len(part) for name, part in sets.items()}},
        "metrics": metrics,
        "config": config.raw,
        **(extra or {}),
    }
    model.save(config.output["model"], _strict_json(extra))
    report = {**extra, "model_file": config.output["model"],
              "history": model.model.history.as_dict()}
    with atomic_writer(config.output["report"]) as stream:
        json.dump(_strict_json(report), stream, indent=2)
    print(metrics_table(metrics))
    print(f"model saved to {config.output['model']}")
    print(f"report saved to {config.output['report']}")


def train(arguments):
    """Train the network a configuration describes; save the model and a metrics report."""
    config = load_config(arguments.config, model=arguments.model, report=arguments.report)
    if config.network.searched:
        raise ConfigError(f"{config.path}: [network] sets {config.network.searched} to true, "
                          "which describes a search: run `learninspy search` on it")
    sets, features, targets = _prepared_data(config)
    model = ScaledModel(NeuralNetwork(config.network), features, targets)
    started = time.perf_counter()
    model.model.fit(model.training_data(sets["train"]),
                    model.training_data(sets["valid"]) if "valid" in sets else None,
                    optimizer_params=config.optimizer, **config.fit)
    seconds = time.perf_counter() - started
    print(f"trained in {seconds:.1f}s ({len(model.model.history)} iterations)")
    _save_outputs(config, model, sets, seconds)
    return 0


def search(arguments):
    """Random search over the [network] fields set to true; keep the best model by its
    validation score; save it, the report and the table of candidates."""
    from learninspy.training.search import RandomSearch
    config = load_config(arguments.config, model=arguments.model, report=arguments.report,
                         results=arguments.results)
    if config.search is None:
        raise ConfigError(f"{config.path}: a search needs a [search] table (n_iter, n_layers, "
                          "seed, workers, domain)")
    settings = config.search
    sets, features, targets = _prepared_data(config)
    scaled = ScaledModel(None, features, targets)
    searcher = RandomSearch(config.network, n_layers=settings["n_layers"],
                            n_iter=settings["n_iter"], net_domain=settings["domain"],
                            seed=settings["seed"])
    fit = dict(config.fit)
    engine, verbose = fit.pop("engine"), fit.pop("verbose")
    started = time.perf_counter()
    best = searcher.fit(NeuralNetwork, *(scaled.training_data(sets[name])
                                         for name in ("train", "valid", "test")),
                        optimizer_params=config.optimizer, engine=engine,
                        workers=settings["workers"], verbose=verbose, **fit)
    seconds = time.perf_counter() - started
    scaled.model = best
    searcher.results.to_csv(config.output["results"])
    print(f"searched {len(searcher.results)} candidates in {seconds:.1f}s")
    print(searcher.results)
    _save_outputs(config, scaled, sets, seconds,
                  {"search": {"results_file": config.output["results"],
                              "candidates": searcher.results.rows}})
    print(f"table of candidates saved to {config.output['results']}")
    return 0


def _load_model(path):
    model, extra = ScaledModel.load(path)
    return model, extra, extra.get("data") or {}


def evaluate(arguments):
    """Print every metric of the model's task on a labeled data file."""
    model, _, trained_on = _load_model(arguments.model)
    label_column = arguments.label_column if arguments.label_column is not None \
        else trained_on.get("label_column", -1)
    data = LocalLabeledDataSet().load_file(arguments.data, label_column,
                                           arguments.format or trained_on.get("format", "auto"))
    print(f"{arguments.data}: {len(data)} examples")
    print(metrics_table({"value": model.metrics(data)}))
    return 0


def predict(arguments):
    """Write the model's predictions for a data file, one line per example: the class for
    classification, the predicted value(s) for regression."""
    model, _, trained_on = _load_model(arguments.model)
    table = read_table(arguments.data, arguments.format or trained_on.get("format", "auto"))
    inputs = int(np.prod(model.model.input_shape))
    if table.shape[1] == inputs + 1:  # a labeled file: drop the label
        label_column = arguments.label_column if arguments.label_column is not None \
            else trained_on.get("label_column", -1)
        table = split_label_column(table, label_column, arguments.data)[0]
    elif table.shape[1] != inputs:
        raise ValueError(f"{arguments.data} has {table.shape[1]} columns; the model takes "
                         f"{inputs} features (or {inputs + 1} columns with a label)")
    outputs = model.predict(table)
    if model.classification:
        predictions, fmt = predicted_classes(outputs).reshape(-1, 1), "%d"
    else:
        predictions, fmt = outputs, "%.9g"
    if arguments.output:
        write_table(arguments.output, predictions, fmt=fmt)
        print(f"{len(predictions)} predictions written to {arguments.output}")
    else:
        for row in predictions:
            print(" ".join(fmt % value for value in row))
    return 0


def info(arguments):
    """Print a model file's summary and what is known of its training."""
    model, extra, trained_on = _load_model(arguments.model)
    network = model.model
    print(network.summary(print_fn=None))
    task = "classification" if network.classification else "regression"
    lines = [f"File: {os.path.abspath(arguments.model)}",
             f"Task: {task}, {int(np.prod(network.input_shape))} inputs, "
             f"{int(np.prod(network.output_shape))} outputs, dtype {network.dtype.name}"]
    for name, scaler in (("Feature scaling", model.feature_scaler),
                         ("Target scaling", model.target_scaler)):
        lines.append(f"{name}: {type(scaler).__name__ if scaler is not None else 'none'}")
    if "trained_at" in extra:
        lines.append(f"Trained: {extra['trained_at']} with learninspy "
                     f"{extra.get('learninspy_version')}, in {extra.get('training_seconds')}s")
    if trained_on:
        rows = ", ".join(f"{k} {v}" for k, v in trained_on.get("rows", {}).items())
        lines.append(f"Data: {trained_on.get('path')} (label column "
                     f"{trained_on.get('label_column')}; {rows} rows)")
    history = network.history
    if history is not None and len(history):
        final = ", ".join(f"{k} {v:.4f}" for k, v in history.final.items()
                          if v is not None and math.isfinite(v))
        lines.append(f"History: {len(history)} iterations in {history.seconds[-1]:.2f}s; "
                     f"final {history.measure}: {final}")
    print("\n".join(lines))
    if extra.get("metrics"):
        print(metrics_table(extra["metrics"]))
    return 0
