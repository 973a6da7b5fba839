"""Neural networks: layers of neurons, their configuration, and the network that trains them.

:class:`NeuralNetwork` is a :class:`~learninspy.core.sequential.Sequential` built from a
:class:`~learninspy.core.network_parameters.NetworkParameters`: for each pair of consecutive
layers of units, an optional :class:`~learninspy.core.layers.dropout.Dropout` on the lower
layer's units and a :class:`~learninspy.core.neural_layer.NeuralLayer` (or a
``ClassificationLayer`` / ``RegressionLayer`` at the output) connecting them. The layers and
the parameters live in modules of their own; this module gathers them, as learninspy 0.1's
API has them.
"""

import math
import warnings

import numpy as np

from learninspy.core import stops as _stops
from learninspy.core.history import History
from learninspy.core.layers.dropout import Dropout, check_ratio
from learninspy.core.network_parameters import SEARCHABLE, NetworkParameters, as_list
from learninspy.core.neural_layer import ClassificationLayer, NeuralLayer, RegressionLayer
from learninspy.core.neurons import LocalNeurons
from learninspy.core.sequential import Sequential

__all__ = ["NeuralLayer", "ClassificationLayer", "RegressionLayer", "NetworkParameters",
           "NeuralNetwork", "SEARCHABLE"]


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

    # L1 / L2 strengths live in the parameters, as in learninspy 0.1.
    strength_l1 = property(lambda self: self.params.strength_l1,
                           lambda self, value: setattr(self.params, "strength_l1", value))
    strength_l2 = property(lambda self: self.params.strength_l2,
                           lambda self, value: setattr(self.params, "strength_l2", value))

    @staticmethod
    def _initial_layers(params):
        """The layers of a new network, with learninspy 0.1's initial weights for its seed.

        As in 0.1, one ``numpy.random.RandomState(params.seed)`` draws every layer's weights in
        turn, from the input to the output, each as an (n_out, n_in) matrix: uniform in
        +-sqrt(6 / (n_in + n_out)) for a Tanh layer, four times that range for a Sigmoid one,
        else normal with variance 2 / n_in (see
        :func:`~learninspy.core.layers.dense.neural_layer_weights`); each matrix is stored
        transposed, W being (n_in, n_out) here. A regression output is drawn for its own
        activation, a classification output (a softmax) for the activation of the layer
        below it. Biases start at zero. The stream restarts at every construction, so the same
        parameters always give the same weights; ``reproducible=True`` fits then start from
        them.
        """
        units, seed = params.units_layers, params.seed
        if seed is not None and not 0 <= int(seed) < 2 ** 32:
            raise ValueError(f"seed must be None or an integer in [0, 2**32), got {seed!r}")
        rng, dtype = np.random.RandomState(seed), params.dtype
        layers = [NeuralLayer(units[i], units[i + 1], params.activation[i + 1], rng=rng,
                              dtype=dtype) for i in range(len(units) - 2)]
        if params.classification:
            output = ClassificationLayer(units[-2], units[-1], params.activation[-2], rng=rng,
                                         dtype=dtype)
        else:
            output = RegressionLayer(units[-2], units[-1], params.activation[-1], rng=rng,
                                     dtype=dtype)
        return layers + [output]

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

    def __iter__(self):
        """``best_model, best_hits = search.fit(...)``, learninspy 0.1's unpacking of the
        result of ``RandomSearch.fit``, which now returns the best model alone: the model and
        its test score, with a DeprecationWarning. Any other model is not iterable."""
        result = getattr(self, "search_result", None)
        if result is None:
            raise TypeError(f"{type(self).__name__} object is not iterable")
        warnings.warn("RandomSearch.fit returns the best model (chosen by its validation "
                      "score); learninspy 0.1 returned (best_model, best_hits), chosen by the "
                      "test score. Write best = search.fit(...), and read the test score in "
                      "search.results.best['test']", DeprecationWarning, stacklevel=2)
        return iter((self, result["test"]))

    # --- Documented configuration setters -----------------------------------------------------

    def set_l1(self, strength_l1):
        """Set the strength of the L1 norm, overwriting the one in ``params``."""
        self.params.strength_l1 = strength_l1

    def set_l2(self, strength_l2):
        """Set the strength of the L2 norm, overwriting the one in ``params``."""
        self.params.strength_l2 = strength_l2

    def set_dropout_ratios(self, dropout_ratios):
        """Set the DropOut ratios (one per layer but the output), overwriting ``params``."""
        ratios = [float(r) for r in as_list(dropout_ratios, self.num_layers,
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

    # --- The learning history as lists, as learninspy 0.1 kept it --------------------------

    def _history_series(series):
        def read(self):
            return list(getattr(self.history, f"hits_{series}" if series != "epochs" else
                                series)) if self.history is not None else []

        def write(self, values):
            if self.history is None:
                self.history = History()
            self.history.set_evaluated(series, values)
        what = {"train": "training scores", "valid": "validation scores",
                "epochs": "iterations"}[series]
        return property(read, write, doc=f"The {what} of the evaluated iterations of the last "
                        "fit, a list (``history``'s); assigning one sets them in ``history``, "
                        "which ``check_stop`` reads.")

    hits_train = _history_series("train")
    hits_valid = _history_series("valid")
    epochs = _history_series("epochs")
    del _history_series

    def check_stop(self, epochs, criterions, check_all=False):
        """Whether training should stop, from the stop criteria and the fit so far: the last
        validation score (``hits_valid[-1]``, 0.0 before any) and the last cost.

        Args:
            epochs: int, iterations done.
            criterions: list of criteria from ``stops`` (or one composed criterion).
            check_all: True to stop when all hold (AND), False when any does (OR).
        """
        hits = self.hits_valid[-1] if self.hits_valid else 0.0
        costs = [c for c in self.history.cost if math.isfinite(c)] \
            if self.history is not None else []
        cost = costs[-1] if costs else float("inf")
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

