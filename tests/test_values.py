"""Values: refused where they are wrong, with an error that names the argument, the key, the
row or the file -- before any work, with nothing changed."""

import signal

import numpy as np
import pytest

from learninspy.cli import main
from learninspy.core.autoencoder import AutoEncoder
from learninspy.core.layers import KLSparsity
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.sequential import Sequential
from learninspy.core.stops import (AchieveTolerance, MaxIterations, NotBetterThanAfter, OnSignal,
                                   Patience, TimeElapsed)
from learninspy.data.pca import PCA
from learninspy.data.scaling import MinMaxScaler, StandardScaler
from learninspy.data.tables import read_table
from learninspy.training.search import RandomSearch

IRIS = (np.random.default_rng(0).normal(size=(30, 4)), np.arange(30) % 3)


@pytest.mark.parametrize("build, error, message", [
    (lambda: NetworkParameters([4, 3], classification="false"), ValueError,
     "classification must be True or False, got 'false'"),
    (lambda: OptimizerParameters("Adam", keep_state="no"), ValueError,
     "keep_state must be True or False, got 'no'"),
    (lambda: NetworkParameters([4, 3], strength_l1=float("nan")), ValueError,
     "strength_l1 must be a number >= 0"),
    (lambda: NetworkParameters([4, 3], strength_l2=float("inf")), ValueError, "strength_l2"),
    (lambda: NetworkParameters([4, 3], seed="abc"), ValueError,
     "seed must be an integer >= 0 .* got 'abc'"),
    (lambda: NetworkParameters([4, 3], dtype="float16"), ValueError, "dtype must be"),
    (lambda: Sequential(seed=-1), ValueError, "seed must be an integer >= 0"),
    (lambda: Sequential(strength_l2="high"), ValueError, "strength_l2 must be a number >= 0"),
    (lambda: Sequential(input_shape=("4",)), ValueError, "input_shape must be a tuple"),
    (lambda: AchieveTolerance("high"), ValueError, "tolerance must be a number, got 'high'"),
    (lambda: MaxIterations(2.5), ValueError, "max_iter must be an integer >= 0, got 2.5"),
    (lambda: NotBetterThanAfter(0.5, "ten"), ValueError, "after must be an integer >= 0"),
    (lambda: Patience(3, threshold=-1, grow_offset=2), ValueError, "threshold must be"),
    (lambda: TimeElapsed(0), ValueError, "sec must be a number of seconds > 0"),
    (lambda: OnSignal(signal.SIGKILL), ValueError, "sig must be a signal a process can catch"),
    (lambda: OnSignal(9999), ValueError, "sig must be a signal"),
    (lambda: OptimizerParameters("GD", {"step-rate": float("nan")}), ValueError,
     "option 'step-rate' of GD must be a number > 0, got nan"),
    (lambda: OptimizerParameters(stops="MaxIterations"), TypeError,
     "stops must be a stop criterion or a list of them.*got 'MaxIterations'"),
    (lambda: KLSparsity("strong"), ValueError, "sparsity strength must be > 0"),
    (lambda: AutoEncoder(NetworkParameters([5, 3], classification=False), sparsity="x"),
     ValueError, "sparsity must be >= 0"),
    (lambda: StandardScaler(mean="yes"), ValueError, "mean must be True or False"),
    (lambda: MinMaxScaler((0, "one")), ValueError, r"feature_range\[1\] must be a number"),
    (lambda: PCA(threshold_k="all"), ValueError, r"threshold_k must be in \(0, 1\]"),
])
def test_every_constructor_checks_its_own_arguments(build, error, message):
    with pytest.raises(error, match=message):
        build()


@pytest.mark.parametrize("options, message", [
    ({"reproducible": "yes"}, "reproducible must be True or False"),
    ({"keep_best": 1}, "keep_best must be True or False"),
    ({"verbose": True}, "verbose must be 0, 1 or 2"),
    ({"stops": "MaxIterations"}, "stops must be a stop criterion or a list"),
])
def test_fit_checks_its_arguments_before_training(options, message):
    network = NeuralNetwork(NetworkParameters([4, 5, 3], seed=1))
    before = network.get_parameters()
    with pytest.raises((ValueError, TypeError), match=message):
        network.fit(IRIS, parallelism=1, **options)
    assert np.array_equal(network.get_parameters(), before) and network.history is None


def test_too_few_output_units_is_named_as_such():
    network = NeuralNetwork(NetworkParameters([4, 5, 2], seed=1))
    with pytest.raises(ValueError, match="the labels name 3 classes, but the model's output has "
                                         "2 .* give its last layer 3 units"):
        network.fit(IRIS, parallelism=1)


def test_an_empty_set_is_named():
    network = NeuralNetwork(NetworkParameters([4, 5, 3], seed=1))
    with pytest.raises(ValueError, match="valid set: the data set is empty"):
        network.fit(IRIS, (IRIS[0][:0], IRIS[1][:0]), parallelism=1)
    with pytest.raises(ValueError, match="train set: features have 2 columns"):
        network.fit((IRIS[0][:, :2], IRIS[1]), parallelism=1)
    assert network.predict(np.zeros((0, 4))).shape == (0, 3)  # zero rows, zero predictions


def test_a_search_checks_its_workers():
    search = RandomSearch(NetworkParameters([4, 5, 3], strength_l2=True), n_iter=2)
    with pytest.raises(ValueError, match="workers must be an integer >= 1, got -3"):
        search.fit(NeuralNetwork, IRIS, IRIS, IRIS, workers=-3)


@pytest.mark.parametrize("content, format, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "auto", "is not a text table of numbers"),
    ("5,1\n".encode("utf-16"), "auto", "is not a text table of numbers"),
    (b"5.1;3.5;1.4\n4.9;3.0;1.4\n", "csv", "does not split into numbers as format 'csv' says, "
                                           "but does as 'semicolon'"),
])
def test_data_files_that_are_not_what_they_say_are_named(tmp_path, content, format, message):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as raised:
        read_table(path, format)
    assert str(path) in str(raised.value)


def test_a_byte_order_mark_and_a_folder(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeff5.1,3.5\n4.9,3.0\n".encode("utf-8"))
    assert read_table(path).tolist() == [[5.1, 3.5], [4.9, 3.0]]
    with pytest.raises(ValueError, match="is a folder, not a data file"):
        read_table(tmp_path)


BASE = """[data]
path = "data.csv"
label_column = 0
split = [0.6, 0.2, 0.2]

[network]
units_layers = [2, 3]
"""


@pytest.mark.parametrize("command, text, table, message", [
    ("train", BASE + 'classification = "false"\n', "network",
     "classification must be True or False"),
    ("train", BASE + 'seed = "abc"\n', "network", "seed must be an integer"),
    ("train", BASE + '[optimizer]\nkeep_state = "no"\n', "optimizer",
     "keep_state must be True or False"),
    ("search", BASE + "strength_l2 = true\n[search]\nworkers = -3\n", "search",
     "workers must be an integer >= 1"),
])
def test_configurations_name_the_file_the_table_and_the_key(tmp_path, capsys, command, text,
                                                             table, message):
    (tmp_path / "data.csv").write_text("\n".join(f"{i % 3},{i},{i + 1}" for i in range(30)))
    config = tmp_path / "c.toml"
    config.write_text(text)
    assert main([command, str(config)]) == 2
    error = capsys.readouterr().err
    assert f"{config}: [{table}]" in error and message in error, error


def test_a_binary_configuration_is_named(tmp_path, capsys):
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00 not text")
    assert main(["train", str(binary)]) == 2
    assert f"{binary} is not a UTF-8 text file" in capsys.readouterr().err


def test_evaluate_counts_the_columns_of_the_file(tmp_path, capsys):
    network = NeuralNetwork(NetworkParameters([4, 5, 3], seed=1))
    network.save(tmp_path / "m.lea")
    data = tmp_path / "d.csv"
    data.write_text("\n".join(",".join(["1"] * 6) for _ in range(3)))
    assert main(["evaluate", str(tmp_path / "m.lea"), str(data)]) == 2
    assert f"{data} has 6 columns; the model takes 4 features and the label (5 columns" \
        in capsys.readouterr().err
