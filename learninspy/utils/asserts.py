"""The argument assertions of learninspy 0.1's ``utils.asserts``: decorators kept in
:mod:`learninspy._internal.asserts`."""

from learninspy._internal.asserts import *  # noqa: F401,F403
from learninspy._internal.asserts import __all__  # noqa: F401
