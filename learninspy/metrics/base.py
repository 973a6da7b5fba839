"""What every set of metrics shares: predictions paired with true values, and measures named
by the keys ``measure=`` takes."""

import numpy as np

from learninspy._internal.registry import UnknownNameError

__all__ = ["Metrics", "split_pairs"]


def split_pairs(predicted_and_labels):
    """(predicted, actual) arrays from a pair of NumPy arrays or an iterable of pairs."""
    if (isinstance(predicted_and_labels, tuple) and len(predicted_and_labels) == 2
            and all(isinstance(a, np.ndarray) for a in predicted_and_labels)):
        predicted, actual = predicted_and_labels
    else:
        pairs = list(predicted_and_labels)
        predicted = [p for p, _ in pairs]
        actual = [a for _, a in pairs]
    predicted, actual = np.asarray(predicted, dtype=float), np.asarray(actual, dtype=float)
    if len(predicted) != len(actual):
        raise ValueError(f"{len(predicted)} predictions for {len(actual)} true values")
    if len(actual) == 0:
        raise ValueError("cannot evaluate an empty set of predictions")
    return predicted, actual


class Metrics:
    """Base of the metrics classes: ``measures`` maps each measure's key to its method."""

    measures = {}

    def evaluate(self, measure, **options):
        """The value of the measure named ``measure`` (a key of ``measures``); ``options`` go
        to its method, as in learninspy 0.1 (e.g. ``evaluate('F-measure', beta=2)``)."""
        if measure not in self.measures:
            raise UnknownNameError("measure", measure, self.measures)
        return float(getattr(self, self.measures[measure])(**options))


