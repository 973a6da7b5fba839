"""The Params of learninspy's Spark ML stages, with Spark's conventions: the shared
``featuresCol``, ``labelCol``, ``predictionCol``, ``probabilityCol``, ``rawPredictionCol``,
``seed``, ``maxIter`` and ``checkpointInterval``, and learninspy's own -- each with a type
converter, so that ``ParamGridBuilder``, ``copy(extra)``, ``fit(df, paramMap)`` and saved
pipelines treat them as they treat MLlib's."""

import json

from learninspy.engine.spark.session import require_pyspark

require_pyspark()
from pyspark.ml.param import Param, Params, TypeConverters  # noqa: E402
from pyspark.ml.param.shared import (  # noqa: E402
    HasCheckpointInterval, HasFeaturesCol, HasLabelCol, HasMaxIter, HasPredictionCol,
    HasProbabilityCol, HasRawPredictionCol, HasSeed)

from learninspy.core import activations, rules  # noqa: E402
from learninspy.core.sequential import Sequential  # noqa: E402

__all__ = ["NeuralNetworkParams", "ClassifierParams", "RegressorParams", "DEFAULTS"]


def _network(value):
    if value is not None and not isinstance(value, Sequential):
        raise TypeError(f"network must be a learninspy model (a NeuralNetwork or a Sequential) "
                        f"to train copies of, got {type(value).__name__}")
    return value


def _choice(names, what):
    def convert(value):
        value = TypeConverters.toString(value)
        if value not in names():
            raise ValueError(f"unknown {what} {value!r}; valid choices are {sorted(names())}")
        return value
    return convert


def _options(value):
    """A dict of an optimizer's options, from a dict or its JSON text."""
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, dict):
        raise TypeError(f"optimizerOptions must be a dict, got {type(value).__name__}")
    return {str(key): value[key] for key in value}


def _optional(convert):
    return lambda value: None if value is None else convert(value)


def _fraction(value):
    value = TypeConverters.toFloat(value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"validationFraction must be in [0, 1), got {value}")
    return value


def _param(name, doc, convert):
    return Param(Params._dummy(), name, doc, typeConverter=convert)


#: learninspy's defaults for the Params Spark does not define.
DEFAULTS = {"layers": None, "network": None, "activation": "ReLU", "dropoutRatios": None,
            "l1": 0.0, "l2": 0.0, "optimizer": "Adam", "optimizerOptions": {},
            "localIterations": 20, "targetScore": None, "miniBatch": 32, "parallelism": 0,
            "validIters": 5, "measure": None, "validationCol": None, "validationFraction": 0.0,
            "reproducible": False, "keepBest": False, "checkpoint": None,
            "featuresCols": None, "maxIter": 20, "checkpointInterval": 10}


def _getter(name):
    def get(self):
        return self.getOrDefault(name)
    get.__name__, get.__doc__ = f"get{name[0].upper()}{name[1:]}", f"The value of {name}."
    return get


def _setter(name):
    def set_(self, value):
        return self._set(**{name: value})
    set_.__name__, set_.__doc__ = f"set{name[0].upper()}{name[1:]}", f"Set {name}; the stage."
    return set_


class NeuralNetworkParams(HasFeaturesCol, HasLabelCol, HasPredictionCol, HasSeed, HasMaxIter,
                          HasCheckpointInterval):
    """What a learninspy estimator trains, and how."""

    layers = _param("layers", "units of every layer, input and output included, e.g. "
                    "[784, 128, 10] (or give network=)", _optional(TypeConverters.toListInt))
    network = _param("network", "a learninspy model whose copies are trained (its layers and "
                     "initial weights), instead of layers=", _network)
    activation = _param("activation", "activation of the hidden layers",
                        _choice(activations.names, "activation"))
    dropoutRatios = _param("dropoutRatios", "dropout ratio of each layer's input",
                           _optional(TypeConverters.toListFloat))
    l1 = _param("l1", "L1 penalty of the weights", TypeConverters.toFloat)
    l2 = _param("l2", "L2 penalty of the weights", TypeConverters.toFloat)
    optimizer = _param("optimizer", "the optimization algorithm",
                       _choice(rules.names, "optimizer"))
    optimizerOptions = _param("optimizerOptions", "the algorithm's options, e.g. "
                              "{'step-rate': 0.01}", _options)
    localIterations = _param("localIterations", "mini-batch steps of each replica per "
                             "iteration", TypeConverters.toInt)
    targetScore = _param("targetScore", "stop once the validation score reaches it (None: "
                         "never)", _optional(TypeConverters.toFloat))
    miniBatch = _param("miniBatch", "examples per mini-batch", TypeConverters.toInt)
    parallelism = _param("parallelism", "replicas trained side by side per iteration, merged "
                         "after it (0: one per core of the cluster)", TypeConverters.toInt)
    validIters = _param("validIters", "iterations between evaluations", TypeConverters.toInt)
    measure = _param("measure", "metric of the scores (None: F-measure for classification, "
                     "R2 for regression)", _optional(TypeConverters.toString))
    validationCol = _param("validationCol", "a boolean column: the rows where it is true "
                           "are the validation set", _optional(TypeConverters.toString))
    validationFraction = _param("validationFraction", "the fraction of rows held out at "
                                "random for validation, when there is no validationCol",
                                _fraction)
    reproducible = _param("reproducible", "bit-identical weights for the same data and seed",
                          TypeConverters.toBoolean)
    keepBest = _param("keepBest", "end with the model of the best validation score",
                      TypeConverters.toBoolean)
    checkpoint = _param("checkpoint", "a path or URI where the fit is checkpointed",
                        _optional(TypeConverters.toString))
    featuresCols = _param("featuresCols", "numeric columns to use as the features, instead of "
                          "featuresCol", _optional(TypeConverters.toListString))

    def __init__(self, *args):
        super().__init__(*args)
        self._setDefault(**DEFAULTS)

    def __init_subclass__(cls, **kwargs):
        """Every Param gets Spark's accessors, ``getMiniBatch()`` and ``setMiniBatch(32)``
        (which returns the stage, for chaining), unless the class defines its own."""
        super().__init_subclass__(**kwargs)
        for name in dir(cls):
            if isinstance(getattr(cls, name, None), Param):
                for prefix, make in (("get", _getter), ("set", _setter)):
                    accessor = prefix + name[0].upper() + name[1:]
                    if not hasattr(cls, accessor):
                        setattr(cls, accessor, make(name))


class ClassifierParams(NeuralNetworkParams, HasProbabilityCol, HasRawPredictionCol):
    """... and the columns of a classifier's outputs."""


class RegressorParams(NeuralNetworkParams):
    """... and how a regressor treats its label."""

    standardizeLabel = _param("standardizeLabel", "train on the label standardized (mean 0, "
                              "deviation 1) and fold the scale back into the output layer, so "
                              "that predictions are in the label's units", TypeConverters.toBoolean)

    def __init__(self, *args):
        super().__init__(*args)
        self._setDefault(standardizeLabel=True)
