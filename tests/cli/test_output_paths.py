"""Outputs never destroy an input, are checked before any work, get the user's permissions,
and are written atomically, even when SIGTERM comes mid-write."""

import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from learninspy._internal import files
from learninspy.cli import main
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.stops import MaxIterations

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """
[data]
path = "iris.csv"
split = [0.7, 0.3]

[network]
units_layers = [4, 5, 3]

[fit]
parallelism = 1
stops = [{{ criterion = "MaxIterations", max_iter = 5 }}]
verbose = 0

[output]
{output}
"""


@pytest.fixture
def project(tmp_path):
    shutil.copy(ROOT / "learninspy" / "datasets" / "iris.csv", tmp_path / "iris.csv")
    return tmp_path


def _config(project, output=""):
    path = project / "iris.toml"
    path.write_text(CONFIG.format(output=output))
    return path


def _files(folder):
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


@pytest.mark.parametrize("output, message", [
    ('model = "iris.toml"', "the model .*iris.toml is the configuration"),
    ('report = "iris.csv"', "the report .*iris.csv is the data file"),
    ('model = "same.out"\nreport = "same.out"', "the model and the report are the same file"),
    ('model = "sub"', "the model .*sub is a folder"),
])
def test_train_refuses_outputs_that_are_inputs_before_reading_anything(project, capsys,
                                                                       output, message):
    (project / "sub").mkdir()
    config = _config(project, output)
    before = _files(project)
    assert main(["train", str(config)]) == 2
    assert re.search(message, capsys.readouterr().err)
    assert _files(project) == before  # nothing trained, nothing written


def test_predict_never_writes_over_its_model_or_its_data(project, capsys):
    config = _config(project)
    assert main(["train", str(config)]) == 0
    model, before = project / "iris.lea", _files(project)
    for output in (model, project / "iris.csv"):
        assert main(["predict", str(model), str(project / "iris.csv"), "--output",
                     str(output)]) == 2
        assert "writing it would destroy it" in capsys.readouterr().err
    assert _files(project) == before


def test_an_output_folder_that_cannot_be_written_is_found_before_training(project, capsys,
                                                                         monkeypatch):
    locked = project / "locked"
    locked.mkdir()
    config = _config(project, 'model = "locked/iris.lea"')
    real_access = os.access

    def access(path, mode):  # the folder as a user without write permission sees it
        return False if Path(path) == locked else real_access(path, mode)

    monkeypatch.setattr(files.os, "access", access)
    trained = []
    monkeypatch.setattr(NeuralNetwork, "fit", lambda *a, **k: trained.append(1))
    assert main(["train", str(config)]) == 2
    assert f"folder {locked} is not writable" in capsys.readouterr().err
    assert trained == [] and list(locked.iterdir()) == []


def test_a_checkpoint_folder_that_is_missing_fails_before_any_iteration(tmp_path):
    network = NeuralNetwork(NetworkParameters([4, 5, 3], seed=1))
    before = network.get_parameters()
    data = (np.random.default_rng(0).normal(size=(30, 4)), np.arange(30) % 3)
    with pytest.raises(ValueError, match="checkpoint .* folder .*missing does not exist"):
        network.fit(data, checkpoint=tmp_path / "missing" / "fit.ckpt",
                    stops=[MaxIterations(3)], parallelism=1)
    assert np.array_equal(network.get_parameters(), before) and network.history is None


def test_files_get_the_users_permissions_and_keep_them_when_replaced(tmp_path):
    network = NeuralNetwork(NetworkParameters([4, 5, 3], seed=1))
    old = os.umask(0o022)
    try:
        network.save(tmp_path / "model.lea")
        assert stat.S_IMODE(os.stat(tmp_path / "model.lea").st_mode) == 0o644
        os.chmod(tmp_path / "model.lea", 0o640)
        network.save(tmp_path / "model.lea")
        assert stat.S_IMODE(os.stat(tmp_path / "model.lea").st_mode) == 0o640
    finally:
        os.umask(old)


def test_sigterm_during_a_save_leaves_no_temporary_file_and_the_old_file_intact(tmp_path):
    target = tmp_path / "model.lea"
    target.write_bytes(b"the previous model")
    script = textwrap.dedent(f"""
        import os, signal, sys, time
        from learninspy._internal.files import atomic_writer
        with atomic_writer({str(target)!r}, "wb") as stream:
            stream.write(b"half a model")
            print("writing", flush=True)
            time.sleep(30)
        """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert process.stdout.readline().strip() == b"writing"
    process.terminate()  # SIGTERM
    assert process.wait(20) == -15  # it still ends as SIGTERM ends a process
    assert os.listdir(tmp_path) == ["model.lea"] and target.read_bytes() == b"the previous model"
