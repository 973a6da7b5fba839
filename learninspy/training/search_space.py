"""The space a random search samples: ranges of numbers and lists of choices.

The space is a dict like :data:`network_domain`: numeric entries are ``((low, high),
precision)`` -- sampled uniformly in [low, high] and rounded to ``precision`` decimals
(integers when 0) -- or ``((low, high), precision, 'log')`` for a log-uniform draw; categorical
entries are lists. Replace any entry, or the whole dict, to search another space.
"""

import numpy as np

from learninspy._internal.checks import is_integer
from learninspy.core import activations

__all__ = ["network_domain", "check_domain", "draw", "FIELD_KEYS"]

#: The default search space.
network_domain = {
    "n_layers": ((3, 6), 0),            # total layers, input and output included
    "perc_neurons": ((0.2, 1.2), 2),    # units of a hidden layer, as a fraction of the previous
    "activation": ["Tanh", "ReLU", "Softplus"],
    "dropout_ratios": ((0.0, 0.5), 1),
    "l1": ((1e-6, 1e-4), 6),
    "l2": ((1e-6, 1e-3), 4),
}

_KEYS = ("n_layers", "perc_neurons", "activation", "dropout_ratios", "l1", "l2")
FIELD_KEYS = {"activation": "activation", "dropout_ratios": "dropout_ratios",
               "strength_l1": "l1", "strength_l2": "l2"}


def _check_numeric(key, entry):
    if not (isinstance(entry, (tuple, list)) and len(entry) in (2, 3)
            and isinstance(entry[0], (tuple, list)) and len(entry[0]) == 2):
        raise ValueError(f"domain entry {key!r} must be ((low, high), precision) or "
                         f"((low, high), precision, 'log'), got {entry!r}")
    (low, high), precision = entry[0], entry[1]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)):
        raise ValueError(f"domain entry {key!r}: low and high must be numbers, got {entry[0]!r}")
    if low > high:
        raise ValueError(f"domain entry {key!r}: low {low} is greater than high {high}")
    if not is_integer(precision) or precision < 0:
        raise ValueError(f"domain entry {key!r}: precision must be an integer >= 0, "
                         f"got {precision!r}")
    if len(entry) == 3 and (entry[2] != "log" or low <= 0):
        raise ValueError(f"domain entry {key!r}: the third item can only be 'log', with "
                         f"low > 0, got {entry!r}")


def check_domain(domain, needed=_KEYS):
    """Check a search space; raise a ValueError naming the bad entry.

    Args:
        domain: dict of entries (see the module documentation).
        needed: the keys the search will sample.
    """
    if not isinstance(domain, dict) or not domain:
        raise ValueError(f"the search domain must be a non-empty dict with keys {list(_KEYS)}, "
                         f"got {domain!r}")
    unknown = sorted(set(domain) - set(_KEYS))
    if unknown:
        raise ValueError(f"unknown domain keys {unknown}; valid keys are {list(_KEYS)}")
    missing = [key for key in needed if key not in domain]
    if missing:
        raise ValueError(f"the search domain lacks {missing}, which this search samples")
    for key in needed:
        if key == "activation":
            names = domain[key]
            if not isinstance(names, (list, tuple)) or not names:
                raise ValueError("domain entry 'activation' must be a non-empty list of "
                                 f"activation names, got {names!r}")
            for name in names:
                activations.get(name)
        else:
            _check_numeric(key, domain[key])
    if "n_layers" in needed and domain["n_layers"][0][0] < 2:
        raise ValueError("domain entry 'n_layers': a network has at least 2 layers")
    if "dropout_ratios" in needed and not 0 <= domain["dropout_ratios"][0][0] \
            <= domain["dropout_ratios"][0][1] < 1:
        raise ValueError("domain entry 'dropout_ratios' must lie within [0, 1)")


def draw(rng, entry, size=None):
    """A value (or ``size`` values) of a numeric domain entry."""
    (low, high), precision = entry[0], entry[1]
    if precision == 0:
        return rng.integers(int(low), int(high) + 1, size=size)
    if len(entry) == 3:  # log-uniform
        value = np.exp(rng.uniform(np.log(low), np.log(high), size=size))
    else:
        value = rng.uniform(low, high, size=size)
    return np.round(value, precision)
