"""What each subcommand of ``learninspy`` does; each returns the exit code.

The command line prints its results on standard output (it is the only part of learninspy
that prints); training progress goes through logging to standard error.
"""

import contextlib
import datetime
import json
import math
import os
import shlex
import signal
import sys
import time

import numpy as np

from learninspy import __version__
from learninspy.cli.config import ConfigError, load_config
from learninspy.core.model import NeuralNetwork
from learninspy._internal.files import atomic_writer, check_outputs, check_plots_folder
from learninspy.core.scaled_model import ScaledModel
from learninspy.data.labeled import LocalLabeledDataSet, split_label_column
from learninspy.data.scaling import SCALERS, StandardScaler
from learninspy.data.splits import split_data
from learninspy.data.tables import FORMATS, read_table, write_table
from learninspy.training.callbacks import Interruptible
from learninspy.metrics import metrics_table, predicted_classes

__all__ = ["demo", "train", "search", "evaluate", "predict", "info"]


def demo(arguments):
    """Run a tutorial (``examples/NAME.py``); print the network, its test metrics and where
    its plots went."""
    from learninspy.demos import report, run_demo
    if arguments.plots:
        check_plots_folder(arguments.plots)
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


def _check_outputs(config, **more):
    """Refuse, before reading the data, outputs that are inputs or share a file, or that
    cannot be written."""
    check_outputs({**{key: config.output[key] for key in config.output
                      if key != "results" or config.search is not None}, **more},
                  {"configuration": config.path, "data file": config.data["path"]})


def _resume_command(arguments):
    words = ["learninspy", arguments.command, arguments.config]
    for option in ("model", "report"):
        if getattr(arguments, option, None):
            words += [f"--{option}", getattr(arguments, option)]
    return shlex.join(words + ["--resume"])


def train(arguments):
    """Train the network a configuration describes; save the model and a metrics report.

    The fit keeps a checkpoint beside the model file. Ctrl+C (or SIGTERM) ends the current
    iteration, saves the model reached and a report saying so, and exits 130; ``--resume``
    then continues from the checkpoint and ends as an uninterrupted run. A second Ctrl+C
    aborts at once, the checkpoint holding the last finished iteration.
    """
    config = load_config(arguments.config, model=arguments.model, report=arguments.report)
    if config.network.searched:
        raise ConfigError(f"{config.path}: [network] sets {config.network.searched} to true, "
                          "which describes a search: run `learninspy search` on it")
    checkpoint = config.output["model"] + ".checkpoint"
    _check_outputs(config, checkpoint=checkpoint)
    if arguments.resume and not os.path.isfile(checkpoint):
        raise ConfigError(f"--resume: there is no checkpoint {checkpoint} to resume from (an "
                          "interrupted `learninspy train` leaves one)")
    sets, features, targets = _prepared_data(config)
    model = ScaledModel(NeuralNetwork(config.network), features, targets)
    interruption = Interruptible()
    started = time.perf_counter()
    try:
        model.model.fit(model.training_data(sets["train"]),
                        model.training_data(sets["valid"]) if "valid" in sets else None,
                        optimizer_params=config.optimizer, checkpoint=checkpoint,
                        resume=arguments.resume, callbacks=[interruption], **config.fit)
    except KeyboardInterrupt:
        print(f"learninspy train: aborted; {checkpoint} holds the "
              f"{len(model.model.history or [])} iterations finished; resume with: "
              f"{_resume_command(arguments)}", file=sys.stderr)
        return 130
    seconds = time.perf_counter() - started
    history = model.model.history
    print(f"trained in {seconds:.1f}s ({len(history)} iterations)")
    if interruption.received is None:
        _save_outputs(config, model, sets, seconds)
        os.remove(checkpoint)  # the run is complete: the model file holds it
        return 0
    _save_outputs(config, model, sets, seconds, {"interrupted": {
        "signal": interruption.received, "after_iteration": interruption.at_iteration,
        "checkpoint": checkpoint, "resume": _resume_command(arguments)}})
    print(f"interrupted by {interruption.received} after iteration "
          f"{interruption.at_iteration}: the model reached is saved; resume with: "
          f"{_resume_command(arguments)}", file=sys.stderr)
    return 130


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
    _check_outputs(config)
    sets, features, targets = _prepared_data(config)
    scaled = ScaledModel(None, features, targets)
    searcher = RandomSearch(config.network, n_layers=settings["n_layers"],
                            n_iter=settings["n_iter"], net_domain=settings["domain"],
                            seed=settings["seed"])
    fit = dict(config.fit)
    engine, verbose = fit.pop("engine"), fit.pop("verbose")
    started = time.perf_counter()
    with _stopping_on_signals(searcher.stop):
        best = searcher.fit(NeuralNetwork, *(scaled.training_data(sets[name])
                                             for name in ("train", "valid", "test")),
                            optimizer_params=config.optimizer, engine=engine,
                            workers=settings["workers"], verbose=verbose, **fit)
    seconds = time.perf_counter() - started
    scaled.model = best
    results = searcher.results
    results.to_csv(config.output["results"])
    print(f"searched {len(results)} candidates in {seconds:.1f}s")
    print(results)
    extra = {"search": {"results_file": config.output["results"], "candidates": results.rows}}
    if results.interrupted:
        extra["interrupted"] = {"candidates_trained": len(results),
                                "candidates": settings["n_iter"]}
    _save_outputs(config, scaled, sets, seconds, extra)
    print(f"table of candidates saved to {config.output['results']}")
    if results.interrupted:
        print(f"interrupted after {len(results)} of {settings['n_iter']} candidates: the best "
              "of those is saved; run the search again to train every candidate",
              file=sys.stderr)
        return 130
    return 0


@contextlib.contextmanager
def _stopping_on_signals(stop, signals=(signal.SIGINT, signal.SIGTERM)):
    """The first Ctrl+C (or SIGTERM) calls ``stop``; a second one interrupts at once."""
    received = []

    def handler(signum, frame):
        if received:
            raise KeyboardInterrupt(f"a second {signal.Signals(signum).name}: aborted")
        received.append(signum)
        stop()

    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


#: What the command line reads of the metadata it saves, and what each field must be.
_METADATA = {
    "trained_at": (lambda v: isinstance(v, str), "a date"),
    "learninspy_version": (lambda v: isinstance(v, str), "a version"),
    "training_seconds": (_is_number, "a number"),
    "config_file": (lambda v: isinstance(v, str), "a path"),
    "data": (lambda v: isinstance(v, dict) and all(
        (key != "path" or isinstance(value, str))
        and (key != "format" or value in ("auto", *FORMATS))
        and (key != "label_column" or (isinstance(value, int) and not isinstance(value, bool)))
        and (key != "rows" or (isinstance(value, dict) and all(
            isinstance(n, int) and not isinstance(n, bool) for n in value.values())))
        for key, value in v.items()), "an object of path, format, label_column and rows"),
    "metrics": (lambda v: isinstance(v, dict) and all(
        isinstance(part, dict) and all(_is_number(x) or x is None for x in part.values())
        for part in v.values()), "an object of metrics by data set"),
}


def _load_model(path):
    """(ScaledModel, metadata, what it was trained on), every field the commands read
    checked first."""
    model, extra = ScaledModel.load(path)
    for key, (valid, what) in _METADATA.items():
        if key in extra and not valid(extra[key]):
            raise ValueError(f"{path}: extra.{key} must be {what}, got {extra[key]!r:.60}")
    return model, extra, extra.get("data") or {}


def printable(text):
    """``text`` with every control character escaped (``\\x1b`` and the like), so that text
    from a file cannot retitle the terminal, write to the clipboard or clear the screen."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in str(text))


def evaluate(arguments):
    """Print every metric of the model's task on a labeled data file."""
    model, _, trained_on = _load_model(arguments.model)
    label_column = arguments.label_column if arguments.label_column is not None \
        else trained_on.get("label_column", -1)
    table = read_table(arguments.data, arguments.format or trained_on.get("format", "auto"))
    inputs = int(np.prod(model.model.input_shape))
    if table.shape[1] != inputs + 1:
        raise ValueError(f"{arguments.data} has {table.shape[1]} columns; the model takes "
                         f"{inputs} features and the label ({inputs + 1} columns, the label "
                         f"in column {label_column})")
    data = LocalLabeledDataSet(split_label_column(table, label_column, arguments.data))
    print(f"{arguments.data}: {len(data)} examples")
    print(metrics_table({"value": model.metrics(data)}))
    return 0


def predict(arguments):
    """Write the model's predictions for a data file, one line per example: the class for
    classification, the predicted value(s) for regression."""
    if arguments.output:
        check_outputs({"output": arguments.output},
                      {"model file": arguments.model, "data file": arguments.data})
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
    network.name = None if network.name is None else printable(network.name)
    for layer in network.layers:
        layer.name = None if layer.name is None else printable(layer.name)
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
    print("\n".join(printable(line) for line in lines))
    if extra.get("metrics"):
        print("\n".join(printable(line) for line in
                        metrics_table(extra["metrics"]).splitlines()))
    return 0
