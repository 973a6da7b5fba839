"""Optimization: the optimizers of learninspy 0.1's API, their parameters, and the training
of one replica.

The algorithms (adapted from the climin package) are update rules in
:mod:`learninspy.core.rules`: 'GD' (gradient descent with standard or Nesterov momentum),
'Adadelta', 'Adam' and 'RMSProp'. An :class:`Optimizer` binds a rule to a model and drives
it, in one of two ways, both thin drivers over :func:`learninspy.core.step.train_step`:

* as the iterator of learninspy 0.1's API: ``for result in Minimizer['GD'](model, data,
  params)`` takes steps on ``data`` until the local stop criteria of ``params`` hold,
  yielding a dict with 'iterations', 'hits' and 'cost' after each step;
* in a hand-written loop, as in a tiny layer-and-optimizer library::

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

import copy
import logging
import warnings

import numpy as np

from learninspy._internal.checks import boolean
from learninspy._internal.registry import Registry
from learninspy.core import rules, stops as _stops
from learninspy.core.batches import FixedBatch, SampledBatches, TrainingSet
from learninspy.core.merging import (MERGE_CRITERIA, MERGE_GOALS, ReplicaResult, merge_models,
                                     mix_models)
from learninspy.core.step import apply_update, step_function
from learninspy.metrics import ClassificationMetrics, RegressionMetrics

__all__ = ["OptimizerParameters", "Optimizer", "GD", "Adadelta", "Adam", "RMSProp", "Minimizer",
           "optimize", "merge_models", "mix_models"]

logger = logging.getLogger(__name__)


class Optimizer:
    """An update rule bound to a model, and the data to take steps on.

    Args:
        model: the model to optimize (a NeuralNetwork or any Sequential), updated in place.
        data: what to take steps on: a batch in any accepted data-set form (every step uses all
            of it, as learninspy 0.1 did), or a source of mini-batches. May be None for
            hand-written loops, which call :meth:`step` themselves.
        parameters: :class:`OptimizerParameters`; its algorithm must be this optimizer's.
        options: for hand-written loops, the algorithm's options (dict) without an
            ``OptimizerParameters``; missing ones take their defaults.

    Attributes:
        rule: the update rule (:mod:`learninspy.core.rules`).
        state: the rule's state, a dict of arrays that can be saved, averaged and restored.

    A subclass sets ``rule_class``; the base class takes the rule of ``parameters``.
    """

    rule_class = None

    def __init__(self, model, data=None, parameters=None, options=None):
        rule_class = self.rule_class
        if parameters is None:
            if rule_class is None:
                raise ValueError("Optimizer needs parameters (an OptimizerParameters)")
            parameters = OptimizerParameters(algorithm=rule_class.name, options=options)
        elif options is not None:
            raise ValueError("give the options either in parameters or as options, not both")
        if rule_class is None:
            rule_class = Minimizer[parameters.algorithm].rule_class
        elif parameters.algorithm != rule_class.name:
            raise ValueError(f"the parameters are for {parameters.algorithm}, not for "
                             f"{rule_class.name}")
        self.model, self.parameters = model, parameters
        self.rule = rule_class(parameters.options)
        self.options = self.rule.options
        model.ensure_built()
        self.state = self.rule.init(model.parameter_vector)
        self._views = {}  # the fused step's slices of the vectors, made once
        self.restart(data)

    def restart(self, data=None, optimizer_state=None):
        """Start a new run on ``data`` from ``optimizer_state`` (None: the rule's initial
        state), as a new optimizer would, but reusing this one's arrays: what a replica does
        at every global iteration, without allocating the state again."""
        # each run checks its own copy: replicas never share a criterion's state
        self.stops = copy.deepcopy(_stops.combine(self.parameters.stops))
        if optimizer_state is None:
            for value in self.state.values():
                value[...] = 0
        else:
            self.set_state(optimizer_state)
        if data is not None and not hasattr(data, "next_batch"):
            data = FixedBatch(TrainingSet.of(self.model, data).rows(slice(None)))
        self.data = data
        self.measure = None
        self.cost, self.hits, self.n_iter = float("inf"), 0.0, 0
        self._hits_step = None  # the step whose batch ``hits`` scores
        self.diverged = False
        self.batches = None  # (predictions, labels) of each step, when tracked
        return self

    def set_state(self, state):
        """Restore a state saved from (or averaged over) optimizers of the same algorithm."""
        for key, value in state.items():
            if key not in self.state or np.shape(value) != self.state[key].shape:
                raise ValueError(f"state entry {key!r} does not fit this {self.rule.name}")
            if value is not self.state[key]:
                self.state[key][...] = value

    # --- Hand-written loops -------------------------------------------------------------------

    def zero_grad(self):
        """Set every gradient of the model to zero."""
        self.model.gradient_vector[...] = 0

    def step(self):
        """Update the parameters from the gradients now in the model (the second half of
        :func:`~learninspy.core.step.train_step`)."""
        self.state = apply_update(self.model, self.rule, self.state)
        self.n_iter += 1

    # --- The iterator of learninspy 0.1's API -------------------------------------------------

    def results(self):
        return {"iterations": self.n_iter, "hits": self.hits, "cost": self.cost}

    def check_stop(self):
        return _stops.check(self.stops, self.results())

    def __iter__(self):
        if self.data is None:
            raise ValueError("this optimizer has no data to iterate on; pass data, or call "
                             "step() in your own loop")
        needs_hits = "hits" in self.stops.keys
        measure = self.model.check_measure(self.measure)
        take_step = step_function(self.model)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"), self.stops:
            while not self.check_stop():
                features, targets, labels = self.data.next_batch()
                cost, self.state = take_step(self.model, (features, targets), self.rule,
                                             self.state, self._views)
                if not np.isfinite(cost):  # nothing was updated
                    self.diverged, self.cost = True, cost
                    return
                self.cost = cost
                self.n_iter += 1
                if self.batches is not None:  # what the step predicted: its outputs, unused
                    self.batches.append((self.model.predicted_values(
                        self.model.last_output).copy(), labels))
                if needs_hits:
                    self.hits = self.model.score(features, labels, measure)[0]
                    self._hits_step = self.n_iter
                yield self.results()

    def batch_score(self):
        """The score of the steps' own predictions on their batches (before each step's
        update, with dropout), as Keras reports its training metrics; NaN without steps or
        when the batches were not tracked."""
        if not self.batches:
            return float("nan")
        predicted = np.concatenate([p for p, _ in self.batches])
        labels = np.concatenate([l for _, l in self.batches])
        model = self.model
        measure = model.check_measure(self.measure)
        if model.classification:
            return ClassificationMetrics((predicted, labels), model.n_classes).evaluate(measure)
        return RegressionMetrics((predicted, labels)).evaluate(measure)

    def final_hits(self):
        """The score on the current batch after the last step (computed if not yet known)."""
        if self._hits_step != self.n_iter and self.data.last is not None:
            features, _, labels = self.data.last
            self.hits = self.model.score(features, labels,
                                         self.model.check_measure(self.measure))[0]
            self._hits_step = self.n_iter
        return self.hits


def _driver(rule_class, doc=None):
    """The Optimizer subclass driving ``rule_class``."""
    return type(rule_class.name, (Optimizer,), {"rule_class": rule_class, "__module__": __name__,
                                               "__doc__": doc or rule_class.__doc__})


GD = _driver(rules.GD)
Adadelta = _driver(rules.Adadelta)
Adam = _driver(rules.Adam)
RMSProp = _driver(rules.RMSProp)
_DRIVERS = {}


def _driver_of_registered_rule(name):
    if name not in rules.RULES:
        return None
    return _DRIVERS.setdefault(name, _driver(rules.RULES[name]))


#: The ``algorithm name -> Optimizer class`` dict of learninspy 0.1's API. A rule registered
#: in :mod:`learninspy.core.rules` is found here too.
Minimizer = Registry("optimization algorithm",
                     {"GD": GD, "Adadelta": Adadelta, "Adam": Adam, "RMSProp": RMSProp},
                     accepts=lambda value: isinstance(value, type) and issubclass(value, Optimizer),
                     fallback=_driver_of_registered_rule)


# --- Parameters -------------------------------------------------------------------------------

_SAMPLINGS = ("fixed", "fresh")


class OptimizerParameters:
    """Configuration of the optimization: algorithm, its options, local stop criteria and how
    replicas trained in parallel are merged.

    Args:
        algorithm: key of ``Minimizer`` ('Adadelta', 'GD', 'Adam', 'RMSProp', or a rule
            registered in :mod:`learninspy.core.rules`).
        options: dict of the algorithm's hyper-parameters; missing ones take their defaults
            (see each algorithm's documentation).
        stops: list of criteria from ``stops`` (stop when any holds) or a composed criterion;
            default: at most 10 iterations, or a score of 0.99 on the batch.
        merge_criter: 'avg', 'w_avg' or 'log_avg', the ``criter`` of :func:`merge_models`.
        merge_goal: 'hits' or 'cost', the ``goal`` of :func:`merge_models`.
        sampling: 'fixed' (learninspy 0.1's scheme: each replica draws one mini-batch per
            global iteration and takes every local step on it) or 'fresh' (a new mini-batch for
            every local step, which learns faster: each step sees new examples).
        keep_state: False (learninspy 0.1's scheme: each replica starts its optimizer afresh
            every global iteration) or True (the optimizer's state -- momentum, running
            averages -- is merged like the weights and carried to the next iteration).

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
        self.options = Minimizer[algorithm].rule_class.resolve_options(options)
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
        self.sampling, self.keep_state = sampling, boolean("keep_state", keep_state)

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
             optimizer_state=None, in_place=None, workspace=None):
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
        in_place: True trains ``model`` itself, as learninspy 0.1's ``optimize`` did (the
            engines pass a scratch copy); False trains a copy and leaves ``model`` as it was.
            Not given, a copy is trained and a DeprecationWarning says so: code written for
            0.1, which called ``optimize(model, data, ...)`` to train ``model``, would
            otherwise silently train nothing.
        workspace: optional dict the caller keeps for ``model`` across calls (with
            ``in_place``): the optimizer's arrays are reused rather than allocated at every
            call, and the result's vectors are then the model's and the optimizer's own,
            valid until the next call -- the engines' way of training a replica per global
            iteration without copies. The result is the same.

    Returns:
        ReplicaResult (readable as a dict too): 'weights' and 'state' (flat vectors),
        'optimizer_state' (dict of arrays when ``params.keep_state``, else None), 'hits',
        'cost', 'iterations', 'seed', 'diverged' (True if the cost became NaN or inf; the
        weights are then those of the last finite step) and 'batch_score' (the score of the
        steps' own predictions on their batches, see ``Optimizer.batch_score``).
    """
    params = params if params is not None else OptimizerParameters()
    if in_place is None:
        warnings.warn("optimize() trains a copy of the model and returns its weights in "
                      "result['weights']; learninspy 0.1's optimize() trained the model passed "
                      "in. Pass in_place=True to train the model itself (or apply the result "
                      "with model.set_parameters(result['weights'])), or in_place=False to "
                      "keep it unchanged without this warning", DeprecationWarning,
                      stacklevel=2)
    if not in_place:
        model, workspace = model.copy(), None
    training_set = TrainingSet.of(model, data)
    rng = np.random.default_rng(seed)
    model.set_rng(rng)
    balanced = model.classification
    source = (FixedBatch.sampled if params.sampling == "fixed" else SampledBatches)(
        training_set, mini_batch, rng, balanced)
    minimizer = workspace.get("optimizer") if workspace is not None else None
    if minimizer is None or minimizer.parameters is not params or minimizer.model is not model:
        minimizer = Minimizer[params.algorithm](model, parameters=params)
        if workspace is not None:
            workspace["optimizer"] = minimizer
    minimizer.restart(source, optimizer_state)
    minimizer.measure = measure
    minimizer.batches = []
    for result in minimizer:
        logger.debug("Iterations: %i. Hits on batch: %.6f. Cost: %.6f",
                     result["iterations"], result["hits"], result["cost"])
    needs_hits = params.merge["criter"] != "avg" and params.merge["goal"] == "hits"
    hits = minimizer.final_hits() if needs_hits and not minimizer.diverged else minimizer.hits
    own = workspace is not None  # the vectors themselves: the caller reads them at once
    state = minimizer.state if own else {k: v.copy() for k, v in minimizer.state.items()}
    return ReplicaResult(
        weights=model.parameter_vector if own else model.get_parameters(),
        state=model.state_vector if own else model.get_state(),
        optimizer_state=state if params.keep_state else None,
        hits=float(hits), cost=float(minimizer.cost), iterations=minimizer.n_iter, seed=seed,
        diverged=minimizer.diverged, batch_score=float(minimizer.batch_score()))
