"""Sequential: a stack of layers trained as one model.

Every network of learninspy is a :class:`Sequential` --
:class:`~learninspy.core.model.NeuralNetwork` is one built from ``NetworkParameters``. The
model owns three flat vectors:

* the trainable parameters of all its layers (each layer's ``params`` are views into it), one
  contiguous segment per layer, in layer order;
* their gradients, laid out the same way;
* the non-trainable state (e.g. running statistics).

One vector per kind is what makes the rest simple and fast: an optimizer step is a few
whole-vector operations (:mod:`learninspy.core.step`), merging replicas is a weighted average
of vectors, and shipping a model to Spark workers or to a file moves one array.

What the model learns -- classification or regression, by its loss -- and the checking of data
where it enters the API are in :mod:`learninspy.core.task`; what it answers once trained
(outputs, predictions, scores) in :mod:`learninspy.core.inference`.
"""

import copy

import numpy as np

from learninspy._internal.arrays import aligned_zeros
from learninspy._internal.checks import check_seed, is_integer, number
from learninspy._internal.registry import qualified_name
from learninspy.core import facades, persistence
from learninspy.core import loss as losses
from learninspy.core.inference import Inference
from learninspy.core.layers.base import Layer
from learninspy.core.penalties import add_penalty
from learninspy.core.summary import layer_names, summary_table
from learninspy.core.task import Task

__all__ = ["Sequential", "model_class"]


def model_class(name):
    """The model class registered as ``name`` ('module.Class', or an unambiguous 'Class')."""
    return persistence.MODELS.resolve(name)


class Sequential(Inference, Task):
    """A stack of layers, each feeding the next.

    Args:
        layers: iterable of :class:`~learninspy.core.layers.base.Layer`.
        loss: name of a registered loss (see ``loss.names()``): 'CrossEntropy' for
            classification with a softmax output, 'BinaryCrossEntropy' for two classes with
            one sigmoid output (the probability of class 1), 'MSE' for regression. Optional
            for models trained by hand-written loops.
        input_shape: shape of one example (no batch axis); the layers are built when known.
        dtype: 'float32' (default, fast) or 'float64'.
        seed: int, seeds the initial weights and the randomness of training.
        strength_l1, strength_l2: L1 and L2 penalties on the regularised parameters.
        name: optional name.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        persistence.MODELS.register(cls)

    def __init__(self, layers=(), loss=None, input_shape=None, dtype="float32", seed=123,
                 strength_l1=0.0, strength_l2=0.0, name=None):
        if loss is not None:
            losses.get(loss)  # an unknown name fails here, listing the valid ones
        self.loss = loss
        if dtype not in ("float32", "float64", np.float32, np.float64, np.dtype(np.float32),
                         np.dtype(np.float64)):
            raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
        self.dtype = np.dtype(dtype)
        self.seed = check_seed(seed)
        for penalty, strength in (("strength_l1", strength_l1), ("strength_l2", strength_l2)):
            number(penalty, strength, "a number >= 0", lambda v: v >= 0)
        if name is not None and not isinstance(name, str):
            raise ValueError(f"name must be a text, got {name!r}")
        if input_shape is not None and (not isinstance(input_shape, (tuple, list)) or not all(
                is_integer(d) and d > 0 for d in input_shape)):
            raise ValueError(f"input_shape must be a tuple of positive integers, got "
                             f"{input_shape!r}")
        #: entropy of every random stream of the model; ``seed`` if given
        self.seed_entropy = seed if seed is not None else np.random.SeedSequence().entropy
        #: fits run so far, which seeds the next fit's random streams (see next_fit_seed)
        self.fit_count = 0
        self.strength_l1, self.strength_l2 = strength_l1, strength_l2
        self.name = name
        self.input_shape = None if input_shape is None else tuple(input_shape)
        self.layers = []
        self.history = None
        self._rng = np.random.default_rng(self.seed_entropy)
        self._params = self._grads = self._state = None
        self._segments, self._regularized = [], []
        for layer in layers:
            self.add(layer)
        if self.input_shape is not None:
            self.build()

    # --- Structure ----------------------------------------------------------------------------

    def add(self, layer):
        """Append a layer; the model is rebuilt when next used."""
        if not isinstance(layer, Layer):
            raise TypeError(f"expected a Layer, got {type(layer).__name__}")
        self.layers.append(layer)
        self._params = None
        return self

    @property
    def built(self):
        return self._params is not None

    def build(self, input_shape=None):
        """Build every layer for examples of ``input_shape`` and gather their parameters."""
        if input_shape is not None:
            self.input_shape = tuple(int(d) for d in input_shape)
        if self.input_shape is None:
            raise ValueError("the model does not know its input shape yet: pass input_shape "
                             "to the constructor or to build()")
        if not self.layers:
            raise ValueError("the model has no layers")
        shape = self.input_shape
        for layer in self.layers:
            shape = layer.ensure_built(shape, self._rng, self.dtype)
            if layer.rng is None:  # dropout masks outside fit come from the model's seed too
                layer.rng = self._rng
        self._pack()
        return self

    def ensure_built(self):
        """Build the model if it is not built yet (its input shape must be known)."""
        if not self.built:
            self.build()

    @property
    def output_shape(self):
        self.ensure_built()
        return self.layers[-1].output_shape

    def _pack(self):
        """Move all parameters, gradients and state into the model's flat vectors.

        Each layer's parameters form one contiguous segment of the vectors, in layer order,
        so that an optimizer can update a layer as soon as its gradients exist (see
        :meth:`loss_and_gradients`), while they are still in the processor's cache.
        """
        entries = [(layer, name) for layer in self.layers for name in layer.params]
        self._params, places = self._flatten(entries, "params")
        self._grads, _ = self._flatten(entries, "grads")
        self._state, _ = self._flatten(
            [(layer, name) for layer in self.layers for name in layer.state], "state")
        self._segments, self._regularized = [], []
        for layer in self.layers:
            slices = [places[id(layer), name] for name in layer.params]
            self._segments.append(slice(slices[0].start, slices[-1].stop) if slices else None)
            self._regularized.append([places[id(layer), name] for name in layer.params
                                      if name in layer.regularized])
        trainable_before = False
        for layer in self.layers:
            layer.propagate_grad = trainable_before
            trainable_before = trainable_before or bool(layer.params)

    def _flatten(self, entries, attribute):
        """One flat vector holding the arrays ``entries`` name, which become views into it;
        returns the vector and each entry's slice."""
        size = sum(getattr(layer, attribute)[name].size for layer, name in entries)
        flat = aligned_zeros(size, self.dtype)
        places, offset = {}, 0
        for layer, name in entries:
            arrays = getattr(layer, attribute)
            value = arrays[name]
            place = slice(offset, offset + value.size)
            flat[place].reshape(value.shape)[...] = value
            arrays[name] = flat[place].reshape(value.shape)
            places[id(layer), name] = place
            offset += value.size
        return flat, places

    # --- Parameters as vectors ----------------------------------------------------------------

    @property
    def parameter_vector(self):
        """All trainable parameters as one flat vector: the live array (each layer's
        ``params`` are views into it), so writing into it changes the model."""
        self.ensure_built()
        return self._params

    @property
    def gradient_vector(self):
        """The gradients of the last backward pass, laid out as :attr:`parameter_vector`."""
        self.ensure_built()
        return self._grads

    @property
    def state_vector(self):
        """The non-trainable state (e.g. running statistics) as one live flat vector."""
        self.ensure_built()
        return self._state

    @property
    def layer_segments(self):
        """For each layer, the slice of the vectors holding its parameters (None if it has
        none)."""
        self.ensure_built()
        return list(self._segments)

    def get_parameters(self):
        """A copy of all trainable parameters as one flat vector."""
        return self.parameter_vector.copy()

    def set_parameters(self, vector):
        """Overwrite all trainable parameters from a flat vector (see :meth:`get_parameters`)."""
        if vector is not self.parameter_vector:  # a replica trained in place gives its own
            self._params[...] = self._checked_vector(vector, self._params, "parameter")

    def get_state(self):
        """A copy of the non-trainable state as a flat vector."""
        return self.state_vector.copy()

    def set_state(self, vector):
        if vector is not self.state_vector:
            self._state[...] = self._checked_vector(vector, self._state, "state")

    @staticmethod
    def _checked_vector(vector, target, what):
        vector = np.asarray(vector)
        if vector.shape != target.shape:
            raise ValueError(f"expected a {what} vector of {target.size} values, got shape "
                             f"{vector.shape}")
        return vector

    @property
    def count_params(self):
        """Number of trainable values."""
        self.ensure_built()
        return self._params.size

    def copy(self):
        """An independent copy of the model, its parameters and state."""
        return copy.deepcopy(self)

    def __deepcopy__(self, memo):
        clone = type(self).__new__(type(self))
        memo[id(self)] = clone
        for key, value in self.__dict__.items():
            if key in ("_params", "_grads", "_state", "layers", "last_output"):
                continue
            setattr(clone, key, copy.deepcopy(value, memo))
        clone.layers = [copy.deepcopy(layer, memo) for layer in self.layers]
        if self.built:  # the layers' arrays are now independent copies: gather them again
            clone._pack()
        else:
            clone._params = clone._grads = clone._state = None
        return clone

    def __reduce__(self):
        """Pickle as the model file's content, config and arrays, plus the model's and the
        layers' classes (see :func:`learninspy.core.persistence.from_pickle`)."""
        classes = {qualified_name(cls): cls
                   for cls in [type(self)] + [type(layer) for layer in self.layers]}
        return persistence.from_pickle, (persistence.to_payload(self), classes)

    # --- Description --------------------------------------------------------------------------

    def layer_names(self):
        """Each layer's name: its own, or '<type>_<k>' numbered per type as Keras does."""
        return layer_names(self.layers)

    def summary(self, print_fn=print):
        """A table of the layers -- output shape, activation (or dropout rate), parameter
        count -- and the totals of trainable and non-trainable values, like Keras's summary.

        Args:
            print_fn: called with the table; ``None`` to only return it.

        Returns:
            str, the table.
        """
        self.ensure_built()
        table = summary_table(self)
        if print_fn is not None:
            print_fn(table)
        return table

    # --- Computation --------------------------------------------------------------------------

    def forward(self, x, training=False):
        """Output of the model for a batch ``x`` of shape (n, *input_shape).

        ``training`` enables dropout, batch statistics and the caching :meth:`backward`
        needs; the output may then be a scratch array that the next call overwrites.
        """
        x = np.asarray(x, dtype=self.dtype)
        if not self.built:
            self.build(x.shape[1:] if self.input_shape is None else None)
        if x.shape[1:] != self.input_shape:
            raise ValueError(f"the model takes batches of shape (n, *{self.input_shape}), got "
                             f"an array of shape {x.shape}")
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def backward(self, grad):
        """Backpropagate dLoss/doutput, shape (n, *output_shape), through the layers of the
        last training-mode :meth:`forward`, overwriting every layer's ``grads`` (the L1 / L2
        penalties are added by :meth:`add_penalties`)."""
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
            if grad is None:
                break

    def set_rng(self, rng=None):
        """Give every layer the random generator it draws from in training (dropout masks);
        None gives back the model's own, seeded by its seed."""
        for layer in self.layers:
            layer.rng = self._rng if rng is None else rng

    def loss_and_gradients(self, x, target_matrix, after_layer=None, scale=None):
        """One forward and backward pass on a batch: the mean cost, with the L1 / L2 penalties
        and any layer's own ``penalty`` (e.g. a sparsity term), and the gradients of that
        cost in every layer's ``grads`` (and so in :attr:`gradient_vector`).

        Args:
            x: a batch, (n, *input_shape).
            target_matrix: what the loss compares the outputs with (``target_matrix``).
            after_layer: optional ``function(segment)`` called as soon as a layer's gradients
                (penalties included) are complete, with the slice of the flat vectors that
                holds that layer's parameters -- once backpropagation has used them, so they
                may be updated then (:func:`learninspy.core.step.fused_train_step`). With it,
                a cost that is not finite returns before any gradient is computed.
            scale: optional factor of every gradient (see :attr:`scales_gradients`), folded
                into the output's delta, so that it costs no pass of its own; the cost is
                not scaled.
        """
        record = self.loss_record
        #: the outputs of the last training pass (a scratch array the next one overwrites)
        self.last_output = output = self.forward(x, training=True)
        cost = record.function(output, target_matrix)
        if after_layer is not None and not np.isfinite(cost):
            return cost
        delta = record.derivative(output, target_matrix)
        scale = 1.0 if scale is None else scale
        delta *= delta.dtype.type(scale / len(x))  # the gradient of the batch's mean, scaled
        last = len(self.layers) - 1
        fused = record.fused_with is not None
        if fused and getattr(self.layers[last], "output_activation", None) != record.fused_with:
            raise ValueError(f"the {record.name} loss needs a last layer with a "
                             f"{record.fused_with} output, got {self.layers[last].describe()}")
        cost += self._own_penalties()
        grad = delta
        for index in range(last, -1, -1):
            layer = self.layers[index]
            grad = layer.backward_preactivation(grad) if fused and index == last \
                else layer.backward(grad)
            cost += self._penalize(index, scale)
            if after_layer is not None and self._segments[index] is not None:
                after_layer(self._segments[index])
            if grad is None:
                break
        return cost

    def _own_penalties(self):
        return sum(layer.penalty for layer in self.layers if hasattr(layer, "penalty"))

    def _penalize(self, index, scale=1.0):
        """Add the L1 / L2 penalties' gradients of layer ``index``, times ``scale``; return
        their cost."""
        return sum(add_penalty(self._params[place], self._grads[place], self.strength_l1,
                               self.strength_l2, scale) for place in self._regularized[index])

    @property
    def scales_gradients(self):
        """Whether :meth:`loss_and_gradients` can scale the gradients for free: every layer's
        backward pass is linear in the gradient it receives, which a layer that adds its own
        penalty's gradient (a sparsity term) is not."""
        return not any(hasattr(layer, "penalty") for layer in self.layers)

    def add_penalties(self):
        """Add the gradients of the L1 / L2 penalties (``strength_l1``, ``strength_l2``) on the
        regularised parameters to the model's gradients; return the cost of every penalty:
        those, and the layers' own ``penalty`` of the last training pass (e.g. a sparsity
        term, whose gradient the layer's backward already added)."""
        return self._own_penalties() + sum(self._penalize(i) for i in range(len(self.layers)))

    # --- Training -----------------------------------------------------------------------------

    def fit(self, train, valid=None, mini_batch=50, parallelism=0, valid_iters=10, measure=None,
            stops=None, optimizer_params=None, reproducible=False, keep_best=False, **options):
        """Train the model; see :func:`learninspy.training.fit.fit` for every parameter."""
        return facades.fit(self, train, valid, mini_batch=mini_batch, parallelism=parallelism,
                           valid_iters=valid_iters, measure=measure, stops=stops,
                           optimizer_params=optimizer_params, reproducible=reproducible,
                           keep_best=keep_best, **options)

    def next_fit_seed(self, restart=False):
        """The base seed of a fit's random streams, a pure function of the model's seed and
        of the fits it ran before (:attr:`fit_count`, which this counts up); ``restart``
        counts from 0 again, so that the same fit repeats bit for bit."""
        if restart:
            self.fit_count = 0
        seed = np.random.SeedSequence([self.seed_entropy, self.fit_count]).generate_state(1)[0]
        self.fit_count += 1
        return int(seed)

    # --- Files --------------------------------------------------------------------------------

    def save(self, filename):
        """Save the model in learninspy's model format (see ``core.persistence``), atomically,
        to a path or to a URI of a file system Spark's Hadoop libraries reach ('hdfs://...',
        's3a://...', through the running SparkSession)."""
        facades.save_model(self, filename)

    @classmethod
    def load(cls, filename):
        """Load a model saved with :meth:`save` (a path or a URI); no code from the file is
        ever run."""
        model = facades.load_model(filename)
        if not isinstance(model, cls):
            raise ValueError(f"{filename} holds a {type(model).__name__}, not a {cls.__name__}")
        return model

    def get_config(self):
        """Everything but the arrays needed to rebuild the model, as JSON-compatible values."""
        return {
            "layers": [{"class": qualified_name(type(layer)), "config": layer.get_config()}
                       for layer in self.layers],
            "loss": self.loss, "input_shape": self.input_shape, "dtype": self.dtype.name,
            "seed": self.seed, "strength_l1": self.strength_l1, "strength_l2": self.strength_l2,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config, layers):
        """Rebuild a model of this class from ``get_config()`` and its layer objects."""
        kwargs = {k: v for k, v in config.items() if k != "layers"}
        return cls(layers=layers, **kwargs)


persistence.MODELS.register(Sequential)
