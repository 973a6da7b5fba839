import json
import os
import pickle
import zipfile

import numpy as np
import pytest

from learninspy.core import persistence
from learninspy.core.layers import Dense, Dropout
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.sequential import Sequential
from learninspy.core.stops import criterion


@pytest.fixture(scope="module")
def trained(iris_scaled):
    network = NeuralNetwork(NetworkParameters([4, 8, 3], activation="Tanh",
                                              dropout_ratios=[0.1, 0.0]))
    network.fit(iris_scaled[0], iris_scaled[1], parallelism=1,
                stops=[criterion["MaxIterations"](3)],
                optimizer_params=OptimizerParameters("GD", {"step-rate": 0.1}))
    return network


def test_round_trip_gives_identical_predictions(trained, iris_scaled, tmp_path):
    path = tmp_path / "model.lea"
    trained.save(str(path))
    loaded = NeuralNetwork.load(str(path))
    assert type(loaded) is NeuralNetwork
    assert loaded.params == trained.params
    assert np.array_equal(loaded.get_parameters(), trained.get_parameters())
    features = iris_scaled[1].features
    assert np.array_equal(loaded.predict(features), trained.predict(features))
    assert loaded.history.iterations == trained.history.iterations
    assert loaded.history.final == trained.history.final


def test_the_format_is_safetensors_of_plain_arrays_and_json(trained, tmp_path):
    from safetensors.numpy import load_file
    from safetensors import safe_open
    path = tmp_path / "model.lea"
    trained.save(path)
    with safe_open(str(path), framework="np") as opened:  # any framework's reader
        header = json.loads(opened.metadata()["learninspy"])
    assert header["format"] == "learninspy-model" and header["version"] == 2
    assert header["class"] == "learninspy.core.model.NeuralNetwork"  # module and class
    assert load_file(str(path))["params/1/w"].shape == (4, 8)  # layer 0 is the Dropout


def test_sequential_round_trip(tmp_path):
    model = Sequential([Dense(5, "ReLU"), Dropout(0.3), Dense(2, "Softmax")],
                       loss="CrossEntropy", input_shape=(3,), dtype="float64")
    model.save(tmp_path / "seq.lea")
    loaded = Sequential.load(tmp_path / "seq.lea")
    x = np.random.default_rng(0).normal(size=(4, 3))
    assert loaded.dtype == np.float64
    assert np.array_equal(loaded.predict(x), model.predict(x))
    with pytest.raises(ValueError, match="holds a Sequential, not a NeuralNetwork"):
        NeuralNetwork.load(tmp_path / "seq.lea")


def test_a_crash_mid_save_leaves_the_previous_file_intact(trained, tmp_path, monkeypatch):
    path = tmp_path / "model.lea"
    trained.save(path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("safetensors.numpy.save", crash)
    with pytest.raises(OSError, match="disk full"):
        trained.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.lea"]  # no temporary file left behind


def test_truncated_file_gives_a_clear_error(trained, tmp_path):
    path = tmp_path / "model.lea"
    trained.save(path)
    content = path.read_bytes()
    path.write_bytes(content[:len(content) // 2])
    with pytest.raises(ValueError, match="truncated"):
        NeuralNetwork.load(path)


def test_corrupted_and_foreign_files(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match="is not a learninspy model file"):
        NeuralNetwork.load(text)
    foreign = tmp_path / "other.npz"
    np.savez(foreign, weights=np.zeros(3))
    with pytest.raises(ValueError, match="has no 'meta' entry"):
        NeuralNetwork.load(foreign)
    bad_header = tmp_path / "bad.npz"
    np.savez(bad_header, meta=np.frombuffer(b'{"format": "other"}', dtype=np.uint8))
    with pytest.raises(ValueError, match="is not a learninspy model file"):
        NeuralNetwork.load(bad_header)
    with pytest.raises(FileNotFoundError, match="no model file"):
        NeuralNetwork.load(tmp_path / "missing.lea")


class _Payload:
    """Creates a marker file if it is ever unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickle_payloads_never_run(tmp_path):
    marker = tmp_path / "pwned"
    raw = tmp_path / "raw.lea"
    raw.write_bytes(pickle.dumps(_Payload(str(marker))))
    with pytest.raises(ValueError, match="is not a learninspy model file"):
        NeuralNetwork.load(raw)
    inside = tmp_path / "inside.lea"  # a valid archive whose array holds a pickled object
    with open(inside, "wb") as stream:
        np.savez(stream, meta=np.array([_Payload(str(marker))], dtype=object))
    with pytest.raises(ValueError, match="holds object values; model files hold plain"):
        NeuralNetwork.load(inside)
    assert not marker.exists()


def test_missing_arrays_and_unknown_layers(trained, tmp_path):
    path = tmp_path / "model.lea"
    save_0_2(trained, path)
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    stripped = tmp_path / "stripped.lea"
    with zipfile.ZipFile(stripped, "w") as archive:
        for name, content in entries.items():
            if name != "params/1/w.npy":
                archive.writestr(name, content)
    with pytest.raises(ValueError, match="incomplete: 'params/1/w' is missing"):
        NeuralNetwork.load(stripped)
    header = json.loads(np.load(path)["meta"].tobytes())
    header["config"]["layers"][1]["class"] = "EvilLayer"
    renamed = tmp_path / "renamed.lea"
    arrays = dict(np.load(path))
    arrays["meta"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    with open(renamed, "wb") as stream:
        np.savez(stream, **arrays)
    with pytest.raises(ValueError, match="unknown layer class 'EvilLayer'"):
        NeuralNetwork.load(renamed)


def save_0_2(model, path):
    """A model file as learninspy 0.2 wrote it: an .npz archive, version 1, short names."""
    header, arrays = persistence.to_payload(model)
    header["version"], header["class"] = 1, type(model).__name__
    for entry in header["config"]["layers"]:
        entry["class"] = entry["class"].rsplit(".", 1)[1]
    with open(path, "wb") as stream:
        np.savez(stream, meta=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
                 **arrays)


def test_files_of_learninspy_0_2_still_load(trained, tmp_path):
    path = tmp_path / "old.lea"
    save_0_2(trained, path)
    loaded = NeuralNetwork.load(path)
    assert np.array_equal(loaded.get_parameters(), trained.get_parameters())
    assert loaded.history.iterations == trained.history.iterations


def test_copies_and_pickling_for_spark_keep_the_weights(trained):
    clone = trained.copy()
    assert np.array_equal(clone.get_parameters(), trained.get_parameters())
    clone._params[0] += 1.0
    assert clone.list_layers[0].params["w"][0, 0] == clone._params[0]  # views stay views
    assert not np.array_equal(clone.get_parameters(), trained.get_parameters())
    restored = pickle.loads(pickle.dumps(trained))
    assert np.array_equal(restored.get_parameters(), trained.get_parameters())
