"""learninspy's model file format: plain arrays and JSON, never pickle.

A model file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays) holding:

* ``meta`` -- UTF-8 JSON as an array of bytes::

      {"format": "learninspy-model", "version": 1,
       "class": "learninspy.core.model.NeuralNetwork",
       "config": {...the model's get_config()...}, "input_shape": [4],
       "history": {...}, "extra": {...}}

* ``params/<i>/<name>`` and ``state/<i>/<name>`` -- the arrays of layer ``i``;
* ``extra/<key>`` -- optional arrays saved beside the model (an optimizer's state in a
  training checkpoint, say).

Classes are named by module and class. Loading reads the arrays with ``allow_pickle=False``
and builds the model from the JSON through the registries of the classes defined in the
running program (:data:`MODELS`, and the layers'): nothing in the file can make Python run
code. Files of learninspy 0.2, which named classes by their short name, load too. Saving
writes a temporary file next to the target and renames it over the target, so a crash
mid-save leaves any previous file intact.

A pickled model -- how models travel to Spark workers -- is the same content plus the
model's and layers' classes (:func:`from_pickle`), so a worker can rebuild a layer defined
in the driver's script.
"""

import io
import json
import os
import zipfile

import numpy as np

from learninspy._internal.files import atomic_writer
from learninspy._internal.registry import ClassRegistry, qualified_name
from learninspy.core.history import History
from learninspy.core.layers.base import LAYERS, Layer, layer_class

__all__ = ["save", "load", "to_payload", "from_payload", "from_pickle", "jsonable", "MODELS",
           "FORMAT", "VERSION"]

FORMAT = "learninspy-model"
VERSION = 1

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
    return json.dumps(header), arrays


def from_payload(payload):
    """The model described by ``to_payload``'s output."""
    header, arrays = payload
    return _build(json.loads(header), arrays, source="the payload")[0]


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
    header, arrays = to_payload(model, extra)
    with atomic_writer(filename, "wb") as stream:
        np.savez(stream, meta=np.frombuffer(header.encode("utf-8"), dtype=np.uint8), **arrays)


def load(filename, with_extra=False):
    """Read a model written by :func:`save`.

    Args:
        filename: path of the model file.
        with_extra: also return the dict of extra values saved beside the model.

    Raises:
        FileNotFoundError: there is no such file.
        ValueError: the file is truncated, corrupted or not a learninspy model file.
    """
    filename = os.fspath(filename)
    if not os.path.isfile(filename):
        raise FileNotFoundError(f"no model file at {filename}")
    try:
        with open(filename, "rb") as stream:
            content = stream.read()
        with np.load(io.BytesIO(content), allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as error:
        raise ValueError(f"{filename} is not a readable learninspy model file "
                         f"(truncated, corrupted or another format): {error}") from None
    if "meta" not in arrays:
        raise ValueError(f"{filename} is not a learninspy model file: it has no 'meta' entry")
    try:
        header = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{filename} has an unreadable header: {error}") from None
    model, extra = _build(header, arrays, source=filename)
    return (model, extra) if with_extra else model


def _model_class(name):
    """The model class a file names. learninspy's own modules are imported on demand (a
    StackedAutoencoder file loads without importing its module first); nothing else is."""
    if name not in MODELS and name.startswith("learninspy."):
        import importlib
        try:
            importlib.import_module(name.rsplit(".", 1)[0])
        except ImportError:
            pass
    return MODELS.resolve(name)


def _build(header, arrays, source):
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError(f"{source} is not a learninspy model file")
    if header.get("version") != VERSION:
        raise ValueError(f"{source} has format version {header.get('version')}; this "
                         f"learninspy reads version {VERSION}")
    try:
        config = header["config"]
        layers = [layer_class(entry["class"])(**entry["config"]) for entry in config["layers"]]
        model = _model_class(header["class"]).from_config(config, layers)
        model.build(tuple(header["input_shape"]))
        for i, layer in enumerate(model.layers):
            for kind in ("params", "state"):
                for name, target in getattr(layer, kind).items():
                    value = arrays[f"{kind}/{i}/{name}"]
                    if value.shape != target.shape:
                        raise ValueError(f"array {kind}/{i}/{name} has shape {value.shape}, "
                                         f"the layer expects {target.shape}")
                    target[...] = value
    except KeyError as missing:
        raise ValueError(f"{source} is incomplete: {missing} is missing") from None
    except TypeError as error:
        raise ValueError(f"{source} describes a model this learninspy cannot build: "
                         f"{error}") from None
    if header.get("history"):
        model.history = History.from_dict(header["history"])
    extra = dict(header.get("extra") or {})
    extra.update({key[len("extra/"):]: value for key, value in arrays.items()
                  if key.startswith("extra/")})
    return model, extra
