"""Adadelta (Zeiler 2012)."""

import numpy as np

from learninspy.core.rules.base import Rule, fraction, positive, probability

__all__ = ["Adadelta"]


class Adadelta(Rule):
    """Adadelta (Zeiler 2012): an adaptive step from the running magnitudes of past gradients
    and steps, with an optional step rate and momentum as in climin.

    Rule, with decay d, offset eps, step rate lr, momentum mu:
    E[g^2] <- d E[g^2] + (1 - d) g^2;
    s <- mu s + lr sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) g;
    E[dx^2] <- d E[dx^2] + (1 - d) s^2; the step is -s.

    Options: 'step-rate' (> 0, default 1.0), 'decay' in (0, 1) (default 0.99), 'momentum' in
    [0, 1) (default 0.0), 'offset' (> 0, default 1e-8; 1e-8 to 1e-4 recommended).
    """

    name = "Adadelta"
    defaults = {"step-rate": 1.0, "decay": 0.99, "momentum": 0.0, "offset": 1e-8}
    checks = {"step-rate": positive, "decay": probability, "momentum": fraction,
              "offset": positive}
    slots = ("mean_square_grad", "mean_square_step", "step")

    def update(self, grads, state, params):
        d, eps = self.options["decay"], self.options["offset"]
        lr, mu = self.options["step-rate"], self.options["momentum"]
        msg, msd, s = state["mean_square_grad"], state["mean_square_step"], state["step"]
        tmp, = self.scratch(grads)
        msg *= d
        np.multiply(grads, grads, out=tmp)
        tmp *= 1 - d
        msg += tmp                                  # E[g^2]
        # tmp <- lr sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) g
        np.add(msd, eps, out=tmp)
        tmp /= msg + params.dtype.type(eps)
        np.sqrt(tmp, out=tmp)
        tmp *= grads
        tmp *= lr
        s *= mu
        s += tmp
        msd *= d
        np.multiply(s, s, out=tmp)
        tmp *= 1 - d
        msd += tmp                                  # E[dx^2]
        return np.negative(s, out=tmp), state
