"""A trained model together with the scalers of its data: features and predictions in the
data's own units, saved in one model file."""

import numpy as np

from learninspy.core import persistence
from learninspy.data.labeled import LocalLabeledDataSet, to_arrays
from learninspy.data.scaling import as_table, scaler_from_dict
from learninspy.metrics import metrics_for

__all__ = ["ScaledModel"]


class ScaledModel:
    """A trained model with the scalers fitted on its training data: it takes features and
    gives predictions in the data's own units.

    Args:
        model: a trained model (NeuralNetwork, Sequential).
        feature_scaler: optional fitted scaler applied to the features before the model.
        target_scaler: optional fitted scaler of a regression model's targets; predictions
            are mapped back through its ``inverse_transform``.
    """

    def __init__(self, model, feature_scaler=None, target_scaler=None):
        self.model, self.feature_scaler, self.target_scaler = model, feature_scaler, target_scaler

    @property
    def classification(self):
        return self.model.classification

    def features(self, X):
        """``X`` as the model takes it (scaled)."""
        return X if self.feature_scaler is None else self.feature_scaler.transform(X)

    def training_data(self, data):
        """A LabeledDataSet as the model trains on it: features and (regression) targets
        scaled."""
        scaled = self.features(data)
        if self.target_scaler is None:
            return scaled
        targets = np.asarray(scaled.labels)
        return LocalLabeledDataSet((scaled.features, self.target_scaler.transform(
            targets.reshape(len(targets), -1))), dtype=scaled.features.dtype)

    def predict(self, X):
        """Class probabilities (classification) or values in the targets' units, (n, k)."""
        outputs = self.model.predict(self.features(as_table(X, "predict")))
        if self.target_scaler is not None:
            outputs = self.target_scaler.inverse_transform(outputs)
        return outputs

    def metrics(self, data):
        """Every metric of the task on labeled ``data`` (any accepted data set, in the data's
        own units): Accuracy, F-measure, Precision and Recall for classification; R2, RMSE,
        MAE and MSE for regression.

        Returns:
            dict, metric name -> value.
        """
        X, y = to_arrays(data, dtype=np.float64)
        y = y.reshape(len(y), -1)
        targets = y if self.target_scaler is None else self.target_scaler.transform(y)
        _, predicted = self.model.evaluate((self.features(X), targets), predictions=True)
        if self.classification:
            measures = ("Accuracy", "F-measure", "Precision", "Recall")
            metrics = metrics_for(True, predicted, y[:, 0], self.model.n_classes)
        else:
            measures = ("R2", "RMSE", "MAE", "MSE")
            if self.target_scaler is not None:
                predicted = self.target_scaler.inverse_transform(predicted)
            metrics = metrics_for(False, predicted, y)
        return {measure: metrics.evaluate(measure) for measure in measures}

    def save(self, path, extra=None):
        """Write the model and its scalers to one model file (see ``core.persistence``),
        with optional ``extra`` JSON-compatible metadata."""
        scalers = {name: None if scaler is None else scaler.to_dict() for name, scaler in
                   (("feature_scaler", self.feature_scaler),
                    ("target_scaler", self.target_scaler))}
        persistence.save(self.model, path, extra={**(extra or {}), "scalers": scalers})

    @classmethod
    def load(cls, path):
        """(ScaledModel, extra metadata) from a file written by :meth:`save` or by a model's
        own ``save`` (which has no scalers)."""
        model, extra = persistence.load(path, with_extra=True)
        scalers = extra.pop("scalers", None) or {}
        if not isinstance(scalers, dict) or set(scalers) - {"feature_scaler", "target_scaler"}:
            raise ValueError(f"{path}: extra.scalers must be an object with feature_scaler "
                             f"and target_scaler, got {scalers!r:.60}")
        widths = {"feature_scaler": int(np.prod(model.input_shape)),
                  "target_scaler": int(np.prod(model.output_shape))}
        restored = {}
        for name, values in scalers.items():
            where = f"{path}: extra.scalers.{name}"
            restored[name] = None if values is None else scaler_from_dict(values, where)
            if restored[name] is not None and len(restored[name].offset_) != widths[name]:
                raise ValueError(f"{where} scales {len(restored[name].offset_)} columns, the "
                                 f"model has {widths[name]}")
        return cls(model, **restored), extra
