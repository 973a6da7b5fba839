"""What fit shows while it trains: nothing, a live line on a terminal, or log lines."""

import io
import logging
import re
import sys

import pytest

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import criterion


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def _fit(data, verbose, iterations=6):
    train, valid = data
    network = NeuralNetwork(NetworkParameters([4, 5, 3], seed=1))
    network.fit(train, valid, mini_batch=16, parallelism=1, valid_iters=2, verbose=verbose,
                stops=[criterion["MaxIterations"](iterations)],
                optimizer_params=OptimizerParameters("Adam", stops=[criterion["MaxIterations"](2)]))


def _info_lines(caplog):
    return [r.getMessage() for r in caplog.records
            if r.name.startswith("learninspy") and r.levelno >= logging.INFO]


def test_verbose_0_is_silent(iris_scaled, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    _fit(iris_scaled, verbose=0)
    assert _info_lines(caplog) == []
    assert capsys.readouterr() == ("", "")


def test_verbose_1_logs_each_evaluation_when_not_on_a_terminal(iris_scaled, caplog, capsys):
    caplog.set_level(logging.INFO)
    _fit(iris_scaled, verbose=1)
    lines = _info_lines(caplog)
    assert [int(re.match(r"Iteration (\d+)/6 ", line).group(1)) for line in lines[:-1]] == [1, 3, 5]
    assert all("cost" in line and "train F-measure" in line and "valid F-measure" in line
               for line in lines[:-1])
    assert lines[-1].startswith("Fit done in") and "(6 iterations)" in lines[-1]
    assert capsys.readouterr().out == ""  # the library never prints


def test_verbose_2_logs_every_iteration(iris_scaled, caplog, capsys):
    caplog.set_level(logging.INFO)
    _fit(iris_scaled, verbose=2)
    lines = _info_lines(caplog)
    assert [line.split()[1] for line in lines[:-1]] == [f"{i}/6" for i in range(1, 7)]
    assert capsys.readouterr().out == ""


def test_verbose_1_draws_a_live_line_on_a_terminal(iris_scaled, caplog, monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    caplog.set_level(logging.INFO)
    _fit(iris_scaled, verbose=1)
    drawn = terminal.getvalue()
    assert "6/6" in drawn and re.search(r"<\d\d:\d\d", drawn)  # iteration count and ETA
    assert re.search(r"cost=\d\.\d{4} train=\d\.\d{4} valid=\d\.\d{4}", drawn)
    assert [line for line in _info_lines(caplog) if line.startswith("Iteration")] == []


@pytest.mark.parametrize("verbose", [-1, 3, "1"])
def test_bad_verbose_levels_are_refused(iris_scaled, verbose):
    with pytest.raises(ValueError, match="verbose must be 0, 1 or 2"):
        _fit(iris_scaled, verbose=verbose)
