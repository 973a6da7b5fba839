"""Scalers (:mod:`learninspy.data.scaling`) and ScaledModel (:mod:`learninspy.core.scaled_model`),
under the module path of learninspy 0.2."""

from learninspy.core.scaled_model import ScaledModel  # noqa: F401
from learninspy.data.scaling import (SCALERS, MinMaxScaler, StandardScaler,  # noqa: F401
                                     scaler_from_dict)

__all__ = ["StandardScaler", "MinMaxScaler", "SCALERS", "scaler_from_dict", "ScaledModel"]
