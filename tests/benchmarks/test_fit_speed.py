"""The fit-speed benchmark runs end to end at a tiny size and reports what it promises.

Not a timing test: it checks the structure of the result and that every rate is a positive,
finite number. It runs learninspy and scikit-learn only (the dev extra has neither PyTorch nor
Keras, and Spark would take longer than the whole test); those jobs must stay importable
without their packages.
"""

import json
import math
import pathlib
import sys

import pytest

# ``python -m pytest`` has the repository on the path; plain ``pytest`` has this folder, whose
# name would make ``benchmarks`` a namespace package of the tests: the repository comes first.
ROOT = str(pathlib.Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
if getattr(sys.modules.get("benchmarks"), "__file__", "") is None:
    del sys.modules["benchmarks"]

from benchmarks import fit_speed  # noqa: E402
from benchmarks.common import synthetic  # noqa: E402


TOOLS = (fit_speed.FIT, fit_speed.INNER, fit_speed.SKLEARN)
TINY = fit_speed.Config(rows=200, valid_rows=50, iterations=4, local_steps=2, valid_iters=2,
                        batches=(32,), rounds=1, spark_batches=(), breakdown_batch=32,
                        linear_batch=32, linear_iterations=(2, 4), linear_rounds=1)


@pytest.fixture(scope="module")
def result():
    return fit_speed.run(config=TINY, tools=TOOLS, spark=False)


def _positive_finite(value):
    return isinstance(value, float) and math.isfinite(value) and value > 0


def test_every_rate_is_a_positive_finite_number(result):
    assert set(result["tools"]["rates"]) == {32}
    assert set(result["tools"]["rates"][32]) == set(TOOLS)
    assert all(_positive_finite(rate) for rate in fit_speed.finite_rates(result))
    assert all(len(times) == TINY.rounds for times in result["tools"]["seconds"][32].values())


def test_the_breakdown_parts_add_up_to_the_fit(result):
    part = result["breakdown"]
    assert list(part["parts"]) == [name for name, _ in fit_speed.PARTS]
    assert all(seconds >= 0 for seconds in part["parts"].values())
    assert part["parts"]["steps"] > 0
    assert sum(part["parts"].values()) == pytest.approx(part["seconds"], rel=1e-6)


def test_the_linear_line_and_the_report_are_complete(result):
    line = result["linear"]
    assert line["iterations"] == [2, 4] and line["expected"] == 2
    assert all(_positive_finite(line["seconds"][n]) for n in (2, 4))
    assert _positive_finite(line["ratio"])
    assert "skipped" in result["spark"]
    assert result["config"]["steps"] == 8 and result["config"]["evaluated_iterations"] == [1, 3]
    json.dumps(result)  # the report's JSON takes it as it is
    text = fit_speed.describe(result)
    assert "fit / inner loop" in text and "rest of the loop" in text and "Linear cost" in text


def test_the_timing_wrappers_are_gone_after_the_breakdown(result):
    from learninspy.engine.local import LocalEngine
    from learninspy.training.callbacks import CallbackList
    assert not hasattr(LocalEngine.scorer, "__wrapped__")
    assert not hasattr(CallbackList.on_iteration_end, "__wrapped__")


def test_scikit_learn_takes_the_same_steps():
    rows, epochs = fit_speed.sklearn_schedule(20_000, 400, 512)
    assert rows % 512 == 0 and rows <= 20_000 and rows // 512 * epochs == 400
    assert fit_speed.sklearn_schedule(20_000, 400, 32) == (12_800, 1)


def test_overrides_change_only_the_fields_named(monkeypatch):
    monkeypatch.setenv(fit_speed.OVERRIDES, "rows=400 batches=32,128 spark_batches=")
    config, text = fit_speed.configuration(quick=True)
    assert (config.rows, config.batches, config.spark_batches) == (400, (32, 128), ())
    assert config.rounds == 2 and config.iterations == 40 and text
    monkeypatch.setenv(fit_speed.OVERRIDES, "row=1")
    with pytest.raises(ValueError, match="unknown field"):
        fit_speed.configuration()


def test_the_data_share_one_teacher():
    X, y, Xv, yv = fit_speed.make_data(TINY)
    assert X.shape == (200, 784) and Xv.shape == (50, 784)
    assert (Xv == synthetic(250)[0][200:]).all()


def test_ratios_are_paired_within_rounds_not_taken_from_medians():
    # per round, ours is 1.5x, 2.5x and 1.25x as fast: the median of those is 1.5x, where the
    # ratio of the medians (2.5 s / 1.0 s) would say 2.5x
    jobs = {name: fit_speed.Job(None, None, 100) for name in ("ours", "them")}
    seconds = {"ours": [1.0, 1.0, 2.0], "them": [1.5, 2.5, 2.5]}
    assert fit_speed.paired_ratios(jobs, seconds, "ours") == {"them": 1.5}
    assert fit_speed.paired_ratios(jobs, {"them": [1.0]}, "ours") == {}
