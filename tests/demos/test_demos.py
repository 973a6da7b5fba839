"""The demos reach their quality bars on held-out data, and every example script runs.

Each bar test runs the code path of the demo (and so of ``learninspy demo NAME`` and of
``examples/NAME.py``) in full; the splits are seeded, the test parts never seen in training.
"""

import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

from learninspy.demos import DEMOS, run_demo
from learninspy.utils.data import load_boston, split_data

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_mnist_beats_the_bar_within_a_minute():
    result = run_demo("mnist", verbose=0)
    assert result.test.shape == (750, 784)  # 15% of 5,000 digits, never trained on
    assert result.metrics["Accuracy"] >= 0.93
    assert result.seconds < 60


@pytest.mark.parametrize("name, measure, bar", [
    ("moons", "Accuracy", 0.95), ("spiral", "Accuracy", 0.97), ("iris", "Accuracy", 0.95),
    ("ccpp", "R2", 0.935)])
def test_demo_reaches_its_bar_on_held_out_data(name, measure, bar):
    assert run_demo(name, verbose=0).metrics[measure] >= bar


def test_boston_beats_linear_regression_by_15_percent():
    from sklearn.linear_model import LinearRegression
    result = run_demo("boston", verbose=0)
    train, test = split_data(load_boston(), [0.8, 0.2], seed=123)  # the demo's split
    assert np.array_equal(test.features, result.test.features)
    linear = LinearRegression().fit(train.features, train.labels)
    linear_rmse = np.sqrt(np.mean((linear.predict(test.features) - test.labels) ** 2))
    assert result.metrics["linear RMSE"] == pytest.approx(linear_rmse, rel=1e-4)
    assert result.metrics["RMSE"] <= 0.85 * linear_rmse


def _script(name):
    return EXAMPLES / f"{name.replace('-', '_')}.py"


def test_every_demo_has_an_example_script():
    assert all(_script(name).is_file() for name in DEMOS)


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_example_runs_in_quick_mode_and_prints_what_it_reached(name, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [f"{name}.py", "--quick"])
    with pytest.raises(SystemExit) as exit_code:
        runpy.run_path(str(_script(name)), run_name="__main__")
    assert exit_code.value.code == 0
    out = capsys.readouterr().out
    assert f"learninspy demo '{name}'" in out and "held-out examples" in out
    assert ("Accuracy" if name in ("iris", "mnist", "mnist-sae", "moons", "spiral")
            else "RMSE") in out
