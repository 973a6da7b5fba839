"""The configuration of a NeuralNetwork: units, activations, dropout, task and penalties."""

import numpy as np

from learninspy._internal.checks import boolean, check_seed, is_integer, number
from learninspy.core import activations
from learninspy.core.layers.dense import SOFTMAX
from learninspy.core.layers.dropout import check_ratio

__all__ = ["NetworkParameters", "SEARCHABLE", "as_list"]


#: Fields of NetworkParameters that RandomSearch samples when they are set to True.
SEARCHABLE = ("activation", "dropout_ratios", "strength_l1", "strength_l2")
#: What a searchable field set to False (not searched) stands for.
_NOT_SEARCHED = {"activation": "ReLU", "dropout_ratios": None, "strength_l1": 0.0,
                 "strength_l2": 0.0}
_SEARCHED_TEXT = "<searched>"


def as_list(value, length, what, check):
    """``value`` repeated ``length`` times if scalar, else a list of ``length`` checked items."""
    if isinstance(value, (list, tuple)):
        values = list(value)
        if len(values) != length:
            raise ValueError(f"{what} must have {length} entries, got {len(values)}")
    else:
        values = [value] * length
    for item in values:
        check(item)
    return values


class NetworkParameters:
    """Everything needed to configure a neural network.

    Args:
        units_layers: list of ints, the units of every layer (input, hidden..., output).
        activation: key of an activation, or a list of them: one per layer of
            ``units_layers`` (the first, for the input layer, is descriptive only) or one per
            layer after the input. A classification network's output is always a softmax.
        dropout_ratios: list of floats in [0, 1), one per layer but the output: the DropOut
            ratio of that layer's units (the inputs of the next layer of weights). Default:
            no dropout.
        layer_distributed: kept for compatibility; distributed arrays are not implemented, so
            it has no effect.
        classification: True for classification (softmax output, cross-entropy loss), False
            for regression (MSE loss).

    For a hyper-parameter search (``core.search.RandomSearch``), ``activation``,
    ``dropout_ratios``, ``strength_l1`` and ``strength_l2`` may be set to True: that field is
    searched. False means the field is not searched and takes its neutral value ('ReLU', no
    dropout, no penalty). Parameters with a True field describe a search, not a network.
        strength_l1: float >= 0, strength of the L1 norm on every layer's weights.
        strength_l2: float >= 0, strength of the L2 norm on every layer's weights.
        seed: int, seeds the random generator of the network.
        dtype: 'float32' (default) or 'float64'.

    >>> net_params = NetworkParameters(units_layers=[4, 8, 3], dropout_ratios=[0.0, 0.0],
    ...                                activation='ReLU', strength_l1=1e-5, strength_l2=3e-4,
    ...                                classification=True, seed=123)
    >>> net_params == net_params
    True
    >>> net_params == NetworkParameters(units_layers=[10, 2])
    False
    >>> print(str(net_params))
    Layer 0 with 4 neurons, using ReLU activation and 0.0 ratio of DropOut.
    Layer 1 with 8 neurons, using ReLU activation and 0.0 ratio of DropOut.
    Layer 2 with 3 neurons, using Softmax activation.
    The loss is CrossEntropy for a task of classification.
    L1 strength is 1e-05 and L2 strength is 0.0003.
    """

    def __init__(self, units_layers, activation="ReLU", dropout_ratios=None,
                 layer_distributed=False, classification=True, strength_l1=1e-5,
                 strength_l2=1e-4, seed=123, dtype="float32"):
        units = list(units_layers) if isinstance(units_layers, (list, tuple)) else None
        if not units or len(units) < 2 or any(not is_integer(u) or u < 1 for u in units):
            raise ValueError("units_layers must be a list of at least 2 positive integers "
                             f"(input, ..., output), got {units_layers!r}")
        n = len(units)
        given = dict(zip(SEARCHABLE, (activation, dropout_ratios, strength_l1, strength_l2)))
        self.searched = [name for name, value in given.items() if value is True]
        given = {name: _NOT_SEARCHED[name] if value is False else value
                 for name, value in given.items()}
        activation, dropout_ratios = given["activation"], given["dropout_ratios"]
        if activation is not True:
            if isinstance(activation, (list, tuple)) and len(activation) == n - 1:
                activation = [activation[0]] + list(activation)
            activation = as_list(activation, n, "the activation list (one per layer)",
                                  activations.get)
        self.activation = activation
        if dropout_ratios is not True:
            dropout_ratios = [float(r) for r in as_list(
                0.0 if dropout_ratios is None else dropout_ratios, n - 1,
                "dropout_ratios (one per layer but the output)", check_ratio)]
        self.dropout_ratios = dropout_ratios
        if not (isinstance(layer_distributed, (bool, np.bool_)) or (
                isinstance(layer_distributed, (list, tuple))
                and all(isinstance(v, (bool, np.bool_)) for v in layer_distributed))):
            raise ValueError("layer_distributed must be True or False (or one per layer), got "
                             f"{layer_distributed!r}")
        self.layer_distributed = layer_distributed
        self.units_layers = [int(u) for u in units]
        self.classification = boolean("classification", classification)
        self.loss = "CrossEntropy" if self.classification else "MSE"
        for name in ("strength_l1", "strength_l2"):
            value = given[name]
            if value is not True:
                number(name, value, "a number >= 0 (or True to search it)", lambda v: v >= 0)
        self.strength_l1, self.strength_l2 = given["strength_l1"], given["strength_l2"]
        self.seed = check_seed(seed)
        if dtype not in ("float32", "float64", np.float32, np.float64):
            raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
        self.dtype = np.dtype(dtype).name
        self.rng = np.random.default_rng(seed)

    def to_dict(self):
        """The constructor's arguments, JSON-compatible."""
        return {"units_layers": self.units_layers, "activation": self.activation,
                "dropout_ratios": self.dropout_ratios, "layer_distributed": self.layer_distributed,
                "classification": self.classification, "strength_l1": self.strength_l1,
                "strength_l2": self.strength_l2, "seed": self.seed, "dtype": self.dtype}

    def __eq__(self, other):
        if not isinstance(other, NetworkParameters):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None

    def __str__(self):
        shown = {name: _SEARCHED_TEXT if getattr(self, name) is True else getattr(self, name)
                 for name in SEARCHABLE}
        per_layer = lambda name, l: shown[name] if shown[name] == _SEARCHED_TEXT \
            else shown[name][l]
        lines = []
        last = len(self.units_layers) - 1
        for l, units in enumerate(self.units_layers):
            head = f"Layer {l} with {units} neurons, using "
            if l < last:
                lines.append(head + f"{per_layer('activation', l)} activation and "
                                    f"{per_layer('dropout_ratios', l)} ratio of DropOut.")
            else:
                name = SOFTMAX if self.classification else per_layer("activation", l)
                lines.append(head + f"{name} activation.")
        task = "classification" if self.classification else "regression"
        lines.append(f"The loss is {self.loss} for a task of {task}.")
        lines.append(f"L1 strength is {shown['strength_l1']} and L2 strength is "
                     f"{shown['strength_l2']}.")
        return "\n".join(lines)

    def __repr__(self):
        return "NetworkParameters(" + ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items()) \
            + ")"
