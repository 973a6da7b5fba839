"""Pairs of features and a label, as rows of a data set: which one is the label.

learninspy 0.1 took ``(label, features)`` tuples; learninspy documents ``(features, label)``.
:func:`pair_fields` reads both, the same way for local and for distributed data, and refuses
the one pair whose meaning would depend on the convention rather than guess it.
"""

import numbers

import numpy as np

__all__ = ["pair_fields"]


def _values(value):
    to_array = getattr(value, "toArray", None)  # pyspark SparseVector and DenseVector
    return to_array() if to_array is not None else value


def _is_scalar(value):
    if isinstance(value, (numbers.Number, np.generic)):
        return True
    if isinstance(value, (list, tuple)):
        return False
    try:
        return np.ndim(_values(value)) == 0
    except ValueError:  # a ragged sequence is no number
        return False


def pair_fields(pair, where="the pair"):
    """(features, label) of a pair given in either order, the same everywhere a pair is read.

    A number beside a vector is the label: ``(label, features)``, learninspy 0.1's order, and
    ``(features, label)`` both read as meant. Two vectors are ``(features, targets)`` (0.1's
    labels were always numbers). Two numbers would be read differently by 0.1 and by
    learninspy, so they are refused rather than guessed.

    Raises:
        ValueError: the pair holds two numbers; the message names ``where``.
    """
    first, second = pair
    if _is_scalar(first):
        if _is_scalar(second):
            raise ValueError(f"{where} is two numbers, {first!r} and {second!r}: which one is the "
                             "label is ambiguous (learninspy 0.1 read (label, features), "
                             "learninspy reads (features, label)); give the features as a "
                             "vector, e.g. ([x], label), or a LabeledPoint(label, [x])")
        return second, first
    return first, second
