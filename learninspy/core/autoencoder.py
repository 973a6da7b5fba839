"""Autoencoders: unsupervised feature learning and greedy layer-wise pre-training.

An :class:`AutoEncoder` learns to reconstruct its input through a hidden layer of another
width; the connections input -> hidden are the *encoder*, hidden -> output the *decoder*. A
:class:`StackedAutoencoder` is a deep classification network whose hidden layers are each
initialised by an autoencoder trained on the codes of the layer below (Bengio et al., 2007;
see http://ufldl.stanford.edu/wiki/index.php/Stacked_Autoencoders), then fine-tuned with labels.

Both are networks of :mod:`~learninspy.core.model` and train with the same ``fit`` -- same
parameters, engines, progress, history and model files.
"""

import numpy as np

from learninspy._internal.checks import number
from learninspy.core.layers.dropout import Dropout, check_ratio
from learninspy.core.layers.noise import KLSparsity, MaskingNoise
from learninspy.core.model import NetworkParameters, NeuralLayer, NeuralNetwork
from learninspy.data.labeled import (LabeledDataSet, LocalLabeledDataSet, is_distributed,
                                     to_arrays)

__all__ = ["AutoEncoder", "StackedAutoencoder"]

_LINEAR_DECODER = "Identity"


def _features_only(data):
    """The features of ``data``: an array of rows, or any labeled data set (labels ignored)."""
    if isinstance(data, np.ndarray):
        return data
    return to_arrays(data)[0]


class AutoEncoder(NeuralNetwork):
    """A network of one hidden layer trained to reconstruct its input (the labels are ignored).

    Args:
        params: NetworkParameters with ``units_layers=[n_in, n_hidden]`` (or
            ``[n_in, n_hidden, n_in]`` to give the decoder its own activation in a list of 3
            activations); ``classification`` is set to False, the loss is MSE.
        list_layers: optional [encoder, decoder] NeuralLayers already built.
        dropout_in: DropOut ratio of the encoder's input; the decoder never gets DropOut.
        corruption: masking-noise level of a denoising autoencoder: in training each input is
            zeroed with this probability and the clean input must be reconstructed (off: 0).
        sparsity: strength of a KL sparsity penalty on the hidden units' mean activation,
            which must then be a Sigmoid (off: 0).
        sparsity_target: the desired mean activation of each hidden unit.

    >>> ae_params = NetworkParameters(units_layers=[5, 3], activation='Tanh',
    ...                               dropout_ratios=None, classification=False)
    >>> ae = AutoEncoder(ae_params)
    >>> ae.params.units_layers
    [5, 3, 5]
    """

    def __init__(self, params=None, list_layers=None, dropout_in=0.0, corruption=0.0,
                 sparsity=0.0, sparsity_target=0.05):
        if not isinstance(params, NetworkParameters) or params.searched:
            raise TypeError("AutoEncoder needs params, a NetworkParameters with "
                            f"units_layers=[n_in, n_hidden], got {params!r}")
        units = params.units_layers
        if len(units) == 3 and units[2] != units[0]:
            raise ValueError(f"an autoencoder reconstructs its input: units_layers {units} "
                             f"must end with the input width {units[0]}")
        if len(units) not in (2, 3):
            raise ValueError("an autoencoder has an input and one hidden layer: units_layers "
                             f"must be [n_in, n_hidden], got {units}")
        activation = params.activation if isinstance(params.activation, list) else None
        activation = (activation + [activation[-1]])[:3] if activation else params.activation
        self.dropout_in = check_ratio(dropout_in, "dropout_in")
        self.corruption = check_ratio(corruption, "corruption")
        number("sparsity", sparsity, ">= 0", lambda v: v >= 0)
        number("sparsity_target", sparsity_target, "in (0, 1)", lambda v: 0 < v < 1)
        if sparsity and activation[1] != "Sigmoid":
            raise ValueError("the sparsity penalty needs hidden activations in (0, 1): use a "
                             f"'Sigmoid' hidden layer, got {activation[1]!r}")
        self.sparsity, self.sparsity_target = float(sparsity), float(sparsity_target)
        own = NetworkParameters([units[0], units[1], units[0]], activation=activation,
                                dropout_ratios=[self.dropout_in, 0.0], classification=False,
                                strength_l1=params.strength_l1, strength_l2=params.strength_l2,
                                seed=params.seed, dtype=params.dtype)
        super().__init__(own, list_layers)

    def _compose(self, list_layers, dropout_ratios):
        encoder, decoder = list_layers
        sequence = [MaskingNoise(self.corruption)] if self.corruption else []
        sequence += [Dropout(dropout_ratios[0])] if dropout_ratios[0] else []
        sequence.append(encoder)
        sequence += [KLSparsity(self.sparsity, self.sparsity_target)] if self.sparsity else []
        return sequence + [decoder]

    def set_dropout_ratios(self, dropout_ratios):
        """Set the encoder's input DropOut; the decoder's ratio must stay 0."""
        if len(dropout_ratios) == 2 and dropout_ratios[1]:
            raise ValueError("the decoder of an autoencoder gets no DropOut")
        self.dropout_in = check_ratio(dropout_ratios[0], "dropout_in")
        super().set_dropout_ratios([self.dropout_in, 0.0])

    def labeled_arrays(self, data):
        """The inputs, checked, as both features and targets: the labels are ignored."""
        X = self.check_features(_features_only(data))
        if len(X) == 0:
            raise ValueError("the data set is empty")
        return X, X

    def encoder_layer(self):
        """The encoder: the NeuralLayer from the input to the hidden layer."""
        return self.list_layers[0]

    def encode(self, x):
        """Codes of the inputs ``x``: the hidden layer's activations.

        Args:
            x: one input vector, an (n, n_in) array, a list of labeled points or a data set.

        Returns:
            numpy.ndarray, (n_hidden,) for one vector, else (n, n_hidden).
        """
        if isinstance(x, LabeledDataSet) or (isinstance(x, list) and x and
                                             hasattr(x[0], "features")):
            x = to_arrays(x)[0]
        x = np.asarray(x)
        single = x.ndim == 1
        X = self.check_features(x.reshape(1, -1) if single else x)
        encoder = self.encoder_layer()
        codes = np.concatenate([encoder.forward(X[i:i + 8192]) for i in range(0, len(X), 8192)])
        return codes[0] if single else codes

    def evaluate(self, data, predictions=False, measure=None):
        """How well the autoencoder reconstructs ``data`` (default measure 'R2', see
        ``RegressionMetrics``); with ``predictions`` also the reconstructions."""
        return super().evaluate(data, predictions, measure)

    def get_config(self):
        config = super().get_config()
        config["autoencoder"] = {"dropout_in": self.dropout_in, "corruption": self.corruption,
                                 "sparsity": self.sparsity,
                                 "sparsity_target": self.sparsity_target}
        return config

    @classmethod
    def from_config(cls, config, layers):
        return cls(NetworkParameters(**config["params"]),
                   [layer for layer in layers if isinstance(layer, NeuralLayer)],
                   **config["autoencoder"])


def _encode(data, autoencoder):
    """The codes of ``data`` through ``autoencoder``'s encoder, labels kept, as a data set of
    the same kind (a distributed one stays distributed)."""
    if isinstance(data, LabeledDataSet) and data.is_distributed:
        encoder = autoencoder.encoder_layer()
        return data.map_features(lambda block: encoder.forward(block.astype(
            encoder.params["w"].dtype, copy=False)))
    features, labels = to_arrays(data)
    return LocalLabeledDataSet((autoencoder.encode(features), labels))


class StackedAutoencoder(NeuralNetwork):
    """A deep classification network pre-trained layer by layer with autoencoders.

    ``fit`` trains one :class:`AutoEncoder` per hidden layer -- each on the codes of the one
    below, with a linear decoder -- copies its encoder into the network, and trains the softmax
    layer on top on the last codes, starting from zero weights. ``finetune`` then trains the
    whole network with labels.

    Args:
        params: NetworkParameters of the whole network, e.g. units_layers=[784, 256, 128, 10]
            (classification); its DropOut ratios apply in fine-tuning.
        list_layers: optional NeuralLayers already built.
        dropout: list with the DropOut ratio of each autoencoder's encoder input (one per
            hidden layer; default none).
    """

    def __init__(self, params, list_layers=None, dropout=None):
        if not isinstance(params, NetworkParameters):
            raise TypeError(f"params must be a NetworkParameters, got {type(params).__name__}")
        hidden = len(params.units_layers) - 2
        if hidden < 1:
            raise ValueError("a stacked autoencoder needs at least one hidden layer, e.g. "
                             f"units_layers=[784, 256, 10]; got {params.units_layers}")
        if not params.classification:
            raise ValueError("a StackedAutoencoder is a classifier: classification must be True")
        dropout = [0.0] * hidden if dropout is None else list(dropout)
        if len(dropout) != hidden:
            raise ValueError(f"dropout must have {hidden} ratios (one per hidden layer), got "
                             f"{len(dropout)}")
        self.dropout = [check_ratio(r, "dropout") for r in dropout]
        self.autoencoders = []
        self.pretrained = False
        super().__init__(params, list_layers)

    def fit(self, train, valid=None, mini_batch=50, parallelism=0, valid_iters=10, measure=None,
            stops=None, optimizer_params=None, reproducible=False, keep_best=False, **options):
        """Pre-train every hidden layer with an autoencoder, then the softmax layer on top.

        The parameters are those of ``NeuralNetwork.fit``; each autoencoder is scored with R2,
        the classifier with ``measure``. ``self.autoencoders`` keeps the trained autoencoders
        and ``self.history`` the classifier's fit.

        Returns:
            float, the network's score on ``valid`` (on ``train`` if ``valid`` is None).
        """
        measure = self.check_measure(measure)
        if not is_distributed(train):
            self.labeled_arrays(train)  # the labels are needed at the top: check them first
        fit_options = dict(mini_batch=mini_batch, parallelism=parallelism,
                           valid_iters=valid_iters, stops=stops,
                           optimizer_params=optimizer_params, reproducible=reproducible,
                           keep_best=keep_best, **options)
        params, units = self.params, self.params.units_layers
        codes_train, codes_valid = train, valid
        self.autoencoders = []
        for i, layer in enumerate(self.list_layers[:-1]):
            autoencoder = AutoEncoder(
                NetworkParameters([units[i], units[i + 1], units[i]],
                                  activation=[params.activation[i], params.activation[i + 1],
                                              _LINEAR_DECODER],
                                  classification=False, strength_l1=params.strength_l1,
                                  strength_l2=params.strength_l2, seed=params.seed + i,
                                  dtype=params.dtype),
                dropout_in=self.dropout[i])
            autoencoder.fit(codes_train, codes_valid, **fit_options)
            layer.params["w"][...] = autoencoder.encoder_layer().params["w"]
            layer.params["b"][...] = autoencoder.encoder_layer().params["b"]
            self.autoencoders.append(autoencoder)
            codes_train = _encode(codes_train, autoencoder)
            codes_valid = None if valid is None else _encode(codes_valid, autoencoder)
        top = NeuralNetwork(NetworkParameters(units[-2:], activation=params.activation[-2:],
                                              classification=True,
                                              strength_l1=params.strength_l1,
                                              strength_l2=params.strength_l2,
                                              seed=params.seed + len(units), dtype=params.dtype))
        # The softmax on top is a logistic regression on the codes: it starts from zero weights
        # (no class favoured). Random weights drawn for ReLU units, on codes as large as the
        # unscaled inputs, start it saturated on whichever class the draw favours, and the
        # small first steps of an optimizer started afresh each iteration (Adadelta's) cannot
        # move it away: the pre-trained score was then decided by the draw.
        top.list_layers[0].params["w"][...] = 0
        top.fit(codes_train, codes_valid, measure=measure, **fit_options)
        self.list_layers[-1].params["w"][...] = top.list_layers[0].params["w"]
        self.list_layers[-1].params["b"][...] = top.list_layers[0].params["b"]
        self.history, self.pretrained = top.history, True
        return self.evaluate(valid if valid is not None else train, measure=measure)

    def finetune(self, train, valid, mini_batch=50, parallelism=0, valid_iters=10, measure=None,
                 stops=None, optimizer_params=None, reproducible=False, keep_best=False,
                 **options):
        """Supervised training of the whole pre-trained network (``NeuralNetwork.fit``)."""
        if not self.pretrained:
            raise ValueError("finetune() needs a pre-trained network: call fit() first")
        return NeuralNetwork.fit(self, train, valid, mini_batch=mini_batch,
                                 parallelism=parallelism, valid_iters=valid_iters,
                                 measure=measure, stops=stops, optimizer_params=optimizer_params,
                                 reproducible=reproducible, keep_best=keep_best, **options)

    def get_config(self):
        config = super().get_config()
        config["stacked"] = {"dropout": self.dropout, "pretrained": self.pretrained}
        return config

    @classmethod
    def from_config(cls, config, layers):
        network = cls(NetworkParameters(**config["params"]),
                      [layer for layer in layers if isinstance(layer, NeuralLayer)],
                      dropout=config["stacked"]["dropout"])
        network.pretrained = config["stacked"]["pretrained"]
        return network
