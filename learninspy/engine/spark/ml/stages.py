"""learninspy networks as Spark ML stages: Estimators that train with the Spark engine on a
DataFrame's partitions, and the Models (Transformers) they return.

``fit(df)`` reads the DataFrame once, through Arrow, into the files each replica trains from
(the data stays on the executors) and trains a NeuralNetwork as ``NeuralNetwork.fit`` does:
the same data, Params and seed give the same weights. ``transform(df)`` adds the prediction
columns lazily, as every Spark transformer does -- an Arrow UDF, one matrix product per layer
per record batch, the network unpickled once per Python worker. Estimators and Models are
``MLWritable``/``MLReadable`` (see :mod:`~learninspy.engine.spark.ml.io`), so pipelines that
contain them save and load; ``CrossValidator`` and ``TrainValidationSplit`` tune them.
"""

from learninspy.engine.spark.session import require_pyspark

require_pyspark()
from pyspark import keyword_only  # noqa: E402
from pyspark.ml import Estimator, Model  # noqa: E402
from pyspark.ml.util import MLReadable, MLWritable  # noqa: E402

from learninspy.core.model import NetworkParameters, NeuralNetwork  # noqa: E402
from learninspy.core.optimization import OptimizerParameters  # noqa: E402
from learninspy.core.stops import AchieveTolerance, MaxIterations  # noqa: E402
from learninspy.engine.spark.engine import SparkEngine  # noqa: E402
from learninspy.engine.spark.frames import LabeledFrame  # noqa: E402
from learninspy.engine.spark.inference import predict_frame, prediction_udf  # noqa: E402
from learninspy.engine.spark.ml.io import StageReader, StageWriter  # noqa: E402
from learninspy.engine.spark.ml.params import (  # noqa: E402
    ClassifierParams, RegressorParams)

__all__ = ["NeuralNetworkClassifier", "NeuralNetworkRegressor",
           "NeuralNetworkClassificationModel", "NeuralNetworkRegressionModel"]


class _Persistent(MLReadable, MLWritable):
    """Saved and loaded with :mod:`~learninspy.engine.spark.ml.io`."""

    def write(self):
        return StageWriter(self)

    @classmethod
    def read(cls):
        return StageReader(cls)


# --- Estimators --------------------------------------------------------------------------------

class _NeuralNetworkEstimator(Estimator, _Persistent):
    classification = None
    _model_class = None

    def _set_given(self, given):
        return self._set(**{name: value for name, value in given.items() if value is not None})

    def _saved_model(self):
        return self.getNetwork()

    @classmethod
    def _loaded(cls, model):
        stage = cls()
        if model is not None:
            stage._set(network=model)
        return stage

    def _columns(self, frame, label=True):
        return LabeledFrame(frame, features_col=self.getFeaturesCol(),
                            label_col=self.getLabelCol() if label else None,
                            features_cols=self.getFeaturesCols())

    def _new_network(self):
        """A copy of the template network, or a new NeuralNetwork of ``layers``."""
        template, layers = self.getNetwork(), self.getLayers()
        if template is not None:
            if layers is not None:
                raise ValueError("set layers= or network=, not both")
            return template.copy()
        if layers is None:
            raise ValueError(f"{type(self).__name__} needs the network: layers=[inputs, hidden "
                             "units..., outputs] (e.g. [4, 16, 3]) or network=a learninspy "
                             "model")
        activation = self.getOrDefault(self.activation)
        hidden = [activation] * (len(layers) - 2)
        return NeuralNetwork(NetworkParameters(
            layers, activation=hidden + [activation if self.classification else "Identity"],
            dropout_ratios=self.getOrDefault(self.dropoutRatios),
            classification=self.classification, strength_l1=self.getOrDefault(self.l1),
            strength_l2=self.getOrDefault(self.l2), seed=self.getSeed() % 2 ** 32))

    def _split(self, frame):
        """(training rows, validation rows or None) of ``frame``."""
        column = self.getOrDefault(self.validationCol)
        if column is not None:
            from pyspark.sql import functions as F
            from pyspark.sql.types import BooleanType
            if column not in frame.columns:
                raise ValueError(f"the DataFrame has no validation column {column!r}; its "
                                 f"columns are {frame.columns}")
            if not isinstance(frame.schema[column].dataType, BooleanType):
                raise TypeError(f"the validation column {column!r} must hold booleans, it "
                                f"holds {frame.schema[column].dataType.simpleString()}")
            return frame.filter(~F.col(column)), frame.filter(F.col(column))
        fraction = self.getOrDefault(self.validationFraction)
        if fraction > 0:
            train, valid = frame.randomSplit([1.0 - fraction, fraction], seed=self.getSeed())
            return train, valid
        return frame, None

    def fit_arguments(self, frame):
        """The network to train and the arguments of its ``fit`` -- what ``fit(frame)`` does,
        for those who want to call ``NeuralNetwork.fit`` themselves."""
        network = self._new_network()
        train, valid = self._split(frame)
        optimizer = OptimizerParameters(
            self.getOrDefault(self.optimizer), dict(self.getOrDefault(self.optimizerOptions)),
            stops=[MaxIterations(self.getOrDefault(self.localIterations))], sampling="fresh",
            keep_state=True)
        target = self.getOrDefault(self.targetScore)
        checkpoint = self.getOrDefault(self.checkpoint)
        return network, dict(
            train=self._columns(train), valid=None if valid is None else self._columns(valid),
            mini_batch=self.getMiniBatch(), parallelism=self.getOrDefault(self.parallelism),
            valid_iters=self.getOrDefault(self.validIters),
            measure=self.getOrDefault(self.measure),
            stops=[MaxIterations(self.getMaxIter())] + ([AchieveTolerance(target)]
                                                        if target is not None else []),
            optimizer_params=optimizer, reproducible=self.getOrDefault(self.reproducible),
            keep_best=self.getOrDefault(self.keepBest), engine=SparkEngine(frame.sparkSession),
            checkpoint=checkpoint, checkpoint_every=self.getCheckpointInterval()
            if checkpoint is not None else 10)

    def _fit(self, dataset):
        network, arguments = self.fit_arguments(dataset)
        if network.classification != self.classification:
            kind = "classification" if self.classification else "regression"
            raise ValueError(f"{type(self).__name__} trains {kind} networks; the template "
                             f"network is not one")
        network.fit(**arguments)
        return self._copyValues(self._model_class(network))


class NeuralNetworkClassifier(_NeuralNetworkEstimator, ClassifierParams):
    """Trains a learninspy NeuralNetwork (a softmax output) to classify the rows of a
    DataFrame: labels are class indices 0, 1, ... (index strings with ``StringIndexer``).

    Every Param is a keyword argument; see ``explainParams()``. ``layers`` (or ``network``)
    is required: ``NeuralNetworkClassifier(layers=[4, 16, 3])``.
    """

    __module__ = "learninspy.ml"
    classification = True

    @keyword_only
    def __init__(self, *, featuresCol=None, labelCol=None, predictionCol=None,
                 probabilityCol=None, rawPredictionCol=None, featuresCols=None, layers=None,
                 network=None, activation=None, dropoutRatios=None, l1=None, l2=None,
                 optimizer=None, optimizerOptions=None, localIterations=None, maxIter=None,
                 targetScore=None, miniBatch=None, parallelism=None, validIters=None,
                 measure=None, validationCol=None, validationFraction=None, reproducible=None,
                 keepBest=None, checkpoint=None, checkpointInterval=None, seed=None):
        super().__init__()
        self._set_given(self._input_kwargs)

    @keyword_only
    def setParams(self, **params):
        """Set the given Params."""
        return self._set_given(self._input_kwargs)


class NeuralNetworkRegressor(_NeuralNetworkEstimator, RegressorParams):
    """Trains a learninspy NeuralNetwork (a linear output) to predict the numeric label of
    the rows of a DataFrame (an array or Vector label for several targets, with
    ``standardizeLabel=False``).

    ``NeuralNetworkRegressor(layers=[4, 32, 1])``; see ``explainParams()``. By default the
    network trains on the label standardized, the scale folded back into its output layer
    at the end (one aggregation job): labels in any units train at the same pace.
    """

    __module__ = "learninspy.ml"
    classification = False

    @keyword_only
    def __init__(self, *, featuresCol=None, labelCol=None, predictionCol=None,
                 featuresCols=None, layers=None, network=None, activation=None,
                 dropoutRatios=None, l1=None, l2=None, optimizer=None, optimizerOptions=None,
                 localIterations=None, maxIter=None, targetScore=None, miniBatch=None,
                 parallelism=None, validIters=None, measure=None, validationCol=None,
                 validationFraction=None, reproducible=None, keepBest=None, checkpoint=None,
                 checkpointInterval=None, standardizeLabel=None, seed=None):
        super().__init__()
        self._set_given(self._input_kwargs)

    @keyword_only
    def setParams(self, **params):
        """Set the given Params."""
        return self._set_given(self._input_kwargs)

    def _fit(self, dataset):
        if not self.getOrDefault(self.standardizeLabel):
            return super()._fit(dataset)
        from pyspark.sql import functions as F
        from pyspark.sql.types import NumericType
        label = self.getLabelCol()
        if label in dataset.columns and not isinstance(dataset.schema[label].dataType,
                                                       NumericType):
            raise TypeError(f"standardizeLabel=True standardizes a numeric label; the label "
                            f"column {label!r} holds "
                            f"{dataset.schema[label].dataType.simpleString()}: set "
                            "standardizeLabel=False")
        if self.getNetwork() is not None:
            _linear_output(self.getNetwork())  # before any training
        mean, deviation = self._label_moments(dataset, label)
        model = super()._fit(dataset.withColumn(label, (F.col(label) - mean) / deviation))
        _unstandardize(model.network, mean, deviation)
        return model

    @staticmethod
    def _label_moments(frame, label):
        from pyspark.sql import functions as F
        if label not in frame.columns:
            return 0.0, 1.0  # the fit says which column is missing
        mean, deviation = frame.select(F.mean(label), F.stddev_pop(label)).first()
        return float(mean or 0.0), float(deviation) if deviation else 1.0


def _linear_output(network):
    """The network's output layer, after checking it is linear (y = x W + b)."""
    last = network.layers[-1] if network.layers else None
    if getattr(last, "output_activation", None) != "Identity" or set(last.params) != {"w", "b"}:
        raise ValueError("standardizeLabel=True needs a network whose output layer is linear "
                         "(Identity activation); set standardizeLabel=False")
    return last


def _unstandardize(network, mean, deviation):
    """Fold ``y = mean + deviation * output`` into the network's linear output layer."""
    last = _linear_output(network)
    last.params["w"] *= deviation
    last.params["b"] *= deviation
    last.params["b"] += mean


# --- Models ------------------------------------------------------------------------------------

class _NeuralNetworkModel(Model, _Persistent):
    """A trained network as a Transformer."""

    def __init__(self, network=None):
        super().__init__()
        self.network = network

    def _saved_model(self):
        return self.network

    @classmethod
    def _loaded(cls, model):
        return cls(model)

    @property
    def history(self):
        """The network's training history (scores and costs per iteration)."""
        return self.network.history

    @property
    def numFeatures(self):
        self.network.ensure_built()
        size = 1
        for dimension in self.network.input_shape:
            size *= dimension
        return size

    def summary(self, print_fn=None):
        """The network's table of layers (see ``Sequential.summary``)."""
        return self.network.summary(print_fn=print_fn)

    def _output_names(self):
        return (self.getPredictionCol(),)

    def _transform(self, dataset):
        frame = LabeledFrame(dataset, features_col=self.getFeaturesCol(), label_col=None,
                             features_cols=self.getFeaturesCols())
        frame.check_width(self.network)
        return predict_frame(self.network, frame, self._output_names())

    def as_udf(self, vectors=True):
        """The network as an Arrow UDF of a features column (Vectors or arrays), returning a
        struct of this model's prediction columns -- for ``select``, SQL and streaming::

            spark.udf.register("classify", model.as_udf())
            spark.sql("SELECT classify(features).prediction FROM digits")

        With ``vectors=False`` the Vector columns (probability, rawPrediction) come as arrays
        of doubles, which SQL can index (``classify(features).probability[1]``) and which
        Spark's columnar input to Arrow UDFs -- its default when a Parquet scan feeds the UDF
        -- can carry; Vectors need
        ``spark.sql.execution.arrow.pythonUDF.columnarInput.enabled=false`` there (sessions
        of learninspy's ``get_session`` have it), as do Vector features (or give
        ``vector_to_array(features)``).
        """
        from pyspark.sql import SparkSession
        return prediction_udf(self.network, SparkSession.getActiveSession(),
                              *self._output_names(), vectors=vectors)


class NeuralNetworkClassificationModel(_NeuralNetworkModel, ClassifierParams):
    """A trained classifier: ``transform`` adds ``prediction`` (the class index),
    ``probability`` and ``rawPrediction`` (Vectors, the latter of log-probabilities), the
    columns Spark's evaluators read."""

    __module__ = "learninspy.ml"

    @property
    def numClasses(self):
        return self.network.n_classes

    def _output_names(self):
        return (self.getPredictionCol(), self.getProbabilityCol(), self.getRawPredictionCol())


class NeuralNetworkRegressionModel(_NeuralNetworkModel, RegressorParams):
    """A trained regressor: ``transform`` adds ``prediction`` (a number, or a Vector for
    several targets)."""

    __module__ = "learninspy.ml"


NeuralNetworkClassifier._model_class = NeuralNetworkClassificationModel
NeuralNetworkRegressor._model_class = NeuralNetworkRegressionModel
