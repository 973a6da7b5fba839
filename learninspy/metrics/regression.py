"""Metrics of a regression: 'MSE', 'RMSE', 'MAE', 'R2', 'ExplVar'."""

import numpy as np

from learninspy.metrics.base import Metrics, split_pairs

__all__ = ["RegressionMetrics"]


class RegressionMetrics(Metrics):
    """Metrics of a regression with one or several outputs.

    With several outputs (an autoencoder's reconstruction, say) the errors of all outputs are
    pooled: R2 = 1 - SS_res / SS_tot, where SS_tot sums the squared deviations of each output
    from its own mean, which weighs outputs by their variance and stays defined when some
    output is constant. This is the R2 of ``evaluate(measure='R2')``: predicting each output's
    mean scores 0, as with one output.

    ``r2(global_mean=True)`` is learninspy 0.1's formula: the deviations from one mean over
    all outputs and examples. It counts the differences between the outputs' means as
    explained, so the same constant prediction of each output's mean already scores well above
    0 when the outputs have different means (0.71 on iris's four measurements) -- which is why
    it is not the default. ``explained_variance`` takes the same option.

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
        """Mean absolute error. (learninspy 0.1's ``mae`` returned the sum of the absolute
        errors, n times this for one output.)"""
        return float(np.mean(np.abs(self.error)))

    def rmae(self):
        """Root of the mean absolute error, sqrt(MAE) (learninspy 0.1's ``rmae`` was the root
        of its ``mae``, the sum of the absolute errors)."""
        return float(np.sqrt(self.mae()))

    def _pooled(self, residual_term, global_mean=False):
        mean = self.actual.mean() if global_mean else self.actual.mean(axis=0)
        total = float(((self.actual - mean) ** 2).sum())
        if total == 0.0:
            return 1.0 if residual_term == 0.0 else 0.0
        return 1.0 - residual_term / total

    def r2(self, global_mean=False):
        """Coefficient of determination, 1 - SS_res / SS_tot; with ``global_mean``, SS_tot
        around one mean of all outputs (learninspy 0.1's formula)."""
        return self._pooled(float((self.error ** 2).sum()), global_mean)

    def explained_variance(self, global_mean=False):
        """1 - Var(error) / Var(actual), pooled over outputs; with ``global_mean``, both
        variances around one mean of all outputs (learninspy 0.1's formula)."""
        error_mean = self.error.mean() if global_mean else self.error.mean(axis=0)
        return self._pooled(float(((self.error - error_mean) ** 2).sum()), global_mean)
