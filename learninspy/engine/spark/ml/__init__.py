"""learninspy in Spark ML pipelines (``learninspy.ml``): Estimators, Models, their Params and
their persistence. The stages live in :mod:`~learninspy.engine.spark.ml.stages`."""

from learninspy.engine.spark.ml.stages import (NeuralNetworkClassificationModel,
                                               NeuralNetworkClassifier,
                                               NeuralNetworkRegressionModel,
                                               NeuralNetworkRegressor)

__all__ = ["NeuralNetworkClassifier", "NeuralNetworkRegressor",
           "NeuralNetworkClassificationModel", "NeuralNetworkRegressionModel"]
