"""Optimizer update rules, each in a module of its own, registered by name.

Adding a rule takes one module -- a subclass of :class:`~learninspy.core.rules.base.Rule`
with its ``defaults``, ``checks``, ``slots`` and ``update`` -- decorated with
:func:`register`, and one row of the contract tests. It then trains with ``fit`` on every
engine: ``OptimizerParameters(algorithm='MyRule')`` and ``Minimizer['MyRule']`` find it.
"""

from learninspy._internal.registry import Registry
from learninspy.core.rules.adadelta import Adadelta
from learninspy.core.rules.adam import Adam
from learninspy.core.rules.base import Rule
from learninspy.core.rules.gd import GD
from learninspy.core.rules.rmsprop import RMSProp

__all__ = ["Rule", "GD", "Adadelta", "Adam", "RMSProp", "RULES", "register", "get", "names"]

#: Update rule classes by name.
RULES = Registry("optimization algorithm", {cls.name: cls for cls in (GD, Adadelta, Adam, RMSProp)},
                 accepts=lambda value: isinstance(value, type) and issubclass(value, Rule))


def register(cls):
    """Class decorator registering a Rule subclass under its ``name``."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} needs a name to be registered")
    return RULES.add(cls.name, cls)


def get(rule):
    """The rule class of a registered name (or a Rule subclass itself)."""
    return RULES.get(rule)


def names():
    """Names of the registered rules."""
    return RULES.names()
