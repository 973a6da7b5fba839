"""Gradient descent with momentum."""

import numpy as np

from learninspy.core.rules.base import Rule, fraction, positive

__all__ = ["GD"]


class GD(Rule):
    """Gradient descent with momentum.

    Rule, with step rate lr and momentum mu: v <- mu v - lr g; the step is v. With Nesterov's
    accelerated gradient (Nesterov 1983) in the form of Sutskever et al. (2013), the step is
    mu v - lr g with the updated v, i.e. the gradient is taken at the look-ahead point.

    Options: 'step-rate' (> 0, default 1.0), 'momentum' in [0, 1) (default 0.0),
    'momentum_type': 'standard' (default) or 'nesterov'.
    """

    name = "GD"
    defaults = {"step-rate": 1.0, "momentum": 0.0, "momentum_type": "standard"}
    checks = {"step-rate": positive, "momentum": fraction,
              "momentum_type": ("standard", "nesterov")}
    slots = ("velocity",)

    def update(self, grads, state, params):
        scaled = self.scratch(grads, 2)[0]  # update_scaled's look-ahead is [1]
        return self.update_scaled(np.multiply(grads, -self.options["step-rate"], out=scaled),
                                  state, params)

    def gradient_scale(self):
        return -self.options["step-rate"]

    def update_scaled(self, scaled_grads, state, params):   # scaled_grads: -lr g
        mu = self.options["momentum"]
        if mu == 0:
            return scaled_grads, state
        velocity = state["velocity"]
        velocity *= mu
        velocity += scaled_grads                    # v <- mu v - lr g
        if self.options["momentum_type"] == "standard":
            return velocity, state
        look_ahead = self.scratch(scaled_grads, 2)[1]
        np.multiply(velocity, mu, out=look_ahead)
        return np.add(look_ahead, scaled_grads, out=look_ahead), state   # mu v - lr g
