"""Decorators asserting the arguments of array functions, as learninspy 0.1's users wrote them
(``from learninspy.utils.asserts import *``).

Each checks the first two arguments of the decorated function -- ``self`` and the array of a
method, or two arrays -- whether they are passed by position or by keyword, and raises an
error naming both, before the function runs. The decorated function keeps its name and
docstring.

>>> @assert_samedimension
... def add(a, b):
...     return a + b
>>> add(np.ones(3), np.ones(2))
Traceback (most recent call last):
...
ValueError: add: the arguments must have the same shape, got (3,) and (2,)
"""

import functools
import inspect

import numpy as np

__all__ = ["assert_sametype", "assert_samedimension", "assert_matchdimension",
           "assert_features_label"]


def _arguments(func, args, kwargs):
    """The values of the arguments a call binds, in the order of ``func``'s signature."""
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
    except TypeError as error:
        raise TypeError(f"{func.__name__}: {error}") from None
    return list(bound.arguments.values())


def _checking(check):
    """A decorator running ``check(name, first, second)`` on each call's first two arguments."""
    def decorator(func):
        @functools.wraps(func)
        def checked(*args, **kwargs):
            values = _arguments(func, args, kwargs)
            if len(values) < 2:
                raise TypeError(f"{func.__name__} needs two arguments to compare, got "
                                f"{len(values)}")
            check(func.__name__, values[0], values[1])
            return func(*args, **kwargs)
        return checked
    return decorator


def _shape(value):
    shape = getattr(value, "shape", None)
    return tuple(shape) if shape is not None else np.shape(value)


def _same_type(name, first, second):
    if not isinstance(second, type(first)):
        raise TypeError(f"{name}: the arguments must be of the same type, got "
                        f"{type(first).__name__} and {type(second).__name__}")


def _same_shape(name, first, second):
    if _shape(first) != _shape(second):
        raise ValueError(f"{name}: the arguments must have the same shape, got "
                         f"{_shape(first)} and {_shape(second)}")


def _multipliable(name, first, second):
    a, b = _shape(first), _shape(second)
    columns, rows = (a[-1] if a else 1), (b[0] if b else 1)
    if columns != rows:
        raise ValueError(f"{name}: cannot multiply the arguments: the first, of shape {a}, has "
                         f"{columns} columns and the second, of shape {b}, {rows} rows")


#: ``@assert_sametype``: the second argument must be an instance of the first's type.
assert_sametype = _checking(_same_type)
#: ``@assert_samedimension``: both arguments must have the same shape.
assert_samedimension = _checking(_same_shape)
#: ``@assert_matchdimension``: the first argument's columns must match the second's rows, as a
#: matrix product needs.
assert_matchdimension = _checking(_multipliable)


def _is_point(item):
    return hasattr(item, "features") and hasattr(item, "label")


def assert_features_label(func):
    """Decorator of a method ``func(self, data, ...)`` that takes labeled data: ``data`` (if
    given and not None) must be a pair, or a sequence -- a list, an array, an RDD -- whose
    first item is a labeled point or a pair ``(label, features)``."""
    @functools.wraps(func)
    def checked(*args, **kwargs):
        values = _arguments(func, args, kwargs)
        data = values[1] if len(values) > 1 else None
        if data is None or (isinstance(data, tuple) and len(data) == 2):
            return func(*args, **kwargs)
        if hasattr(data, "take") and hasattr(data, "collect"):  # a pyspark RDD
            items = data.take(1)
        elif isinstance(data, (list, tuple, np.ndarray)):
            items = data[:1]
        else:
            return func(*args, **kwargs)
        if len(items):
            item = items[0]
            if not _is_point(item) and (np.ndim(item) == 0 or len(item) != 2):
                raise ValueError(f"{func.__name__}: data must hold labeled points or (label, "
                                 f"features) pairs; its first item is {item!r:.60}")
        return func(*args, **kwargs)
    return checked
