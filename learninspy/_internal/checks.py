"""Argument checks at the API boundary: each returns the value, or raises an error that names
the argument and what it must be.

``bool`` is never taken for a number (``True`` is an ``int`` to Python), and a float that
happens to be whole is never taken for an integer, so a typo in a configuration file gets
a message instead of a surprise.
"""

import math
import numbers

import numpy as np

__all__ = ["is_integer", "positive_integer", "integer", "number", "ratio", "boolean",
           "check_seed"]


def is_integer(value):
    """True for an int (NumPy's too), never for a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def positive_integer(name, value):
    """``value`` as an int, after checking it is an integer >= 1."""
    if not is_integer(value) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def integer(name, value, minimum=None, maximum=None):
    """``value`` as an int, after checking it is an integer in [minimum, maximum].

    Raises:
        ValueError: naming ``name`` and the valid range.
    """
    if not is_integer(value) or (minimum is not None and value < minimum) \
            or (maximum is not None and value > maximum):
        if minimum is not None and maximum is not None:
            what = f"an integer in [{minimum}, {maximum}]"
        elif minimum is not None:
            what = f"an integer >= {minimum}"
        else:
            what = "an integer"
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return int(value)


def number(name, value, description="a number", valid=None):
    """``value`` as a float, after checking it is a finite real number (never a bool) for
    which ``valid(value)`` holds.

    Args:
        description: what the value must be, for the message ("a number > 0", ...).

    Raises:
        ValueError: naming ``name`` and ``description``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value) or (valid is not None and not valid(value)):
        raise ValueError(f"{name} must be {description}, got {value!r}")
    return float(value)


def ratio(name, value):
    """A probability of dropping or corrupting: a number in [0, 1).

    Raises:
        TypeError: not a number. ValueError: outside [0, 1).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in [0, 1), got {value!r}")
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return float(value)


def check_seed(seed, name="seed"):
    """``seed`` after checking it can seed NumPy's generators: None, or an integer >= 0."""
    if seed is not None and (not is_integer(seed) or seed < 0):
        raise ValueError(f"{name} must be an integer >= 0 (or None for a random one), got "
                         f"{seed!r}")
    return seed


def boolean(name, value):
    """``value`` after checking it is a bool (not the string 'false', not 0 or 1)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)
