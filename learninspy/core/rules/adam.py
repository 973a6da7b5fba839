"""Adam (Kingma & Ba 2015)."""

import numpy as np

from learninspy.core.rules.base import Rule, positive, probability

__all__ = ["Adam"]


class Adam(Rule):
    """Adam (Kingma & Ba 2015): steps from bias-corrected running means of the gradient and
    of its square.

    Rule, at step t: m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2;
    the step is -lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).

    Options: 'step-rate' (> 0, default 0.001), 'beta1' in (0, 1) (default 0.9), 'beta2' in
    (0, 1) (default 0.999), 'offset' eps (> 0, default 1e-8).
    """

    name = "Adam"
    defaults = {"step-rate": 0.001, "beta1": 0.9, "beta2": 0.999, "offset": 1e-8}
    checks = {"step-rate": positive, "beta1": probability, "beta2": probability,
              "offset": positive}
    slots = ("mean", "mean_square")

    def update(self, grads, state, params):
        b1, b2 = self.options["beta1"], self.options["beta2"]
        t = float(state["steps"])
        m, v = state["mean"], state["mean_square"]
        tmp, = self.scratch(grads)
        m *= b1
        np.multiply(grads, 1 - b1, out=tmp)
        m += tmp
        v *= b2
        np.multiply(grads, grads, out=tmp)
        tmp *= 1 - b2
        v += tmp
        # denominator sqrt(v) / sqrt(1 - b2^t) + eps, as PyTorch and Keras compute it
        np.sqrt(v, out=tmp)
        tmp *= 1.0 / np.sqrt(1.0 - b2 ** t)
        tmp += self.options["offset"]
        np.divide(m, tmp, out=tmp)
        tmp *= -self.options["step-rate"] / (1.0 - b1 ** t)
        return tmp, state
