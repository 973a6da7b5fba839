"""Optimization: the algorithms, their parameters, and the training of one replica.

Algorithms (adapted from the climin package) are registered in ``Minimizer`` under
'GD' (gradient descent with standard or Nesterov momentum), 'Adadelta', 'Adam' and 'RMSProp'.
Each works on the model's flat parameter vector, so a step is a few whole-vector operations,
and keeps its state as a dict of arrays (``optimizer.state``) that can be saved, averaged
across replicas and restored.

An optimizer is used in one of two ways:

* as the documented iterator: ``for result in Minimizer['GD'](model, data, params)`` takes
  steps on ``data`` until the local stop criteria of ``params`` hold, yielding a dict with
  'iterations', 'hits' and 'cost' after each step;
* in a hand-written loop, as in seed-003-style libraries::

      optimizer = GD(model, options={'step-rate': 0.1, 'momentum': 0.9})
      loss_fn = SoftmaxCrossEntropy()                  # from learninspy.core.loss
      for x, y in batches:
          optimizer.zero_grad()
          cost = loss_fn.forward(model.forward(x, training=True), y)
          model.backward(loss_fn.backward())
          optimizer.step()

  (or ``model.loss_and_gradients(x, targets)`` for the model's own loss and penalties).

:func:`optimize` trains one replica -- a pure function of (model, data, parameters, seed) that
both the local and the Spark engines run; :func:`merge_models` (from ``merging``, exported here
too) averages replicas.
"""

import logging

import numpy as np

from learninspy.core import stops as _stops
from learninspy.core.batches import FixedBatch, SampledBatches, TrainingSet
from learninspy.core.merging import MERGE_CRITERIA, MERGE_GOALS, merge_models, mix_models
from learninspy.utils.arrays import aligned_empty, aligned_zeros
from learninspy.utils.registry import NamedDict

__all__ = ["OptimizerParameters", "Optimizer", "GD", "Adadelta", "Adam", "RMSProp", "Minimizer",
           "optimize", "merge_models", "mix_models"]

logger = logging.getLogger(__name__)

#: Parameters from which the optimizer's iterator updates a model layer by layer, as soon as
#: backpropagation leaves each layer, rather than all at once after it (see
#: ``Sequential.loss_and_gradients``): about where the vectors stop fitting the caches.
LAYERWISE_UPDATE_SIZE = 2 ** 16


# --- Option checks ----------------------------------------------------------------------------

def _positive(value):
    return value > 0


def _fraction(value):
    return 0 <= value < 1


def _probability(value):
    return 0 < value < 1


_DESCRIPTIONS = {_positive: "a number > 0", _fraction: "a number in [0, 1)",
                 _probability: "a number in (0, 1)"}


class Optimizer:
    """Base of the optimization algorithms.

    Args:
        model: the model to optimize (a NeuralNetwork or any Sequential), updated in place.
        data: what to take steps on: a batch in any accepted data-set form (every step uses all
            of it, as documented), or a source of mini-batches. May be None for hand-written
            loops, which call :meth:`step` themselves.
        parameters: :class:`OptimizerParameters`; its options must be for this algorithm.
        options: for hand-written loops, the algorithm's options (dict) without an
            ``OptimizerParameters``; missing ones take their defaults.

    Subclasses set ``defaults`` (option -> default value), ``checks`` (option -> predicate)
    and ``slots`` (names of the state vectors, each shaped like the parameters), and implement
    :meth:`_apply`.
    """

    defaults = {}
    checks = {}
    slots = ()

    def __init__(self, model, data=None, parameters=None, options=None):
        if parameters is None:
            parameters = OptimizerParameters(algorithm=_name_of(type(self)), options=options)
        elif options is not None:
            raise ValueError("give the options either in parameters or as options, not both")
        self.model, self.parameters = model, parameters
        self.options = type(self).resolve_options(parameters.options)
        self.stops = _stops.combine(parameters.stops)
        model._require_built()
        self.state = self.init_state(model.count_params, model.dtype)
        self._scratch = aligned_empty(model.count_params, model.dtype)
        if data is not None and not hasattr(data, "next_batch"):
            data = FixedBatch(TrainingSet.of(model, data).rows(slice(None)))
        self.data = data
        self.measure = None
        self.cost, self.hits, self.n_iter = float("inf"), 0.0, 0
        self.diverged = False

    @classmethod
    def resolve_options(cls, options):
        """The options with defaults filled in, after checking names and values."""
        resolved = dict(options or {})
        for name, value in resolved.items():
            if name not in cls.defaults:
                raise ValueError(f"unknown option {name!r} for {_name_of(cls)}; valid options "
                                 f"are {list(cls.defaults)}")
            check = cls.checks.get(name)
            if isinstance(check, tuple):
                if value not in check:
                    raise ValueError(f"option {name!r} of {_name_of(cls)} must be one of "
                                     f"{list(check)}, got {value!r}")
            elif check is not None:
                if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                        or not check(value):
                    raise ValueError(f"option {name!r} of {_name_of(cls)} must be "
                                     f"{_DESCRIPTIONS[check]}, got {value!r}")
        for name, value in cls.defaults.items():
            resolved.setdefault(name, value)
        return resolved

    def init_state(self, size, dtype):
        """Zeroed state: one vector per slot, and the step count 'steps'."""
        state = {slot: aligned_zeros(size, dtype) for slot in self.slots}
        state["steps"] = np.zeros((), dtype=np.float64)
        return state

    def set_state(self, state):
        """Restore a state saved from (or averaged over) optimizers of the same algorithm."""
        for key, value in state.items():
            if key not in self.state or np.shape(value) != self.state[key].shape:
                raise ValueError(f"state entry {key!r} does not fit this {_name_of(type(self))}")
            self.state[key][...] = value

    # --- Hand-written loops -------------------------------------------------------------------

    def zero_grad(self):
        """Set every gradient of the model to zero."""
        self.model._grads[...] = 0

    #: Factor the rule wants its gradients multiplied by (see :meth:`_apply`); the iterator
    #: folds it into backpropagation, :meth:`step` applies it to the model's gradients.
    gradient_scale = 1.0

    def step(self):
        """Update the parameters from the gradients now in the model."""
        self.state["steps"] += 1
        grads = self.model._grads
        if self.gradient_scale != 1.0:
            grads = grads * self.model.dtype.type(self.gradient_scale)
        self._apply(self.model._params, grads, self.state, self._scratch)
        self.n_iter += 1

    def _apply(self, params, grads, state, scratch):
        """Update ``params`` in place from ``grads`` (already multiplied by
        ``gradient_scale``); ``state`` holds the slot vectors (and 'steps') and ``scratch`` is
        free space, all shaped like ``params`` -- the whole model's vectors, or one layer's
        segment of them."""
        raise NotImplementedError

    def _update_segment(self, segment):
        """Apply the rule to one layer's segment of the vectors, as soon as backpropagation
        is done with it: its values are still in the processor's cache, which makes the
        update several times cheaper than one pass over every vector after the backward."""
        views = self._segment_views.get(segment.start)
        if views is None:
            views = self._segment_views[segment.start] = (
                self.model._params[segment], self.model._grads[segment],
                {key: value[segment] if value.ndim else value
                 for key, value in self.state.items()}, self._scratch[segment])
        self._apply(*views)

    # --- The documented iterator --------------------------------------------------------------

    def results(self):
        return {"iterations": self.n_iter, "hits": self.hits, "cost": self.cost}

    def check_stop(self):
        return bool(self.stops(self.results()))

    def __iter__(self):
        if self.data is None:
            raise ValueError("this optimizer has no data to iterate on; pass data, or call "
                             "step() in your own loop")
        self.stops.reset()
        needs_hits = "hits" in self.stops.keys
        measure = self.model.check_measure(self.measure)
        self._segment_views = {}
        # Layer by layer while the vectors would leave the caches between backward and update;
        # a small model's whole vectors stay cached, and one update costs fewer calls.
        by_layer = self.model.count_params >= LAYERWISE_UPDATE_SIZE
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            while not self.check_stop():
                features, targets, labels = self.data.next_batch()
                self.state["steps"] += 1
                cost = self.model.loss_and_gradients(
                    features, targets, after_layer=self._update_segment if by_layer else None,
                    scale=self.gradient_scale)
                if not np.isfinite(cost):  # returned before any update (by layer), or skip it
                    self.state["steps"] -= 1
                    self.diverged, self.cost = True, cost
                    return
                if not by_layer:
                    self._apply(self.model._params, self.model._grads, self.state,
                                self._scratch)
                self.cost = cost
                self.n_iter += 1
                if needs_hits:
                    self.hits = self.model._score(features, labels, measure)[0]
                    self._hits_step = self.n_iter
                yield self.results()

    def final_hits(self):
        """The score on the current batch after the last step (computed if not yet known)."""
        if getattr(self, "_hits_step", None) != self.n_iter and self.data.last is not None:
            features, _, labels = self.data.last
            self.hits = self.model._score(features, labels,
                                          self.model.check_measure(self.measure))[0]
            self._hits_step = self.n_iter
        return self.hits


def _name_of(cls):
    for name, registered in Minimizer.items():
        if registered is cls:
            return name
    return cls.__name__


class GD(Optimizer):
    """Gradient descent with momentum.

    Rule, with step rate lr and momentum mu: v <- mu v - lr g; w <- w + v. With Nesterov's
    accelerated gradient (Nesterov 1983) in the form of Sutskever et al. (2013), the step is
    mu v - lr g with the updated v, i.e. the gradient is taken at the look-ahead point.

    Options: 'step-rate' (> 0, default 1.0), 'momentum' in [0, 1) (default 0.0),
    'momentum_type': 'standard' (default) or 'nesterov'.
    """

    defaults = {"step-rate": 1.0, "momentum": 0.0, "momentum_type": "standard"}
    checks = {"step-rate": _positive, "momentum": _fraction,
              "momentum_type": ("standard", "nesterov")}
    slots = ("velocity",)

    @property
    def gradient_scale(self):
        return self.options["step-rate"]  # the gradients arrive as lr g: one pass saved

    def _apply(self, params, grads, state, scratch):
        mu = self.options["momentum"]
        if mu == 0:
            params -= grads
            return
        velocity = state["velocity"]
        velocity *= mu
        velocity -= grads
        if self.options["momentum_type"] == "nesterov":
            params -= grads
            params += np.multiply(velocity, mu, out=scratch)
        else:
            params += velocity


class Adadelta(Optimizer):
    """Adadelta (Zeiler 2012): an adaptive step from the running magnitudes of past gradients
    and steps, with an optional step rate and momentum as in climin.

    Rule, with decay d, offset eps, step rate lr, momentum mu:
    E[g^2] <- d E[g^2] + (1 - d) g^2;
    s <- mu s + lr sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) g;
    E[dx^2] <- d E[dx^2] + (1 - d) s^2;  w <- w - s.

    Options: 'step-rate' (> 0, default 1.0), 'decay' in (0, 1) (default 0.99), 'momentum' in
    [0, 1) (default 0.0), 'offset' (> 0, default 1e-8; 1e-8 to 1e-4 recommended).
    """

    defaults = {"step-rate": 1.0, "decay": 0.99, "momentum": 0.0, "offset": 1e-8}
    checks = {"step-rate": _positive, "decay": _probability, "momentum": _fraction,
              "offset": _positive}
    slots = ("mean_square_grad", "mean_square_step", "step")

    def _apply(self, params, grads, state, scratch):
        d, eps = self.options["decay"], self.options["offset"]
        lr, mu = self.options["step-rate"], self.options["momentum"]
        msg, msd, step = state["mean_square_grad"], state["mean_square_step"], state["step"]
        tmp = scratch
        msg *= d
        np.multiply(grads, grads, out=tmp)
        tmp *= 1 - d
        msg += tmp
        # tmp <- lr * sqrt(msd + eps) / sqrt(msg + eps) * g
        np.add(msd, eps, out=tmp)
        tmp /= msg + params.dtype.type(eps)
        np.sqrt(tmp, out=tmp)
        tmp *= grads
        tmp *= lr
        step *= mu
        step += tmp
        msd *= d
        np.multiply(step, step, out=tmp)
        tmp *= 1 - d
        msd += tmp
        params -= step


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): steps from bias-corrected running means of the gradient and
    of its square.

    Rule, at step t: m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2;
    w <- w - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).

    Options: 'step-rate' (> 0, default 0.001), 'beta1' in (0, 1) (default 0.9), 'beta2' in
    (0, 1) (default 0.999), 'offset' eps (> 0, default 1e-8).
    """

    defaults = {"step-rate": 0.001, "beta1": 0.9, "beta2": 0.999, "offset": 1e-8}
    checks = {"step-rate": _positive, "beta1": _probability, "beta2": _probability,
              "offset": _positive}
    slots = ("mean", "mean_square")

    def _apply(self, params, grads, state, scratch):
        b1, b2 = self.options["beta1"], self.options["beta2"]
        t = float(state["steps"])
        m, v, tmp = state["mean"], state["mean_square"], scratch
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
        tmp *= self.options["step-rate"] / (1.0 - b1 ** t)
        params -= tmp


class RMSProp(Optimizer):
    """RMSProp (Tieleman & Hinton 2012): the gradient divided by a running root mean square of
    recent gradients, with optional momentum.

    Rule: E[g^2] <- d E[g^2] + (1 - d) g^2; s <- mu s + g / (sqrt(E[g^2]) + eps);
    w <- w - lr s.

    Options: 'step-rate' (> 0, default 0.001), 'decay' in (0, 1) (default 0.9), 'momentum' in
    [0, 1) (default 0.0), 'offset' eps (> 0, default 1e-8).
    """

    defaults = {"step-rate": 0.001, "decay": 0.9, "momentum": 0.0, "offset": 1e-8}
    checks = {"step-rate": _positive, "decay": _probability, "momentum": _fraction,
              "offset": _positive}
    slots = ("mean_square", "step")

    def _apply(self, params, grads, state, scratch):
        d, mu, lr = self.options["decay"], self.options["momentum"], self.options["step-rate"]
        ms, step, tmp = state["mean_square"], state["step"], scratch
        ms *= d
        np.multiply(grads, grads, out=tmp)
        tmp *= 1 - d
        ms += tmp
        np.sqrt(ms, out=tmp)
        tmp += self.options["offset"]
        np.divide(grads, tmp, out=tmp)
        if mu:
            step *= mu
            step += tmp
            tmp = step
        params -= tmp * params.dtype.type(lr)


#: The documented ``algorithm name -> Optimizer class`` registry; add your own algorithm here.
Minimizer = NamedDict("optimization algorithm",
                      {"GD": GD, "Adadelta": Adadelta, "Adam": Adam, "RMSProp": RMSProp})


# --- Parameters -------------------------------------------------------------------------------

_SAMPLINGS = ("fixed", "fresh")


class OptimizerParameters:
    """Configuration of the optimization: algorithm, its options, local stop criteria and how
    replicas trained in parallel are merged.

    Args:
        algorithm: key of ``Minimizer`` ('Adadelta', 'GD', 'Adam', 'RMSProp').
        options: dict of the algorithm's hyper-parameters; missing ones take their defaults
            (see each algorithm's documentation).
        stops: list of criteria from ``stops`` (stop when any holds) or a composed criterion;
            default: at most 10 iterations, or a score of 0.99 on the batch.
        merge_criter: 'avg', 'w_avg' or 'log_avg', the ``criter`` of :func:`merge_models`.
        merge_goal: 'hits' or 'cost', the ``goal`` of :func:`merge_models`.
        sampling: 'fixed' (documented scheme: each replica draws one mini-batch per global
            iteration and takes every local step on it) or 'fresh' (a new mini-batch for every
            local step, which learns faster: each step sees new examples).
        keep_state: False (documented scheme: each replica starts its optimizer afresh every
            global iteration) or True (the optimizer's state -- momentum, running averages --
            is merged like the weights and carried to the next iteration).

    >>> from learninspy.core.stops import criterion
    >>> local_stops = [criterion['MaxIterations'](10),
    ...                criterion['AchieveTolerance'](0.95, key='hits')]
    >>> opt_options = {'offset': 1e-8, 'step-rate': 1, 'momentum': 0.0, 'decay': 0.9}
    >>> opt_params = OptimizerParameters(algorithm='Adadelta', options=opt_options,
    ...                                  stops=local_stops, merge_criter='w_avg',
    ...                                  merge_goal='hits')
    >>> print(str(opt_params))
    The algorithm used is Adadelta with the next parameters:
    offset: 1e-08
    step-rate: 1
    momentum: 0.0
    decay: 0.9
    The stop criteria used for optimization is:
    Stop at a maximum of 10 iterations.
    Stop when a tolerance of 0.95 is achieved in hits.
    """

    def __init__(self, algorithm="Adadelta", options=None, stops=None, merge_criter="w_avg",
                 merge_goal="hits", sampling="fixed", keep_state=False):
        if options is not None and not isinstance(options, dict):
            raise TypeError(f"options must be a dict, got {type(options).__name__}")
        self.algorithm = algorithm
        self.options = Minimizer[algorithm].resolve_options(options)
        if stops is None:
            stops = [_stops.MaxIterations(10), _stops.AchieveTolerance(0.99, key="hits")]
        _stops.combine(stops)  # checks that every item is a criterion
        self.stops = stops
        for name, value, valid in (("merge_criter", merge_criter, MERGE_CRITERIA),
                                   ("merge_goal", merge_goal, MERGE_GOALS),
                                   ("sampling", sampling, _SAMPLINGS)):
            if value not in valid:
                raise ValueError(f"{name} must be one of {list(valid)}, got {value!r}")
        self.merge = {"criter": merge_criter, "goal": merge_goal}
        self.sampling, self.keep_state = sampling, bool(keep_state)

    def __str__(self):
        lines = [f"The algorithm used is {self.algorithm} with the next parameters:"]
        lines += [f"{name}: {value}" for name, value in self.options.items()]
        lines.append("The stop criteria used for optimization is:")
        lines += _stops.lines(self.stops)
        return "\n".join(lines)

    def __repr__(self):
        return (f"OptimizerParameters(algorithm={self.algorithm!r}, options={self.options!r}, "
                f"merge_criter={self.merge['criter']!r}, merge_goal={self.merge['goal']!r}, "
                f"sampling={self.sampling!r}, keep_state={self.keep_state!r})")


# --- One replica ------------------------------------------------------------------------------

def optimize(model, data, params=None, mini_batch=50, seed=123, *, measure=None,
             optimizer_state=None, in_place=False):
    """Train one replica of ``model`` on samples of ``data``: the unit of parallel training.

    The replica samples mini-batches of ``mini_batch`` examples (class-balanced for
    classification) with a generator seeded by ``seed`` and runs the algorithm of ``params``
    until its local stops hold. The result depends only on the arguments: the local and the
    Spark engines run this same function and get bit-identical results.

    Args:
        model: NeuralNetwork (or any Sequential); copied unless ``in_place``.
        data: any accepted data set, or a prepared ``TrainingSet``.
        params: OptimizerParameters (default: ``OptimizerParameters()``).
        mini_batch: int, examples per batch.
        seed: int, seeds the sampling and the dropout masks.
        measure: metric of 'hits' (default: the task's).
        optimizer_state: the state to start the algorithm from (``keep_state``).
        in_place: train ``model`` itself (the engines pass a scratch copy).

    Returns:
        dict: 'weights' and 'state' (flat vectors), 'optimizer_state' (dict of arrays when
        ``params.keep_state``, else None), 'hits', 'cost', 'iterations', 'seed' and 'diverged'
        (True if the cost became NaN or inf; the weights are then those of the last finite step).
    """
    params = params if params is not None else OptimizerParameters()
    if not in_place:
        model = model.copy()
    training_set = TrainingSet.of(model, data)
    rng = np.random.default_rng(seed)
    model.set_rng(rng)
    balanced = model.classification
    source = (FixedBatch.sampled if params.sampling == "fixed" else SampledBatches)(
        training_set, mini_batch, rng, balanced)
    minimizer = Minimizer[params.algorithm](model, source, params)
    minimizer.measure = measure
    if optimizer_state is not None:
        minimizer.set_state(optimizer_state)
    for result in minimizer:
        logger.debug("Iterations: %i. Hits on batch: %.6f. Cost: %.6f",
                     result["iterations"], result["hits"], result["cost"])
    needs_hits = params.merge["criter"] != "avg" and params.merge["goal"] == "hits"
    hits = minimizer.final_hits() if needs_hits and not minimizer.diverged else minimizer.hits
    return {
        "weights": model.get_parameters(), "state": model.get_state(),
        "optimizer_state": ({k: v.copy() for k, v in minimizer.state.items()}
                            if params.keep_state else None),
        "hits": float(hits), "cost": float(minimizer.cost), "iterations": minimizer.n_iter,
        "seed": seed, "diverged": minimizer.diverged,
    }
