"""Metrics of a regression: 'MSE', 'RMSE', 'MAE', 'R2', 'ExplVar'."""

import numpy as np

from learninspy.metrics.base import Metrics, split_pairs

__all__ = ["RegressionMetrics"]


class RegressionMetrics(Metrics):
    """Metrics of a regression with one or several outputs.

    With several outputs (an autoencoder's reconstruction, say) the errors of all outputs are
    pooled: R2 = 1 - SS_res / SS_tot, where SS_tot sums the squared deviations of each output
    from its own mean, which weighs outputs by their variance and stays defined when some
    output is constant.

    Args:
        predicted_and_labels: iterable of (predicted, actual) pairs, or a tuple of two arrays.
    """

    measures = {"MSE": "mse", "RMSE": "rmse", "MAE": "mae", "R2": "r2",
                "ExplVar": "explained_variance"}

    def __init__(self, predicted_and_labels):
        predicted, actual = split_pairs(predicted_and_labels)
        predicted, actual = predicted.reshape(len(predicted), -1), actual.reshape(len(actual), -1)
        if predicted.shape != actual.shape:
            raise ValueError(f"predictions have shape {predicted.shape}, true values "
                             f"{actual.shape}")
        self.predicted, self.actual = predicted, actual
        self.n_elem = len(actual)
        self.error = actual - predicted

    def mse(self):
        """Mean squared error."""
        return float(np.mean(self.error ** 2))

    def rmse(self):
        """Root of the mean squared error."""
        return float(np.sqrt(self.mse()))

    def mae(self):
        """Mean absolute error."""
        return float(np.mean(np.abs(self.error)))

    def _pooled(self, residual_term):
        total = float(((self.actual - self.actual.mean(axis=0)) ** 2).sum())
        if total == 0.0:
            return 1.0 if residual_term == 0.0 else 0.0
        return 1.0 - residual_term / total

    def r2(self):
        """Coefficient of determination, 1 - SS_res / SS_tot."""
        return self._pooled(float((self.error ** 2).sum()))

    def explained_variance(self):
        """1 - Var(error) / Var(actual), pooled over outputs."""
        return self._pooled(float(((self.error - self.error.mean(axis=0)) ** 2).sum()))
