"""The layer protocol: every operator is a ``forward`` / ``backward`` pair with its parameters.

A layer maps a batch ``x`` (one example per row, shape ``(n, *input_shape)``) to a batch ``y``.
``backward`` receives dLoss/dy for the batch of the last ``forward`` and returns dLoss/dx, after
writing dLoss/dparameter into ``self.grads``. Writing a new operator takes a subclass with
``build``, ``forward`` and ``backward``::

    class Scale(Layer):
        '''y = x * s, one learnt scale per feature.'''

        def build(self, input_shape, rng, dtype):
            self.add_param("s", np.ones(input_shape, dtype=dtype))
            return input_shape

        def forward(self, x, training=False):
            if training:
                self.cache["x"] = x
            return x * self.params["s"]

        def backward(self, grad):
            self.grads["s"][...] = (grad * self.cache["x"]).sum(axis=0)
            return grad * self.params["s"]

Conventions that keep training fast and the model portable:

* Parameters live in ``self.params`` (name -> array) and their gradients in ``self.grads``.
  Once the layer is part of a model, the arrays are views into the model's single flat
  parameter vector, so read them from the dicts at every call rather than keeping references.
* ``backward`` overwrites ``self.grads`` (it does not accumulate) and may overwrite its
  ``grad`` argument, which is scratch space owned by the model.
* ``backward`` is linear in ``grad``, so that the model may scale the gradient at the output
  (gradient descent's step rate is folded in there). A layer that adds a gradient of its own
  (a penalty on its activations) exposes that penalty's cost as ``self.penalty``; the model
  then scales nothing.
* Non-trainable arrays that training updates (e.g. BatchNorm's running statistics) live in
  ``self.state``; the model averages them like parameters when it merges replicas.
* ``forward`` in training mode may keep what ``backward`` needs in ``self.cache``, and may
  return arrays it reuses on the next call (``self.buffer``). In inference mode it keeps nothing.
* Randomness comes from ``self.rng`` (a numpy Generator), which the trainer seeds.
* ``get_config`` returns the constructor's arguments, which is what saving, loading and
  shipping a model to Spark workers rely on. The default reads the attributes named like the
  constructor's parameters: store the arguments unchanged (as scikit-learn estimators do).

Every subclass is registered under its qualified name (module and class), so a saved model
names its layers and loading never executes code from the file. A pickled model (how models
travel to Spark workers) also carries its layer classes, so a worker can rebuild a layer it
never imported.
"""

import contextlib
import contextvars
import inspect
import math

import numpy as np

from learninspy._internal.arrays import aligned_empty
from learninspy._internal.registry import ClassRegistry

__all__ = ["Layer", "layer_class", "layer_classes", "register_layer_class", "LAYERS",
           "allocation_budget", "reserve"]

#: Every layer class defined in this program, by qualified name.
LAYERS = ClassRegistry("layer class")


_BUDGET = contextvars.ContextVar("learninspy_allocation_budget", default=None)


@contextlib.contextmanager
def allocation_budget(values, source):
    """While open, building layers may create at most ``values`` parameter and state values:
    how loading a file keeps a small file from declaring a huge model. ``source`` names the
    file in the error."""
    token = _BUDGET.set({"left": int(values), "total": int(values), "source": source})
    try:
        yield
    finally:
        _BUDGET.reset(token)


def reserve(shape, what):
    """Count the values of an array of ``shape`` about to be created against the allocation
    budget, if one is open (see :func:`allocation_budget`).

    Raises:
        ValueError: the budget would be exceeded; nothing was allocated.
    """
    budget = _BUDGET.get()
    if budget is None:
        return
    count = math.prod(int(d) for d in shape)
    if count > budget["left"]:
        raise ValueError(f"{budget['source']} describes {what} of shape {tuple(shape)} "
                         f"({count:,} values), more than the {budget['total']:,} values its "
                         "arrays hold")
    budget["left"] -= count


def layer_class(name):
    """The layer class registered as ``name`` ('module.Class', or an unambiguous 'Class').

    Raises:
        ValueError: no such class has been defined in this program (the message lists them).
    """
    try:
        return LAYERS.resolve(name)
    except ValueError as error:
        raise ValueError(f"{error}. A custom layer must be imported before a model that uses "
                         "it is loaded") from None


def layer_classes():
    """Names of every layer class defined so far."""
    return LAYERS.short_names()


def register_layer_class(cls):
    """Register ``cls`` under its qualified name. Defining a subclass of :class:`Layer` does
    it; unpickling a model does it again for the classes that travelled with it."""
    return LAYERS.register(cls)


class Layer:
    """Base class of every operator.

    Attributes:
        params, grads: name -> array; the trainable parameters and dLoss/dparameter.
        state: name -> array; non-trainable arrays updated in training (running statistics).
        regularized: names of the parameters the model's L1 / L2 penalties apply to.
        input_shape, output_shape: per-example shapes (no batch axis), set by ``build``.
        propagate_grad: whether ``backward`` must compute dLoss/dx; the model turns it off for
            layers with nothing trainable before them, which saves a product per step.
        rng: numpy Generator for layers that draw random numbers in training.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        register_layer_class(cls)

    def __init__(self, name=None):
        self.name = name
        self.params, self.grads, self.state = {}, {}, {}
        self.regularized = set()
        self.input_shape = self.output_shape = None
        self.built = False
        self.propagate_grad = True
        self.rng = None
        self.cache = {}
        self._buffers = {}

    # --- What a subclass implements -----------------------------------------------------------

    def build(self, input_shape, rng, dtype):
        """Create the parameters for examples of ``input_shape``; return the output shape.

        Args:
            input_shape: tuple, shape of one example (no batch axis).
            rng: numpy Generator for the initial values.
            dtype: numpy dtype of the model.
        """
        return tuple(input_shape)

    def forward(self, x, training=False):
        """Map the batch ``x`` to the layer's output. ``training`` enables dropout and caching."""
        raise NotImplementedError

    def backward(self, grad):
        """From dLoss/doutput to dLoss/dinput, writing the parameters' gradients to ``grads``."""
        raise NotImplementedError

    # --- Helpers for subclasses ---------------------------------------------------------------

    def add_param(self, name, value, regularize=False):
        """Declare a trainable parameter with its initial value."""
        self.params[name] = value
        self.grads[name] = np.zeros_like(value)
        if regularize:
            self.regularized.add(name)

    def add_state(self, name, value):
        """Declare a non-trainable array that training updates."""
        self.state[name] = value

    def new_array(self, name, shape, fill, dtype):
        """A new array of ``shape`` filled with ``fill``, for a parameter or state ``name``
        (counted against the budget of a file being loaded)."""
        reserve(shape, f"{self.describe()}'s {name}")
        return np.full(shape, fill, dtype=dtype)

    def buffer(self, key, shape, dtype):
        """A scratch array of ``shape``, reused across calls while the shape stays the same."""
        array = self._buffers.get(key)
        if array is None or array.shape != shape or array.dtype != dtype:
            array = self._buffers[key] = aligned_empty(shape, dtype)
        return array

    def ensure_built(self, input_shape, rng, dtype):
        """Build the layer once; later calls check that the input shape still matches."""
        input_shape = tuple(int(d) for d in input_shape)
        if self.built:
            if self.input_shape is not None and input_shape != self.input_shape:
                raise ValueError(f"{self.describe()} was built for inputs of shape "
                                 f"{self.input_shape}, got {input_shape}")
            return self.output_shape
        self.input_shape = input_shape
        self.output_shape = tuple(self.build(input_shape, rng, np.dtype(dtype)))
        self.built = True
        return self.output_shape

    def random_generator(self):
        """The generator the layer draws from in training (its model seeds it)."""
        if self.rng is None:
            raise ValueError(f"{self.describe()} draws random numbers in training but has no "
                             "generator: use it in a model, or set layer.rng = "
                             "np.random.default_rng(seed)")
        return self.rng

    def describe(self):
        """A short readable name: the layer's name, or its class."""
        return self.name or type(self).__name__

    @property
    def count_params(self):
        """Number of trainable values."""
        return int(sum(p.size for p in self.params.values()))

    @property
    def count_state(self):
        """Number of non-trainable values."""
        return int(sum(s.size for s in self.state.values()))

    # --- Configuration, for saving and shipping -----------------------------------------------

    def get_config(self):
        """The constructor's arguments, as JSON-compatible values."""
        config = {}
        for name, parameter in inspect.signature(type(self).__init__).parameters.items():
            if name == "self" or parameter.kind in (parameter.VAR_POSITIONAL,
                                                    parameter.VAR_KEYWORD):
                continue
            if not hasattr(self, name):
                raise TypeError(f"{type(self).__name__}.get_config: the constructor argument "
                                f"{name!r} is not stored as an attribute; store it, or override "
                                "get_config")
            config[name] = getattr(self, name)
        return config

    def __getstate__(self):
        state = self.__dict__.copy()
        state["cache"], state["_buffers"] = {}, {}  # scratch arrays do not travel
        return state

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"
