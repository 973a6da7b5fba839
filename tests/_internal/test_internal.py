"""The helpers every layer uses: registries, argument checks, scoped BLAS limits."""

import threading

import numpy as np
import pytest

from learninspy._internal import blas, checks
from learninspy._internal.registry import ClassRegistry, Registry, UnknownNameError


def test_a_registry_resolves_names_and_passes_its_objects_through():
    registry = Registry("colour", {"red": (255, 0, 0)}, accepts=lambda v: isinstance(v, tuple))
    assert registry["red"] == registry.get("red") == (255, 0, 0)
    assert registry.get((0, 0, 255)) == (0, 0, 255)
    assert list(registry) == ["red"] and "red" in registry and [1] not in registry
    with pytest.raises(UnknownNameError, match=r"unknown colour 'blue'; valid choices are "
                                               r"\['red'\]") as raised:
        registry.get("blue")
    assert isinstance(raised.value, KeyError) and isinstance(raised.value, ValueError)
    registry.register("green")((0, 255, 0))
    assert registry.names() == ["red", "green"]


def test_a_class_registry_never_lets_a_second_class_replace_the_first():
    registry = ClassRegistry("layer class")

    def make(module):
        return type("Dense", (), {"__module__": module})

    own, users = make("learninspy.core.layers.dense"), make("my_project.layers")
    registry.register(own)
    registry.register(users)
    assert registry.resolve("learninspy.core.layers.dense.Dense") is own
    assert registry.resolve("my_project.layers.Dense") is users
    assert registry.resolve("Dense") is own  # a short name of learninspy 0.2's files
    registry.register(make("other_project.layers"))
    registry.unregister(own)
    with pytest.raises(ValueError, match="the layer class 'Dense' is ambiguous"):
        registry.resolve("Dense")
    with pytest.raises(ValueError, match="unknown layer class 'Conv'; defined layer classes"):
        registry.resolve("Conv")


@pytest.mark.parametrize("check, value, message", [
    (lambda v: checks.integer("n", v, minimum=1), True, "n must be an integer >= 1, got True"),
    (lambda v: checks.integer("n", v, minimum=1), 2.0, "n must be an integer >= 1, got 2.0"),
    (lambda v: checks.integer("k", v, 1, 4), 5, r"k must be an integer in \[1, 4\], got 5"),
    (lambda v: checks.positive_integer("units", v), 0, "units must be a positive integer"),
    (lambda v: checks.number("rate", v, "a number > 0", lambda x: x > 0), float("nan"),
     "rate must be a number > 0, got nan"),
    (lambda v: checks.boolean("keep_state", v), "no", "keep_state must be True or False"),
])
def test_argument_checks_name_the_argument(check, value, message):
    with pytest.raises(ValueError, match=message):
        check(value)


def test_checks_return_the_value():
    assert checks.integer("n", np.int64(3), minimum=1) == 3
    assert checks.number("x", 2) == 2.0 and checks.ratio("p", 0.5) == 0.5
    assert checks.boolean("b", np.bool_(True)) is True


def _blas_limit():
    from threadpoolctl import threadpool_info
    return [entry["num_threads"] for entry in threadpool_info() if entry["user_api"] == "blas"]


def test_blas_limits_are_restored_only_when_the_last_user_leaves():
    """Two concurrent users of one limit: the first to leave must not lift it for the other."""
    original = _blas_limit()
    inside = threading.Event()
    release = threading.Event()
    seen = {}

    def second_user():
        with blas.blas_threads(1):
            inside.set()
            release.wait(5)
            seen["while the first left"] = _blas_limit()

    with blas.blas_threads(1):
        worker = threading.Thread(target=second_user)
        worker.start()
        inside.wait(5)
    release.set()
    worker.join(5)
    assert seen["while the first left"] == [1] * len(original)
    assert _blas_limit() == original


def test_a_thread_cannot_ask_for_another_limit_inside_its_own():
    with blas.blas_threads(1):
        with pytest.raises(RuntimeError, match="cannot limit it to 2 inside that"):
            with blas.blas_threads(2):
                pass
    with blas.blas_threads(None):  # no limit asked: nothing to do
        pass
