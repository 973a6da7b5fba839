"""learninspy networks as Spark ML stages, for ``pyspark.ml`` pipelines::

    from pyspark.ml import Pipeline
    from pyspark.ml.feature import StandardScaler, VectorAssembler
    from learninspy.ml import NeuralNetworkClassifier

    pipeline = Pipeline(stages=[
        VectorAssembler(inputCols=["a", "b", "c", "d"], outputCol="raw"),
        StandardScaler(inputCol="raw", outputCol="features"),
        NeuralNetworkClassifier(layers=[4, 16, 3], maxIter=20)])
    model = pipeline.fit(frame)          # trains on the executors, with the Spark engine
    model.transform(frame)               # + prediction, probability, rawPrediction

Saved pipelines name these classes by this module's path. The code lives in
:mod:`learninspy.engine.spark.ml`.
"""

from learninspy.engine.spark.ml import (NeuralNetworkClassificationModel,  # noqa: F401
                                        NeuralNetworkClassifier, NeuralNetworkRegressionModel,
                                        NeuralNetworkRegressor)

__all__ = ["NeuralNetworkClassifier", "NeuralNetworkRegressor",
           "NeuralNetworkClassificationModel", "NeuralNetworkRegressionModel"]
