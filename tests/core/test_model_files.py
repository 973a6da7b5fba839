"""Model files as an attacker would write them: bounded, validated, never running code, and
every refusal a ValueError that names the file and the member or field."""

import json
import os
import subprocess
import sys
import tracemalloc
import zipfile

import numpy as np
import pytest

from learninspy.cli import main
from learninspy.core import model_files, persistence
from learninspy.core.layers import Dense, Layer
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.scaled_model import ScaledModel
from learninspy.data.scaling import StandardScaler
from learninspy.layers import Sequential


@pytest.fixture
def saved(tmp_path):
    """A small classifier saved with scalers and metadata, as `learninspy train` saves one."""
    network = NeuralNetwork(NetworkParameters([4, 8, 3], seed=2))
    scaler = StandardScaler().fit(np.random.default_rng(0).normal(size=(20, 4)))
    path = tmp_path / "model.lea"
    ScaledModel(network, scaler).save(path, {"data": {"path": "iris.csv", "label_column": -1,
                                                      "rows": {"train": 105}},
                                             "trained_at": "2026-12-02T10:00:00+00:00"})
    return path


def _rewrite(path, target, change):
    """``target``: the model file at ``path`` with ``change(header, arrays)`` applied."""
    header, arrays = model_files.read(path)
    change(header, arrays)
    model_files.write(target, header, arrays)
    return target


def _load_peak(path):
    """(the error loading ``path`` raised, the peak of memory NumPy and Python allocated)."""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as raised:
            NeuralNetwork.load(path)
        return str(raised.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- Memory -------------------------------------------------------------------------------------

@pytest.mark.parametrize("change, field", [
    (lambda h, a: h["config"]["params"]["units_layers"].__setitem__(1, 10 ** 9), "weights"),
    (lambda h, a: h.__setitem__("input_shape", [10 ** 12]), "weights"),
    (lambda h, a: h["config"]["layers"][0]["config"].update(n_out=10 ** 10), "weights"),
])
def test_a_small_file_declaring_a_huge_model_is_refused_before_allocating(saved, tmp_path,
                                                                          change, field):
    huge = _rewrite(saved, tmp_path / "huge.lea", change)
    assert os.path.getsize(huge) < 20_000
    message, peak = _load_peak(huge)
    assert str(huge) in message
    assert "more than the" in message or "cannot be built" in message or "cannot build" in message
    assert peak < 10 * 2 ** 20  # far below the gigabytes the header declares


def _npz(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def _npy(shape, dtype="<f4", payload=b""):
    header = repr({"descr": dtype, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (-(len(header) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + payload


def test_a_compressed_archive_a_zip_bomb_is_refused(tmp_path):
    bomb = _npz(tmp_path / "bomb.lea", {"meta.npy": _npy((4,), "|u1", b"{}  "),
                                        "params/0/w.npy": _npy((2 ** 27,), payload=bytes(2 ** 29))},
                zipfile.ZIP_DEFLATED)
    assert os.path.getsize(bomb) < 3 * 2 ** 20
    message, peak = _load_peak(bomb)
    assert "member 'meta' is compressed" in message and str(bomb) in message
    assert peak < 10 * 2 ** 20


def test_declared_shapes_must_match_the_bytes_present(tmp_path):
    terabytes = _npz(tmp_path / "tb.lea", {"meta.npy": _npy((10 ** 12,), payload=bytes(16))})
    message, peak = _load_peak(terabytes)
    assert "member 'meta' declares shape (1000000000000,)" in message and "holds 16" in message
    assert peak < 2 ** 20


# --- Malformed content ------------------------------------------------------------------------

@pytest.mark.parametrize("change, named", [
    (lambda h, a: h["extra"].update(scalers=3), "extra.scalers"),
    (lambda h, a: h["extra"]["scalers"].update(feature_scaler={"kind": "StandardScaler",
                                                               "arguments": {}, "offset": "x",
                                                               "scale": [1.0] * 4}),
     "extra.scalers.feature_scaler.offset"),
    (lambda h, a: h.update(history="long"), "history must be an object"),
    (lambda h, a: h.update(history={"cost": ["a"]}), "history.cost"),
    (lambda h, a: h.update(input_shape=["4"]), "input_shape"),
    (lambda h, a: h["config"].update(layers="Dense"), "config.layers"),
    (lambda h, a: h["config"]["layers"][0].update(config=[1]), "config.layers[0]"),
    (lambda h, a: h["config"]["params"].update(seed="abc"), "seed"),
    (lambda h, a: h["extra"].update(data="iris.csv"), "extra.data"),
    (lambda h, a: h["extra"].update(metrics={"test": "good"}), "extra.metrics"),
])
def test_every_field_of_the_wrong_type_gets_one_clear_error(saved, tmp_path, capsys, change,
                                                            named):
    bad = _rewrite(saved, tmp_path / "bad.lea", change)
    assert main(["info", str(bad)]) == 2  # `info` reads every field the commands read
    error = capsys.readouterr().err
    assert error.startswith(f"learninspy info: error: {bad}") and named in error
    assert "Traceback" not in error


def test_deeply_nested_json_is_refused(saved, tmp_path):
    from safetensors.numpy import save
    _, arrays = model_files.read(saved)
    nested = tmp_path / "nested.lea"
    nested.write_bytes(save(arrays, metadata={"learninspy": "[" * 100_000 + "]" * 100_000}))
    with pytest.raises(ValueError, match="nests too deeply"):
        NeuralNetwork.load(nested)


def test_errors_never_advise_loading_with_pickle(tmp_path):
    inside = tmp_path / "object.lea"
    with open(inside, "wb") as stream:
        np.savez(stream, meta=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError) as raised:
        NeuralNetwork.load(inside)
    assert "pickle" not in str(raised.value) and "holds object values" in str(raised.value)
    (tmp_path / "notes.lea").write_text("not a model")
    with pytest.raises(ValueError, match="notes.lea is not a learninspy model file"):
        NeuralNetwork.load(tmp_path / "notes.lea")
    with pytest.raises(ValueError, match="is a folder, not a learninspy model file"):
        NeuralNetwork.load(tmp_path)


def test_info_escapes_control_characters_from_the_file(saved, tmp_path, capsys):
    hostile = "\x1b]52;c;cHduZWQ=\x07\x1b[2J\x1b]0;owned\x07data.csv"  # clipboard, clear, title

    def change(header, arrays):
        header["extra"]["data"]["path"] = hostile
        header["extra"]["trained_at"] = "today\r\x1b[1A"
        header["config"]["name"] = "\x1b[31mred"

    path = _rewrite(saved, tmp_path / "hostile.lea", change)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "\\x1b]52;c;cHduZWQ=\\x07" in out and "data.csv" in out


# --- Classes ----------------------------------------------------------------------------------

def test_a_class_named_like_ours_never_replaces_ours_at_load(tmp_path):
    model = Sequential([Dense(3, "Softmax")], loss="CrossEntropy", input_shape=(2,))
    model.save(tmp_path / "ours.lea")

    def forward(self, x, training=False):
        raise AssertionError("the user's Dense was built from our file")

    type("Dense", (Layer,), {"forward": forward})  # a user's layer of the same short name

    loaded = Sequential.load(tmp_path / "ours.lea")
    assert np.allclose(loaded.predict(np.ones((1, 2))), model.predict(np.ones((1, 2))))


@pytest.mark.parametrize("name", ["os.system", "builtins.eval", "learninspy.__main__.main",
                                  "learninspy.cli.main"])
def test_a_file_naming_any_other_class_is_refused_without_importing_it(saved, tmp_path, name):
    path = _rewrite(saved, tmp_path / "evil.lea", lambda h, a: h.update({"class": name}))
    before = set(sys.modules)
    with pytest.raises(ValueError, match="unknown model class"):
        NeuralNetwork.load(path)
    assert set(sys.modules) == before


def test_an_autoencoder_file_loads_in_a_fresh_interpreter(tmp_path):
    from learninspy.core.autoencoder import StackedAutoencoder
    path = tmp_path / "sae.lea"
    StackedAutoencoder(NetworkParameters([4, 3, 2])).save(path)
    script = ("import sys; from learninspy.core.model import NeuralNetwork; "
              f"model = NeuralNetwork.load({str(path)!r}); "
              "print(type(model).__name__, 'learninspy.core.autoencoder' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["StackedAutoencoder", "True"]


def test_the_header_of_a_valid_file_round_trips_exactly(saved):
    header, arrays = model_files.read(saved)
    model, extra = persistence.load(saved, with_extra=True)
    assert json.loads(json.dumps(header))["extra"]["data"] == extra["data"]
    assert set(arrays) >= {"params/0/w", "params/0/b", "params/1/w", "params/1/b"}
