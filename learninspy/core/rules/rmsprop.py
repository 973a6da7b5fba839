"""RMSProp (Tieleman & Hinton 2012)."""

import numpy as np

from learninspy.core.rules.base import Rule, fraction, positive, probability

__all__ = ["RMSProp"]


class RMSProp(Rule):
    """RMSProp (Tieleman & Hinton 2012): the gradient divided by a running root mean square of
    recent gradients, with optional momentum.

    Rule: E[g^2] <- d E[g^2] + (1 - d) g^2; s <- mu s + g / (sqrt(E[g^2]) + eps);
    the step is -lr s.

    Options: 'step-rate' (> 0, default 0.001), 'decay' in (0, 1) (default 0.9), 'momentum' in
    [0, 1) (default 0.0), 'offset' eps (> 0, default 1e-8).
    """

    name = "RMSProp"
    defaults = {"step-rate": 0.001, "decay": 0.9, "momentum": 0.0, "offset": 1e-8}
    checks = {"step-rate": positive, "decay": probability, "momentum": fraction,
              "offset": positive}
    slots = ("mean_square", "step")

    def update(self, grads, state, params):
        d, mu, lr = self.options["decay"], self.options["momentum"], self.options["step-rate"]
        ms, s = state["mean_square"], state["step"]
        tmp, = self.scratch(grads)
        ms *= d
        np.multiply(grads, grads, out=tmp)
        tmp *= 1 - d
        ms += tmp
        np.sqrt(ms, out=tmp)
        tmp += self.options["offset"]
        np.divide(grads, tmp, out=tmp)
        if mu:
            s *= mu
            s += tmp
            np.multiply(s, params.dtype.type(-lr), out=tmp)
        else:
            tmp *= params.dtype.type(-lr)
        return tmp, state
