"""learninspy's model file format: plain arrays and JSON, never pickle.

A model file (written as safetensors, see :mod:`learninspy.core.model_files`; learninspy
0.2's NumPy archives are still read) holds:

* the header, JSON::

      {"format": "learninspy-model", "version": 2,
       "class": "learninspy.core.model.NeuralNetwork",
       "config": {...the model's get_config()...}, "input_shape": [4],
       "history": {...}, "extra": {...}}

* ``params/<i>/<name>`` and ``state/<i>/<name>`` -- the arrays of layer ``i``;
* ``extra/<key>`` -- optional arrays saved beside the model (an optimizer's state in a
  training checkpoint, say).

Classes are named by module and class, and built only from the registries of the classes
defined in the running program (:data:`MODELS`, and the layers') -- learninspy's own model
modules are imported when a file names them, nothing else ever is -- so nothing in a file can
make Python run code. Every field is checked, and the model the configuration describes may
not be larger than the arrays the file holds, so a small file cannot make ``load`` allocate a
large model; every refusal is a ``ValueError`` naming the file and the field. Saving writes a
temporary file next to the target and renames it over the target, so a crash mid-save leaves
any previous file intact.

A pickled model -- how models travel to Spark workers -- is the same content plus the
model's and layers' classes (:func:`from_pickle`), so a worker can rebuild a layer defined
in the driver's script.
"""

import importlib
import os

import numpy as np

from learninspy._internal.registry import ClassRegistry, qualified_name
from learninspy.core import model_files
from learninspy.core.history import History
from learninspy.core.layers.base import LAYERS, Layer, allocation_budget, layer_class

__all__ = ["save", "load", "to_bytes", "from_bytes", "to_payload", "from_payload", "from_pickle",
           "jsonable", "MODELS", "FORMAT", "VERSION"]

FORMAT = "learninspy-model"
#: The version written; files of version 1 (learninspy 0.2) are read too.
VERSION = 2
_READ_VERSIONS = (1, 2)
#: The modules that define learninspy's model classes, imported when a file names a class
#: of theirs that is not loaded yet.
_MODEL_MODULES = ("learninspy.core.sequential", "learninspy.core.model",
                  "learninspy.core.autoencoder")

#: Every model class defined in this program (Sequential and its subclasses), by qualified
#: name.
MODELS = ClassRegistry("model class")


def jsonable(value):
    """``value`` with tuples, NumPy scalars and arrays turned into JSON's lists and numbers."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def to_payload(model, extra=None):
    """The model as (JSON header, dict of arrays)."""
    if qualified_name(type(model)) not in MODELS:
        raise TypeError(f"only learninspy models can be saved, got {type(model).__name__}")
    model.ensure_built()
    header = {
        "format": FORMAT, "version": VERSION, "class": qualified_name(type(model)),
        "config": jsonable(model.get_config()),
        "input_shape": list(model.input_shape),
        "history": jsonable(model.history.as_dict()) if model.history is not None else None,
        "extra": {},
    }
    arrays = {}
    for i, layer in enumerate(model.layers):
        arrays.update({f"params/{i}/{name}": value for name, value in layer.params.items()})
        arrays.update({f"state/{i}/{name}": value for name, value in layer.state.items()})
    for key, value in (extra or {}).items():
        if isinstance(value, np.ndarray):
            arrays[f"extra/{key}"] = value
        else:
            header["extra"][key] = jsonable(value)
    return header, arrays


def from_payload(payload):
    """The model described by ``to_payload``'s output."""
    header, arrays = payload
    return _build(header, arrays, source="the payload")[0]


def from_pickle(payload, classes):
    """Rebuild a pickled model, after registering the model's and the layers' classes that
    travelled with it (``{qualified name: class}``): so a Spark worker finds even a class it
    never imported (unpickling a class imports its module; cloudpickle ships the classes
    defined in a script by value, under names of their own)."""
    for name, cls in classes.items():
        (LAYERS if issubclass(cls, Layer) else MODELS).register(cls, name)
    return from_payload(payload)


def save(model, filename, extra=None):
    """Write ``model`` (and optional ``extra`` values) to ``filename`` atomically.

    Args:
        model: a Sequential (NeuralNetwork, AutoEncoder, ...).
        filename: path of the file; its folder must exist.
        extra: optional dict of arrays or JSON-compatible values saved beside the model.
    """
    model_files.write(filename, *to_payload(model, extra))


def to_bytes(model, extra=None):
    """The bytes of ``model``'s file (what :func:`save` writes)."""
    return model_files.encode(*to_payload(model, extra))


def load(filename, with_extra=False):
    """Read a model written by :func:`save` (or by learninspy 0.2).

    Args:
        filename: path of the model file.
        with_extra: also return the dict of extra values saved beside the model.

    Raises:
        FileNotFoundError: there is no such file.
        ValueError: the file is truncated, corrupted, malformed or not a learninspy model
            file; the message names the file and the member or field.
    """
    filename = os.fspath(filename)
    header, arrays = model_files.read(filename)
    model, extra = _build(header, arrays, source=filename)
    return (model, extra) if with_extra else model


def from_bytes(data, source="the model bytes", with_extra=False):
    """The model of a model file's bytes, checked as :func:`load` checks a file; ``source``
    names them in messages."""
    model, extra = _build(*model_files.decode(data, source), source=source)
    return (model, extra) if with_extra else model


def _model_class(name):
    """The model class a file names. learninspy's own model modules are imported on demand
    (a StackedAutoencoder file loads without importing its module first); nothing else is."""
    if name not in MODELS:
        module = name.rsplit(".", 1)[0]
        if module in _MODEL_MODULES:
            importlib.import_module(module)
    return MODELS.resolve(name)


def _field(condition, source, field, expected, value):
    if not condition:
        text = repr(value)
        text = text if len(text) <= 60 else text[:57] + "..."
        raise ValueError(f"{source}: {field} must be {expected}, got {text}")


def _check_header(header, source):
    """Every field's type, before anything is built."""
    if header.get("format") != FORMAT:
        raise ValueError(f"{source} is not a learninspy model file")
    if header.get("version") not in _READ_VERSIONS:
        raise ValueError(f"{source} has format version {header.get('version')!r}; this "
                         f"learninspy reads versions {list(_READ_VERSIONS)}")
    for key in ("class", "config", "input_shape"):
        if key not in header:
            raise ValueError(f"{source} is incomplete: its header has no {key!r}")
    _field(isinstance(header["class"], str), source, "class", "a class name",
           header["class"])
    config = header["config"]
    _field(isinstance(config, dict), source, "config", "an object", config)
    _field(isinstance(config.get("layers"), list), source, "config.layers",
           "a list of layers", config.get("layers"))
    for i, entry in enumerate(config["layers"]):
        where = f"config.layers[{i}]"
        _field(isinstance(entry, dict) and isinstance(entry.get("class"), str)
               and isinstance(entry.get("config"), dict), source, where,
               'an object {"class": name, "config": {...}}', entry)
    shape = header["input_shape"]
    _field(isinstance(shape, list) and shape and all(
        isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in shape),
        source, "input_shape", "a list of positive integers", shape)
    for key in ("history", "extra"):
        _field(header.get(key) is None or isinstance(header[key], dict), source, key,
               "an object", header.get(key))


def _build(header, arrays, source):
    _check_header(header, source)
    config = header["config"]
    declared = sum(value.size for name, value in arrays.items()
                   if name.startswith(("params/", "state/")))
    # the model may hold what the file holds (and its build a copy of it), never more
    with allocation_budget(2 * declared + 2 ** 16, source):
        layers = []
        for i, entry in enumerate(config["layers"]):
            try:
                layers.append(layer_class(entry["class"])(**entry["config"]))
            except (TypeError, ValueError, KeyError, AttributeError) as error:
                raise ValueError(f"{source}: config.layers[{i}] ({entry['class']}) cannot be "
                                 f"built: {error}") from None
        try:
            model = _model_class(header["class"]).from_config(config, layers)
            model.build(tuple(header["input_shape"]))
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as error:
            raise ValueError(f"{source} describes a model this learninspy cannot build: "
                             f"{error}") from None
    for i, layer in enumerate(model.layers):
        for kind in ("params", "state"):
            for name, target in getattr(layer, kind).items():
                key = f"{kind}/{i}/{name}"
                if key not in arrays:
                    raise ValueError(f"{source} is incomplete: '{key}' is missing")
                value = arrays[key]
                if value.shape != target.shape or value.dtype.kind not in "fiu":
                    raise ValueError(f"{source}: array {key} has shape {value.shape} of "
                                     f"{value.dtype}, the layer expects {target.shape} of "
                                     f"{target.dtype}")
                target[...] = value
    if header.get("history"):
        try:
            model.history = History.from_dict(header["history"])
        except ValueError as error:
            raise ValueError(f"{source}: {error}") from None
    extra = dict(header.get("extra") or {})
    extra.update({key[len("extra/"):]: value for key, value in arrays.items()
                  if key.startswith("extra/")})
    return model, extra
