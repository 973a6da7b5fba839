"""The ``learninspy`` command line, end to end: demo, train -> info -> evaluate -> predict, and
the errors a user meets."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from learninspy.cli import main
from learninspy.cli.config import _FIT_KEYS, SECTIONS, load_config
from learninspy.core.training import fit
from learninspy.utils.data import load_ccpp, load_iris

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

REGRESSION = """
[data]
path = "ccpp.csv"
split = [0.8, 0.2]

[network]
units_layers = [4, 16, 1]
activation = ["ReLU", "Identity"]
classification = false

[optimizer]
algorithm = "Adam"
options = { step-rate = 0.01 }
stops = [{ criterion = "MaxIterations", max_iter = 10 }]
sampling = "fresh"
keep_state = true

[fit]
mini_batch = 64
parallelism = 1
stops = [{ criterion = "MaxIterations", max_iter = 40 }]
verbose = 0
"""


def test_demo_prints_the_network_and_its_test_metrics_and_writes_plots(capsys, tmp_path):
    assert main(["demo", "spiral", "--quick", "--plots", str(tmp_path / "plots")]) == 0
    out = capsys.readouterr().out
    assert 'Model: "NeuralNetwork"' in out and "learninspy demo 'spiral'" in out
    assert "Accuracy" in out and "270 held-out examples" in out
    written = sorted(os.listdir(tmp_path / "plots"))
    assert written == [f"spiral_{kind}.png" for kind in ("activations", "confusion_matrix",
                                                         "decision_boundary", "fitting",
                                                         "neurons")]


def test_train_info_evaluate_predict_on_the_example_config(capsys, tmp_path):
    model, report = tmp_path / "iris.lea", tmp_path / "iris-report.json"
    assert main(["train", str(EXAMPLES / "iris.toml"), "--model", str(model),
                 "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "model saved to" in out and "train" in out and "test" in out
    saved = json.loads(report.read_text())
    assert saved["data"]["rows"] == {"train": 105, "test": 45}
    assert saved["metrics"]["test"]["Accuracy"] >= 0.95
    assert len(saved["history"]["iterations"]) == 150
    assert saved["config"]["network"]["units_layers"] == [4, 10, 3]

    assert main(["info", str(model)]) == 0
    out = capsys.readouterr().out
    assert "neural_layer_1 (NeuralLayer)" in out and "Total params: 83" in out
    assert "Task: classification, 4 inputs, 3 outputs" in out and "150 iterations" in out
    assert "iris.csv (label column -1; train 105, test 45 rows)" in out

    iris_file = EXAMPLES.parent / "learninspy" / "datasets" / "iris.csv"
    assert main(["evaluate", str(model), str(iris_file)]) == 0
    out = capsys.readouterr().out
    accuracy = float(next(line for line in out.splitlines()
                          if line.startswith("Accuracy")).split()[1])

    predictions = tmp_path / "predictions.csv"
    assert main(["predict", str(model), str(iris_file), "--output", str(predictions)]) == 0
    predicted = np.loadtxt(predictions)
    assert predicted.shape == (150,) and set(predicted) <= {0, 1, 2}
    assert np.mean(predicted == load_iris().labels) == pytest.approx(accuracy, abs=1e-4)


def test_regression_end_to_end_in_the_targets_units(capsys, tmp_path):
    ccpp = load_ccpp()
    subset = np.column_stack([ccpp.features[:1500], ccpp.labels[:1500]])
    np.savetxt(tmp_path / "ccpp.csv", subset, delimiter=",", fmt="%.6g")
    (tmp_path / "ccpp.toml").write_text(REGRESSION)
    assert main(["train", str(tmp_path / "ccpp.toml")]) == 0
    capsys.readouterr()
    model = tmp_path / "ccpp.lea"  # default output names, next to the configuration
    assert model.exists() and (tmp_path / "ccpp-report.json").exists()
    assert main(["info", str(model)]) == 0
    out = capsys.readouterr().out
    assert "Feature scaling: StandardScaler\nTarget scaling: StandardScaler" in out
    features_only = tmp_path / "features.txt"
    np.savetxt(features_only, subset[:20, :4])
    assert main(["predict", str(model), str(features_only)]) == 0
    predicted = np.array(capsys.readouterr().out.split(), dtype=float)
    assert predicted.shape == (20,) and np.mean(np.abs(predicted - subset[:20, 4])) < 15  # MW
    assert main(["evaluate", str(model), str(tmp_path / "ccpp.csv")]) == 0
    r2 = float(next(line for line in capsys.readouterr().out.splitlines()
                    if line.startswith("R2")).split()[1])
    assert r2 > 0.8


def _train_with(tmp_path, capsys, text, data="1,2,3,4,0\n5,6,7,8,1\n" * 10, command="train"):
    (tmp_path / "data.csv").write_text(data)
    (tmp_path / "bad.toml").write_text(text)
    code = main([command, str(tmp_path / "bad.toml")])
    error = capsys.readouterr().err
    assert not (tmp_path / "bad.lea").exists()  # nothing was trained or written
    return code, error


BASE = '[data]\npath = "data.csv"\n[network]\nunits_layers = [4, 3, 2]\n'


@pytest.mark.parametrize("text, message", [
    (BASE + "[fit]\nengine = 'gpu'\n",
     r"\[fit\] engine = 'gpu' is not valid; valid choices are \['local', 'spark'\]"),
    (BASE + "[fit]\nminibatch = 3\n", r"\[fit\] unknown key 'minibatch'; valid keys are "
                                      r"\['mini_batch', "),
    (BASE + "[fit]\nmini_batch = '32'\n", r"\[fit\] mini_batch must be of type int, got '32'"),
    (BASE + "[fit]\nmeasure = 'R2'\n", r"\[fit\] measure = 'R2' is not valid; valid choices "
                                       r"are \['Accuracy'"),
    (BASE.replace("[4, 3, 2]", "[4, 3, 2]\nstrength_l2 = true"),
     r"\[network\] \['strength_l2'\] set to true describe a search: run `learninspy search`"),
    (BASE.replace("[4, 3, 2]", "[4, 3, 2]\nstrength_l2 = true") + "[search]\nn_iter = 0\n",
     r"\[search\] n_iter must be an integer >= 1"),
    (BASE.replace('"data.csv"', '"data.csv"\nsplit = [0.8, 0.2]') + "[search]\nn_iter = 2\n",
     r"\[data\] a search needs split = \[train, valid, test\]"),
    (BASE.replace("[4, 3, 2]", "[4, 3, 2]\nstrength_l1 = true")
     + "[search]\ndomain = { l1 = [[1e-3, 1e-6], 6] }\n",
     r"\[search\] domain entry 'l1': low 0.001 is greater than high 1e-06"),
    (BASE + "[optimizer]\nalgorithm = 'SGD'\n",
     r"\[optimizer\] unknown optimization algorithm 'SGD'; valid choices are \['GD'"),
    (BASE + "[optimizer]\noptions = { learning-rate = 0.1 }\n",
     r"\[optimizer\] unknown option 'learning-rate' for Adadelta; valid options are"),
    (BASE + "[fit]\nstops = [{ criterion = 'MaxEpochs', max_iter = 3 }]\n",
     r"\[fit\] stops\[0\] unknown criterion 'MaxEpochs'; valid choices are \['MaxIterations'"),
    (BASE + "[fit]\nstops = [{ criterion = 'MaxIterations', n = 3 }]\n",
     r"unknown argument 'n' of MaxIterations; valid arguments are \['max_iter'\]"),
    (BASE.replace("units_layers", "units"), r"\[network\] unknown key 'units'; valid keys are "
                                            r"\['units_layers'"),
    (BASE + "[network2]\n", r"unknown table \[network2\]; valid tables are \['data', 'network'"),
    (BASE.replace("[4, 3, 2]", "[4, 0, 2]"), r"\[network\] units_layers must be a list of at "
                                             r"least 2 positive integers"),
    (BASE + "[data]\n", r"bad\.toml: not valid TOML"),
    (BASE.replace('"data.csv"', '"data.csv"\nscaling = "robust"'),
     r"\[data\] scaling = 'robust' is not valid; valid choices are \['none', 'standard', "
     r"'minmax'\]"),
    (BASE.replace('"data.csv"', '"data.csv"\nsplit = [0.5, 0.2]'),
     r"\[data\] split must be 2 or 3 fractions > 0 summing to 1"),
    (BASE + "[output]\nmodel = 'nowhere/m.lea'\n",
     r"\[output\] model: folder .*nowhere does not exist"),
    (BASE.replace("[4, 3, 2]", "[5, 3, 2]"),
     r"\[network\] units_layers starts with 5 inputs but .*data\.csv has 4 feature columns"),
    (BASE.replace('"data.csv"', '"absent.csv"'), r"no such data file: .*absent\.csv"),
])
def test_bad_configurations_name_the_key_and_the_choices(tmp_path, capsys, text, message):
    code, error = _train_with(tmp_path, capsys, text)
    assert code == 2
    assert error.startswith("learninspy train: error: ")
    assert re.search(message, error), error


def test_search_on_the_example_config(capsys, tmp_path):
    outputs = {name: tmp_path / name for name in ("best.lea", "report.json", "table.csv")}
    assert main(["search", str(EXAMPLES / "iris_search.toml"), "--model",
                 str(outputs["best.lea"]), "--report", str(outputs["report.json"]),
                 "--results", str(outputs["table.csv"])]) == 0
    out = capsys.readouterr().out
    assert out.startswith("searched 8 candidates in ")
    report = json.loads(outputs["report.json"].read_text())
    rows = report["search"]["candidates"]
    assert len(rows) == 8 and [r["rank"] for r in rows] == list(range(1, 9))
    assert report["metrics"]["valid"]["F-measure"] == pytest.approx(rows[0]["valid"])
    assert len(outputs["table.csv"].read_text().splitlines()) == 1 + 8
    assert main(["info", str(outputs["best.lea"])]) == 0
    assert 'Model: "NeuralNetwork"' in capsys.readouterr().out


def test_domain_overrides_in_a_config_are_checked(tmp_path, capsys):
    text = (BASE.replace('"data.csv"', '"data.csv"\nsplit = [0.6, 0.2, 0.2]')
            .replace("[4, 3, 2]", "[4, 3, 2]\nactivation = true")
            + "[search]\ndomain = { activation = ['ReLU', 'Swish'] }\n")
    code, error = _train_with(tmp_path, capsys, text, command="search")
    assert code == 2 and "[search] unknown activation 'Swish'" in error


def test_a_missing_output_folder_is_refused_before_training(tmp_path, capsys):
    assert main(["train", str(EXAMPLES / "iris.toml"), "--model",
                 str(tmp_path / "no" / "m.lea")]) == 2
    captured = capsys.readouterr()
    assert re.search(r"--model .*no/m\.lea: folder .*no does not exist", captured.err)
    assert captured.out == ""  # refused before training: nothing trained, nothing printed


def test_malformed_data_names_the_file_and_the_line(tmp_path, capsys):
    code, error = _train_with(tmp_path, capsys, BASE, data="1,2,3,4,0\n1,2,3;4,1\n")
    assert code == 2 and "data.csv, line 2: '3;4' is not a number" in error
    code, error = _train_with(tmp_path, capsys, BASE, data="1,2,3,4,0\n1,2,3,4,7\n")
    assert code == 2 and "label 7.0 at row" in error and "is not a class index in [0, 2)" in error


def test_info_and_predict_on_a_model_saved_by_the_api(tmp_path, capsys):
    from learninspy.core.model import NetworkParameters, NeuralNetwork
    network = NeuralNetwork(NetworkParameters([4, 5, 3], seed=0))
    network.save(tmp_path / "plain.lea")
    assert main(["info", str(tmp_path / "plain.lea")]) == 0
    out = capsys.readouterr().out
    assert "Total params: 43" in out and "Feature scaling: none" in out and "Trained:" not in out
    np.savetxt(tmp_path / "x.csv", load_iris().features[:5], delimiter=",")
    assert main(["predict", str(tmp_path / "plain.lea"), str(tmp_path / "x.csv")]) == 0
    expected = network.predict(load_iris().features[:5]).argmax(axis=1)
    assert capsys.readouterr().out.split() == [str(c) for c in expected]
    np.savetxt(tmp_path / "wide.csv", np.ones((2, 7)), delimiter=",")
    assert main(["predict", str(tmp_path / "plain.lea"), str(tmp_path / "wide.csv")]) == 2
    assert "wide.csv has 7 columns; the model takes 4 features (or 5 columns with a label)" \
        in capsys.readouterr().err


def test_bad_model_and_data_files(tmp_path, capsys):
    assert main(["info", str(tmp_path / "none.lea")]) == 2
    assert "no model file at" in capsys.readouterr().err
    (tmp_path / "junk.lea").write_bytes(b"not a model")
    assert main(["evaluate", str(tmp_path / "junk.lea"), "x.csv"]) == 2
    assert "is not a learninspy model file" in capsys.readouterr().err


def test_training_that_diverges_exits_with_1(tmp_path, capsys):
    text = BASE.replace("[4, 3, 2]", "[4, 3, 1]\nclassification = false\nactivation = 'Identity'") \
        + "[optimizer]\nalgorithm = 'GD'\noptions = { step-rate = 1e30 }\n[fit]\nverbose = 0\n"
    code, error = _train_with(tmp_path, capsys, text)
    assert code == 1 and "learninspy train: training failed: the " in error
    assert "Lower the step-rate or scale the data" in error


def test_the_schema_follows_the_api():
    import inspect
    from learninspy.core.model import NetworkParameters
    assert set(_FIT_KEYS) <= set(inspect.signature(fit).parameters)
    assert SECTIONS["network"] == list(inspect.signature(NetworkParameters).parameters)
    config = load_config(EXAMPLES / "iris.toml")
    assert config.data["path"] == str((EXAMPLES.parent / "learninspy" / "datasets" / "iris.csv"))
    assert config.fit["stops"][0].max_iter == 150 and config.optimizer.sampling == "fresh"


def test_console_script_and_bad_arguments(tmp_path):
    result = subprocess.run([sys.executable, "-m", "learninspy", "demo", "nonsense"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "invalid choice: 'nonsense'" in result.stderr
    console = shutil.which("learninspy", path=os.path.dirname(sys.executable))
    result = subprocess.run([console, "info", str(tmp_path / "absent.lea")], capture_output=True,
                            text=True)
    assert result.returncode == 2 and "no model file at" in result.stderr
