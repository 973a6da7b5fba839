"""Neural networks: layers of neurons, their configuration, and the network that trains them.

:class:`NeuralNetwork` is a :class:`~learninspy.core.sequential.Sequential` built from a
:class:`NetworkParameters`: for each pair of consecutive layers of units, an optional
:class:`~learninspy.core.layers.dropout.Dropout` on the lower layer's units and a
:class:`NeuralLayer` (or a :class:`ClassificationLayer` / :class:`RegressionLayer` at the
output) connecting them.
"""

import numpy as np

from learninspy._internal.checks import positive_integer
from learninspy.core import activations, stops as _stops
from learninspy.core.layers.dense import SOFTMAX, Dense
from learninspy.core.layers.dropout import Dropout, check_ratio
from learninspy.core.loss import softmax_backward
from learninspy.core.neurons import LocalNeurons
from learninspy.core.sequential import Sequential

__all__ = ["NeuralLayer", "ClassificationLayer", "RegressionLayer", "NetworkParameters",
           "NeuralNetwork"]


class NeuralLayer(Dense):
    """A layer of neurons: synaptic weights W and bias b, and an activation f: a = f(x W + b).

    The initial weights depend on the activation:

    * by default, uniform with mean 0 and variance 2 / n_in (He et al. 2015), which suits ReLUs;
    * for Tanh (and LeCunnSigm), uniform in +-sqrt(6 / (n_in + n_out)) (Glorot & Bengio 2010);
    * for Sigmoid, uniform in +-4 sqrt(6 / (n_in + n_out)).

    Args:
        n_in: int, input dimension.
        n_out: int, output dimension.
        activation: key of an activation of ``activations``.
        distributed: kept for compatibility; distributed arrays are not implemented, so it has
            no effect.
        w: optional (n_in, n_out) weight matrix (ndarray or LocalNeurons).
        b: optional (n_out,) bias vector.
        rng: optional numpy Generator or RandomState for the initial weights (seed 123 if None).

    >>> layer = NeuralLayer(10, 5, activation='Tanh')
    >>> out = layer.output(np.random.default_rng(0).random(10))
    >>> len(out)
    5
    """

    def __init__(self, n_in, n_out, activation="ReLU", distributed=False, w=None, b=None,
                 rng=None):
        super().__init__(n_out, activation)
        self.n_in = positive_integer("n_in", n_in)
        self.n_out, self.distributed = int(n_out), distributed
        dtype = np.asarray(w.matrix if isinstance(w, LocalNeurons) else w).dtype \
            if w is not None else np.dtype(np.float32)
        if dtype.kind != "f":
            dtype = np.dtype(np.float32)
        self.ensure_built((self.n_in,), rng if rng is not None else np.random.default_rng(123),
                          dtype)
        for name, value, shape in (("w", w, (self.n_in, self.n_out)), ("b", b, (self.n_out,))):
            if value is not None:
                value = np.asarray(value.matrix if isinstance(value, LocalNeurons) else value)
                if value.size != int(np.prod(shape)):
                    raise ValueError(f"{name} must have shape {shape}, got {value.shape}")
                self.params[name][...] = value.reshape(shape)

    def get_config(self):
        return {"n_in": self.n_in, "n_out": self.n_out, "activation": self.activation,
                "distributed": self.distributed}

    @property
    def weights(self):
        """The weight matrix W, (n_in, n_out), as LocalNeurons (a view: changes apply)."""
        return LocalNeurons(self.params["w"])

    @property
    def bias(self):
        """The bias vector b, (n_out,), as LocalNeurons."""
        return LocalNeurons(self.params["b"])

    def get_weights(self):
        return self.weights

    def get_bias(self):
        return self.bias

    def output(self, x, grad=False):
        """Output a = f(x W + b) for one input vector or a batch of rows: the layer's own
        forward pass.

        Args:
            x: numpy.ndarray, (n_in,) or (n, n_in).
            grad: also return the derivative of the activation: f'(x W + b) elementwise, or
                for the softmax its full Jacobian, (n_out, n_out) per example.

        Returns:
            numpy.ndarray, or a pair of them when ``grad`` is True.
        """
        x = np.asarray(x, dtype=self.params["w"].dtype)
        batch = x.reshape(1, -1) if x.ndim == 1 else x
        if not grad:
            a = self.forward(batch)
            return a[0] if x.ndim == 1 else a
        a = self.forward(batch, training=True).copy()
        if self._activation is None:
            derivative = softmax_backward(a[:, None, :], np.eye(self.n_out, dtype=a.dtype))
        else:  # dLoss/dz for dLoss/da = 1 is f'(z)
            derivative = self._preactivation_grad(np.ones_like(a)).copy()
        return (a[0], derivative[0]) if x.ndim == 1 else (a, derivative)

    def update(self, step_w, step_b):
        """Add ``step_w`` to W and ``step_b`` to b."""
        self.params["w"] += np.asarray(step_w.matrix if isinstance(step_w, LocalNeurons)
                                       else step_w).reshape(self.params["w"].shape)
        self.params["b"] += np.asarray(step_b.matrix if isinstance(step_b, LocalNeurons)
                                       else step_b).reshape(self.params["b"].shape)

    def l1(self):
        """L1 norm of W and its gradient (see LocalNeurons.l1)."""
        return self.weights.l1()

    def l2(self):
        """Half the squared L2 norm of W and its gradient (see LocalNeurons.l2)."""
        return self.weights.l2()

    def _combined(self, other, op):
        result = type(self)(self.n_in, self.n_out, self.activation, self.distributed)
        for name in ("w", "b"):
            other_value = other.params[name] if isinstance(other, NeuralLayer) else other
            result.params[name][...] = op(self.params[name], other_value)
        return result

    def __add__(self, other):
        return self._combined(other, np.add)

    def __mul__(self, other):
        return self._combined(other, np.multiply)

    def __truediv__(self, other):
        return self._combined(other, np.true_divide)


class ClassificationLayer(NeuralLayer):
    """Output layer of a classification network: its activation is the softmax.

    ``activation`` is accepted for compatibility and ignored.
    """

    def __init__(self, n_in, n_out, activation=SOFTMAX, distributed=False, w=None, b=None,
                 rng=None):
        super().__init__(n_in, n_out, SOFTMAX, distributed, w, b, rng)


class RegressionLayer(NeuralLayer):
    """Output layer of a regression network: its activation's output is the network's output.

    Dropout is not recommended in regression networks.
    """


#: Fields of NetworkParameters that RandomSearch samples when they are set to True.
SEARCHABLE = ("activation", "dropout_ratios", "strength_l1", "strength_l2")
#: What a searchable field set to False (not searched) stands for.
_NOT_SEARCHED = {"activation": "ReLU", "dropout_ratios": None, "strength_l1": 0.0,
                 "strength_l2": 0.0}
_SEARCHED_TEXT = "<searched>"


def _as_list(value, length, what, check):
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
        if not units or len(units) < 2 or any(isinstance(u, bool) or not isinstance(
                u, (int, np.integer)) or u < 1 for u in units):
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
            activation = _as_list(activation, n, "the activation list (one per layer)",
                                  activations.get)
        self.activation = activation
        if dropout_ratios is not True:
            dropout_ratios = [float(r) for r in _as_list(
                0.0 if dropout_ratios is None else dropout_ratios, n - 1,
                "dropout_ratios (one per layer but the output)", check_ratio)]
        self.dropout_ratios = dropout_ratios
        self.layer_distributed = layer_distributed
        self.units_layers = [int(u) for u in units]
        self.classification = bool(classification)
        self.loss = "CrossEntropy" if self.classification else "MSE"
        for name in ("strength_l1", "strength_l2"):
            value = given[name]
            if value is not True and (not isinstance(value, (int, float)) or value < 0):
                raise ValueError(f"{name} must be a number >= 0 (or True to search it), "
                                 f"got {value!r}")
        self.strength_l1, self.strength_l2 = given["strength_l1"], given["strength_l2"]
        self.seed = seed
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


class NeuralNetwork(Sequential):
    """A neural network for classification or regression, trained on one machine or on Spark.

    Args:
        params: :class:`NetworkParameters`.
        list_layers: optional list of :class:`NeuralLayer` already built (e.g. pre-trained);
            their sizes must chain from the input to the output, and the last one is made a
            ClassificationLayer or RegressionLayer as the task requires.
    """

    def __init__(self, params, list_layers=None):
        if not isinstance(params, NetworkParameters):
            raise TypeError(f"params must be a NetworkParameters, got {type(params).__name__}")
        if params.searched:
            raise ValueError(f"params marks {params.searched} to be searched (True); sample "
                             "concrete values with core.search.RandomSearch, or set them")
        self.params = params
        if list_layers is None:
            list_layers = self._initial_layers(params)
        else:
            list_layers = self._checked_layers(params, list(list_layers))
        super().__init__(layers=self._compose(list_layers, params.dropout_ratios),
                         loss=params.loss, input_shape=(params.units_layers[0],),
                         dtype=params.dtype, seed=params.seed, strength_l1=params.strength_l1,
                         strength_l2=params.strength_l2)

    # L1 / L2 strengths live in the parameters, as documented.
    strength_l1 = property(lambda self: self.params.strength_l1,
                           lambda self, value: setattr(self.params, "strength_l1", value))
    strength_l2 = property(lambda self: self.params.strength_l2,
                           lambda self, value: setattr(self.params, "strength_l2", value))

    @staticmethod
    def _initial_layers(params):
        units, rng = params.units_layers, np.random.default_rng(params.seed)
        layers = [NeuralLayer(units[i], units[i + 1], params.activation[i + 1], rng=rng)
                  for i in range(len(units) - 2)]
        output = ClassificationLayer if params.classification else RegressionLayer
        layers.append(output(units[-2], units[-1], params.activation[-1], rng=rng))
        return layers

    @staticmethod
    def _checked_layers(params, layers):
        units = params.units_layers
        if len(layers) != len(units) - 1:
            raise ValueError(f"list_layers must have {len(units) - 1} layers for units_layers "
                             f"{units}, got {len(layers)}")
        for i, layer in enumerate(layers):
            if not isinstance(layer, NeuralLayer):
                raise TypeError(f"list_layers[{i}] is a {type(layer).__name__}, not a "
                                "NeuralLayer")
            if (layer.n_in, layer.n_out) != (units[i], units[i + 1]):
                raise ValueError(f"list_layers[{i}] maps {layer.n_in} -> {layer.n_out} units, "
                                 f"units_layers needs {units[i]} -> {units[i + 1]}")
        output = ClassificationLayer if params.classification else RegressionLayer
        last = layers[-1]
        if type(last) is not output:
            replacement = output(last.n_in, last.n_out, params.activation[-1], w=last.params["w"],
                                 b=last.params["b"])
            layers[-1] = replacement
        return layers

    @staticmethod
    def _compose(list_layers, dropout_ratios):
        sequence = []
        for layer, ratio in zip(list_layers, dropout_ratios):
            if ratio > 0:
                sequence.append(Dropout(ratio))
            sequence.append(layer)
        return sequence

    @property
    def list_layers(self):
        """The network's NeuralLayers, from the input to the output."""
        return [layer for layer in self.layers if isinstance(layer, NeuralLayer)]

    @property
    def num_layers(self):
        return len(self.list_layers)

    # --- Documented configuration setters -----------------------------------------------------

    def set_l1(self, strength_l1):
        """Set the strength of the L1 norm, overwriting the one in ``params``."""
        self.params.strength_l1 = strength_l1

    def set_l2(self, strength_l2):
        """Set the strength of the L2 norm, overwriting the one in ``params``."""
        self.params.strength_l2 = strength_l2

    def set_dropout_ratios(self, dropout_ratios):
        """Set the DropOut ratios (one per layer but the output), overwriting ``params``."""
        ratios = [float(r) for r in _as_list(dropout_ratios, self.num_layers,
                                             "dropout_ratios (one per layer but the output)",
                                             check_ratio)]
        self.params.dropout_ratios = ratios
        self.layers = self._compose(self.list_layers, ratios)
        self._pack()

    # --- Documented costs and norms -----------------------------------------------------------

    def _norm(self, norm, strength):
        """The layers' ``norm`` ('l1' or 'l2') summed and scaled by ``strength``, with its
        gradients."""
        cost, grads = 0.0, []
        for layer in self.list_layers:
            c, g = getattr(layer, norm)()
            cost += c
            grads.append(g * strength)
        return cost * strength, grads

    def l1(self):
        """L1 = lambda_1 sum_l L_1(W^l), and the list of its gradients, one per layer."""
        return self._norm("l1", self.params.strength_l1)

    def l2(self):
        """L2 = lambda_2 sum_l L_2(W^l), with L_2(W) = 1/2 sum W^2, and its gradients."""
        return self._norm("l2", self.params.strength_l2)

    def cost_overall(self, data):
        """Mean cost over a batch of M examples plus the norms,
        C = 1/M sum_i C_FP(W, b; x_i, y_i) + L1 + L2, and its gradients.

        The forward pass is the training one: dropout applies if configured.

        Args:
            data: any accepted data set.

        Returns:
            tuple (float, (list of LocalNeurons, list of LocalNeurons)): the cost and the
            gradients of W and b, one per layer.
        """
        features, labels = self.labeled_arrays(data)
        cost = self.loss_and_gradients(features, self.target_matrix(labels))
        layers = self.list_layers
        return cost, ([LocalNeurons(layer.grads["w"].copy()) for layer in layers],
                      [LocalNeurons(layer.grads["b"].copy()) for layer in layers])

    def cost_single(self, features, label):
        """Cost and gradients for one example {features, label}; see :meth:`cost_overall`.

        For classification, ``label`` is a class index (or its binary vector, see
        ``label_to_vector``).
        """
        label = np.asarray(label)
        if self.classification and label.size == self.n_classes and label.size > 1:
            label = np.argmax(label)
        return self.cost_overall((np.asarray(features).reshape(1, -1), label.reshape(1, -1)))

    def update(self, step_w, step_b):
        """Add the steps (lists, one per layer) to every layer's W and b; returns the network."""
        for layer, sw, sb in zip(self.list_layers, step_w, step_b, strict=True):
            layer.update(sw, sb)
        return self

    def check_stop(self, epochs, criterions, check_all=False):
        """Whether training should stop, from the stop criteria and the fit so far.

        Args:
            epochs: int, iterations done.
            criterions: list of criteria from ``stops`` (or one composed criterion).
            check_all: True to stop when all hold (AND), False when any does (OR).
        """
        hits = self.history.last_valid if self.history is not None else 0.0
        cost = self.history.cost[-1] if self.history is not None and self.history.cost \
            else float("inf")
        return _stops.check(criterions, {"iterations": epochs, "hits": hits, "cost": cost},
                            check_all)

    # --- Files --------------------------------------------------------------------------------

    def get_config(self):
        config = super().get_config()
        config["params"] = self.params.to_dict()
        return config

    @classmethod
    def from_config(cls, config, layers):
        params = NetworkParameters(**config["params"])
        return cls(params, list_layers=[l for l in layers if isinstance(l, NeuralLayer)])

