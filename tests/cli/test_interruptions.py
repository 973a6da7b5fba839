"""Interruptions keep what was trained: Ctrl+C or SIGTERM in `learninspy train` saves the model
reached and exits 130, `--resume` ends where an uninterrupted run ends; in Python, a
KeyboardInterrupt leaves the model at its last finished iteration, the checkpoint current."""

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import MaxIterations
from learninspy.training import Callback, TrainingDivergedError

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """
[data]
path = "ccpp.csv"
split = [0.8, 0.2]

[network]
units_layers = [4, 64, 64, 1]
activation = ["ReLU", "ReLU", "Identity"]
classification = false

[optimizer]
algorithm = "Adam"
options = {{ step-rate = 0.002 }}
stops = [{{ criterion = "MaxIterations", max_iter = {local_steps} }}]
sampling = "fresh"
keep_state = true

[fit]
mini_batch = 32
parallelism = 1
reproducible = true
stops = [{{ criterion = "MaxIterations", max_iter = {iterations} }}]
verbose = 2
"""


def _project(folder, iterations, local_steps=20):
    folder.mkdir()
    shutil.copy(ROOT / "learninspy" / "datasets" / "ccpp.csv", folder / "ccpp.csv")
    (folder / "run.toml").write_text(CONFIG.format(iterations=iterations,
                                                   local_steps=local_steps))
    return folder / "run.toml"


def _train(config, *options):
    return subprocess.Popen([sys.executable, "-m", "learninspy", "train", str(config), *options],
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _interrupt_after(process, iteration, signals=(signal.SIGINT,)):
    """Send ``signals`` once the log shows ``iteration``; the rest of standard error."""
    lines = []
    for line in process.stderr:
        lines.append(line)
        if f"Iteration {iteration}/" in line:
            for sig in signals:
                process.send_signal(sig)
                time.sleep(0.05)
            break
    lines += process.stderr.readlines()
    process.wait(120)
    return "".join(lines)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_train_saves_what_it_reached_and_resumes_to_the_same_end(tmp_path, sig):
    whole = _project(tmp_path / "whole", 200)
    assert subprocess.run([sys.executable, "-m", "learninspy", "train", str(whole)],
                          capture_output=True).returncode == 0
    config = _project(tmp_path / "cut", 200)
    process = _train(config)
    log = _interrupt_after(process, 5, [sig])
    assert process.returncode == 130, log
    assert f"interrupted by {sig.name} after iteration" in log and "--resume" in log
    report = json.loads((config.parent / "run-report.json").read_text())
    reached = report["interrupted"]["after_iteration"]
    assert 5 <= reached < 200 and len(report["history"]["iterations"]) == reached
    cut = NeuralNetwork.load(config.parent / "run.lea")  # loadable, at the iteration reached
    assert len(cut.history) == reached
    resumed = subprocess.run([sys.executable, "-m", "learninspy", "train", str(config),
                              "--resume"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    final, reference = (NeuralNetwork.load(folder / "run.lea")
                        for folder in (config.parent, whole.parent))
    assert np.array_equal(final.get_parameters(), reference.get_parameters())
    assert final.history.iterations == list(range(1, 201))
    assert not (config.parent / "run.lea.checkpoint").exists()  # done: the model holds it


def test_a_second_ctrl_c_aborts_at_once_and_keeps_the_checkpoint(tmp_path):
    config = _project(tmp_path / "run", 100, local_steps=5000)  # iterations of seconds
    process = _train(config)
    log = _interrupt_after(process, 2, [signal.SIGINT, signal.SIGINT])
    assert process.returncode == 130 and "aborted" in log, log
    checkpoint = NeuralNetwork.load(config.parent / "run.lea.checkpoint")
    assert len(checkpoint.history) == 2  # the iteration running was not kept


def _fit(network, callbacks=(), **options):
    data = (np.random.default_rng(0).normal(size=(60, 4)), np.arange(60) % 3)
    network.fit(data, data, mini_batch=10, parallelism=1, valid_iters=1,
                stops=[MaxIterations(20)], callbacks=list(callbacks),
                optimizer_params=OptimizerParameters("Adam", {"step-rate": 0.01},
                                                     stops=[MaxIterations(3)]), **options)


class InterruptAt(Callback):
    """A KeyboardInterrupt in the middle of an iteration: after the replicas merged and the
    history recorded it, before the iteration's last callbacks."""

    def __init__(self, iteration):
        self.iteration, self.weights = iteration, None

    def on_iteration_end(self, loop):
        if loop.iteration == self.iteration - 1:
            self.weights = loop.model.get_parameters()
        if loop.iteration == self.iteration:
            raise KeyboardInterrupt


def test_keyboard_interrupt_leaves_the_last_finished_iteration_and_a_current_checkpoint(
        tmp_path):
    network = NeuralNetwork(NetworkParameters([4, 6, 3], seed=3))
    stop = InterruptAt(4)
    with pytest.raises(KeyboardInterrupt):
        _fit(network, [stop], checkpoint=tmp_path / "fit.ckpt", checkpoint_every=100)
    assert np.array_equal(network.get_parameters(), stop.weights)
    assert network.history.iterations == [1, 2, 3]
    saved = NeuralNetwork.load(tmp_path / "fit.ckpt")
    assert np.array_equal(saved.get_parameters(), stop.weights)
    assert saved.history.iterations == [1, 2, 3]


def test_a_diverging_fit_keeps_the_history_it_finished():
    network = NeuralNetwork(NetworkParameters([4, 6, 3], seed=3))

    class Explode(Callback):
        def on_iteration_end(self, loop):
            if loop.iteration == 3:
                loop.model.parameter_vector[0] = np.inf

    with pytest.raises(TrainingDivergedError, match="iteration 4"):
        _fit(network, [Explode()])
    assert network.history.iterations == [1, 2, 3]


SEARCH = """
[data]
path = "iris.csv"
split = [0.6, 0.2, 0.2]

[network]
units_layers = [4, 8, 3]
strength_l2 = true

[optimizer]
stops = [{ criterion = "MaxIterations", max_iter = 50 }]

[fit]
parallelism = 1
stops = [{ criterion = "MaxIterations", max_iter = 40 }]
verbose = 2

[search]
n_iter = 30
workers = 1
"""


def test_an_interrupted_search_keeps_the_candidates_it_trained(tmp_path):
    shutil.copy(ROOT / "learninspy" / "datasets" / "iris.csv", tmp_path / "iris.csv")
    (tmp_path / "search.toml").write_text(SEARCH)
    process = subprocess.Popen([sys.executable, "-m", "learninspy", "search",
                                str(tmp_path / "search.toml")], stderr=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    log = []
    for line in process.stderr:
        log.append(line)
        if "candidate 2/30" in line:
            process.send_signal(signal.SIGINT)
            break
    log += process.stderr.readlines()
    assert process.wait(120) == 130, "".join(log)
    report = json.loads((tmp_path / "search-report.json").read_text())
    trained = report["interrupted"]["candidates_trained"]
    assert 2 <= trained < 30 and len(report["search"]["candidates"]) == trained
    assert NeuralNetwork.load(tmp_path / "search.lea").count_params > 0
    assert len((tmp_path / "search-search.csv").read_text().splitlines()) == trained + 1
