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
        lr, mu = self.options["step-rate"], self.options["momentum"]
        if mu == 0:
            step, = self.scratch(grads)
            return np.multiply(grads, -lr, out=step), state
        velocity = state["velocity"]
        scaled, look_ahead = self.scratch(grads, 2)
        np.multiply(grads, lr, out=scaled)          # lr g
        velocity *= mu
        velocity -= scaled                          # v <- mu v - lr g
        if self.options["momentum_type"] == "standard":
            return velocity, state
        np.multiply(velocity, mu, out=look_ahead)
        return np.subtract(look_ahead, scaled, out=look_ahead), state   # mu v - lr g
