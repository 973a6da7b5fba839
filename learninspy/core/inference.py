"""What a trained model answers: outputs, predictions and scores.

:class:`Inference` is a mixin of :class:`~learninspy.core.sequential.Sequential`. Its public
methods take any accepted data set and check it once (:mod:`learninspy.core.task`); data
Spark holds is handed to the Spark engine through :mod:`learninspy.core.facades`. The
methods on checked arrays -- :meth:`~Inference.outputs`, :meth:`~Inference.score` -- are what
the engines call on every batch.
"""

import numpy as np

from learninspy.core import facades
from learninspy.data.labeled import LabeledDataSet, is_distributed, to_arrays
from learninspy.metrics import ClassificationMetrics, RegressionMetrics, predicted_classes

__all__ = ["Inference", "PREDICT_VALUES"]

#: Values of the widest layer output per forward pass at inference: bounded memory (a
#: convolution's im2col matrix is some 25 times its output), cache-friendly.
PREDICT_VALUES = 2 ** 21


class Inference:
    """Needs ``forward``, ``layers``, ``ensure_built`` and the task's checks from the class it
    is mixed into."""

    def outputs(self, X):
        """The model's outputs for checked features ``X``, (n, *input_shape), in batches of
        bounded memory."""
        widest = max(int(np.prod(layer.output_shape)) for layer in self.layers)
        rows = min(max(PREDICT_VALUES // widest, 16), 8192)
        outputs = [self.forward(X[i:i + rows]) for i in range(0, max(len(X), 1), rows)]
        return outputs[0] if len(outputs) == 1 else np.concatenate(outputs)

    def predicted_values(self, outputs):
        """What outputs predict: class indices for classification, else the outputs."""
        return predicted_classes(outputs) if self.classification else outputs

    def score(self, X, y, measure):
        """(score of ``measure``, predictions) on checked features and labels."""
        output = self.outputs(X)
        predicted = self.predicted_values(output)
        if self.classification:
            metrics = ClassificationMetrics((predicted, y), self.n_classes)
        else:
            metrics = RegressionMetrics((output, y))
        return metrics.evaluate(measure), predicted

    def predict(self, x, features_col="features"):
        """Outputs of the model: class probabilities (classification) or values (regression).

        Args:
            x: one feature vector, an (n, features) array, a list of labeled points or a
                LabeledDataSet; or data Spark holds (see
                :func:`learninspy.engine.spark.inference.predict`).
            features_col: the features column, when ``x`` is a Spark DataFrame.

        Returns:
            numpy.ndarray: (n_outputs,) for one vector, else (n, n_outputs); for data Spark
            holds, an RDD of output vectors, or a DataFrame with a prediction column.
        """
        if is_distributed(x):
            return facades.predict_distributed(self, x, features_col=features_col)
        if isinstance(x, LabeledDataSet) or (isinstance(x, (list, tuple)) and x
                                             and hasattr(x[0], "features")):
            x, _ = to_arrays(x, dtype=self.dtype)
        elif hasattr(x, "features"):  # one labeled point
            x = np.asarray(x.features)
        x = np.asarray(x)
        self.ensure_built()
        single = x.ndim == 1 or x.shape == self.input_shape
        X = self.check_features(x.reshape((1,) + x.shape) if single else x)
        out = self.outputs(X)
        return out[0] if single else out

    def evaluate(self, data, predictions=False, measure=None):
        """Score the model on labeled ``data`` with ``measure``.

        Args:
            data: any accepted data set; data Spark holds is scored by a Spark job.
            predictions: bool; also return the predictions (class indices for classification,
                output values for regression; an RDD of them for data Spark holds).
            measure: key of a metric of :mod:`learninspy.metrics` ('F-measure' by default for
                classification, 'R2' for regression).

        Returns:
            float, or (float, numpy.ndarray) when ``predictions`` is True.
        """
        if is_distributed(data):
            return facades.evaluate_distributed(self, data, predictions, measure)
        measure = self.check_measure(measure)
        X, y = self.labeled_arrays(data)
        score, predicted = self.score(X, y, measure)
        return (score, predicted) if predictions else score
