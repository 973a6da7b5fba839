import signal

import pytest

from learninspy.core.stops import (AchieveTolerance, MaxIterations, ModuloNIterations,
                                   NotBetterThanAfter, OnSignal, Patience, TimeElapsed, criterion)


def test_documented_criterion_dict_and_texts():
    assert set(criterion) == {"MaxIterations", "AchieveTolerance", "ModuloNIterations",
                              "NotBetterThanAfter", "OnSignal", "Patience", "TimeElapsed"}
    assert str(criterion["MaxIterations"](10)) == "Stop at a maximum of 10 iterations."
    assert str(criterion["AchieveTolerance"](0.95, key="hits")) == \
        "Stop when a tolerance of 0.95 is achieved in hits."
    assert str(ModuloNIterations(5)) == "Stop when an iteration is modulo of 5."
    assert str(TimeElapsed(30)) == "Stop when 30 seconds have elapsed."
    assert str(NotBetterThanAfter(0.6, 5)) == \
        "Stop when hits does not improve a minimal of 0.6 after 5 iterations."
    with pytest.raises(ValueError, match="valid choices"):
        criterion["MaxIteration"]


def test_documented_list_usage_with_all_and_any():
    criterions = [criterion["MaxIterations"](10), criterion["AchieveTolerance"](0.9, "hits"),
                  criterion["NotBetterThanAfter"](0.6, 5, "hits")]
    results = {"hits": 0.8, "iterations": 8}
    assert not all(c(results) for c in criterions)
    assert any(c({"hits": 0.95, "iterations": 1}) for c in criterions)


def test_composition_with_and_or():
    stop = MaxIterations(100) | (AchieveTolerance(0.95, key="hits") & ModuloNIterations(10))
    assert stop({"iterations": 30, "hits": 0.97})
    assert not stop({"iterations": 31, "hits": 0.97})
    assert not stop({"iterations": 30, "hits": 0.90})
    assert stop({"iterations": 100, "hits": 0.0})
    assert stop.keys == {"iterations", "hits"}
    assert "or" in str(stop) and "and" in str(stop)


def test_cost_criteria_stop_on_low_costs():
    assert AchieveTolerance(1e-3, key="cost")({"cost": 5e-4})
    assert not AchieveTolerance(1e-3, key="cost")({"cost": 0.1})
    assert NotBetterThanAfter(0.5, 3, key="cost")({"cost": 0.9, "iterations": 4})
    assert not NotBetterThanAfter(0.5, 3, key="cost")({"cost": 0.1, "iterations": 4})
    with pytest.raises(ValueError, match="'hits', 'cost'"):
        AchieveTolerance(0.5, key="loss")


def test_patience_grows_on_improvement_and_resets():
    patience = Patience(initial=5, key="hits", grow_factor=2, threshold=0.01)
    assert not patience({"iterations": 4, "hits": 0.5})  # improvement at 4: patience 8
    assert not patience({"iterations": 7, "hits": 0.5})
    assert patience({"iterations": 8, "hits": 0.5})
    patience.reset()
    assert patience.patience == 5
    with pytest.raises(ValueError):
        Patience(5, grow_factor=1, grow_offset=0)


def test_time_elapsed_counts_from_the_first_check(monkeypatch):
    import learninspy.core.stops as stops
    clock = iter([100.0, 100.5, 102.0])
    monkeypatch.setattr(stops.time, "monotonic", lambda: next(clock))
    stop = TimeElapsed(1.0)
    assert not stop({}) and not stop({}) and stop({})


def test_on_signal_stops_once_after_the_signal_while_a_run_uses_it():
    previous = signal.getsignal(signal.SIGUSR1)
    stop = OnSignal(signal.SIGUSR1)
    assert signal.getsignal(signal.SIGUSR1) is previous  # constructing it installs nothing
    with stop:
        assert not stop({})
        signal.raise_signal(signal.SIGUSR1)
        assert stop({})
        assert not stop({})
    assert signal.getsignal(signal.SIGUSR1) is previous  # the run's end restores the handler
