"""Real model files, mutated at random (hypothesis): loading one either gives a model or one of
the documented errors -- never runs code, unpickles, starts a process, imports a module from
outside learninspy, or allocates much more than the file."""

import io
import json
import struct
import sys
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from learninspy.core import model_files
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.persistence import to_payload

_FORBIDDEN = ("pickle.find_class", "exec", "subprocess.Popen", "os.system", "os.exec",
              "os.posix_spawn", "os.spawn", "os.fork", "ctypes.dlopen")
_watching = []  # the events seen while a load runs


def _audit(event, args):
    if not _watching:
        return
    if event.startswith(_FORBIDDEN):
        _watching[0].append(event)
    elif event == "import" and not str(args[0]).startswith("learninspy"):
        _watching[0].append(f"import {args[0]}")


sys.addaudithook(_audit)  # cannot be removed: it only looks while _watching holds a list


def _model():
    network = NeuralNetwork(NetworkParameters([4, 6, 3], dropout_ratios=[0.1, 0.0], seed=1))
    network.fit((np.random.default_rng(0).normal(size=(30, 4)), np.arange(30) % 3),
                mini_batch=10, parallelism=1)
    return network


def _safetensors_bytes(network):
    from safetensors.numpy import save
    header, arrays = to_payload(network, {"note": "fuzz", "vector": np.arange(3.0)})
    arrays = {name: np.asarray(value) for name, value in arrays.items()}
    return save(arrays, metadata={"learninspy": json.dumps(header)})


def _npz_bytes(network):
    """As learninspy 0.2 wrote a model: an .npz archive, version 1, short class names."""
    header, arrays = to_payload(network)
    header["version"], header["class"] = 1, type(network).__name__
    stream = io.BytesIO()
    np.savez(stream, meta=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8), **arrays)
    return stream.getvalue()


NETWORK = _model()
FILES = {"safetensors": _safetensors_bytes(NETWORK), "npz": _npz_bytes(NETWORK)}
_JSON = st.recursive(st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70)
                     | st.floats(allow_nan=True) | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
_PATHS = [("class",), ("input_shape",), ("input_shape", 0), ("version",), ("config",),
          ("config", "layers"), ("config", "layers", 0), ("config", "layers", 1, "class"),
          ("config", "layers", 1, "config"), ("config", "layers", 1, "config", "n_out"),
          ("config", "params"), ("config", "params", "units_layers"),
          ("config", "params", "activation"), ("config", "params", "dropout_ratios"),
          ("config", "params", "seed"), ("config", "params", "dtype"), ("config", "loss"),
          ("history",), ("history", "cost"), ("history", "final"), ("extra",),
          ("extra", "note")]


def _load(tmp_path, content):
    path = tmp_path / "fuzzed.lea"
    path.write_bytes(content)
    seen = []
    _watching.append(seen)
    tracemalloc.start()
    try:
        NeuralNetwork.load(path)
    except (ValueError, FileNotFoundError):
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        _watching.clear()
    assert seen == []
    assert peak < 16 * len(content) + 8 * 2 ** 20


def _with_header(kind, change):
    """The file of ``kind`` with its JSON header changed by ``change(header)``."""
    if kind == "safetensors":
        from safetensors.numpy import load, save
        content = FILES[kind]
        (length,) = struct.unpack("<Q", content[:8])
        header = json.loads(json.loads(content[8:8 + length])["__metadata__"]["learninspy"])
        change(header)
        return save(load(content), metadata={"learninspy": json.dumps(header)})
    archive = zipfile.ZipFile(io.BytesIO(FILES[kind]))
    members = {name: archive.read(name) for name in archive.namelist()}
    meta = np.load(io.BytesIO(members.pop("meta.npy")))
    header = json.loads(meta.tobytes())
    change(header)
    out = io.BytesIO()
    arrays = {name[:-4]: np.load(io.BytesIO(data)) for name, data in members.items()}
    np.savez(out, meta=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8), **arrays)
    return out.getvalue()


def _replace(header, path, value):
    target = header
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
KINDS = st.sampled_from(sorted(FILES))


@FUZZ
@given(kind=KINDS, fraction=st.floats(0.0, 1.0, exclude_max=True))
def test_truncated_files(tmp_path, kind, fraction):
    content = FILES[kind]
    _load(tmp_path, content[:int(fraction * len(content))])


@FUZZ
@given(kind=KINDS, flips=st.lists(st.tuples(st.integers(0, 10 ** 9), st.integers(0, 7)),
                                  min_size=1, max_size=8))
def test_flipped_bits(tmp_path, kind, flips):
    content = bytearray(FILES[kind])
    for position, bit in flips:
        content[position % len(content)] ^= 1 << bit
    _load(tmp_path, bytes(content))


@FUZZ
@given(kind=KINDS, path=st.sampled_from(_PATHS), value=_JSON)
def test_header_fields_of_any_type(tmp_path, kind, path, value):
    _load(tmp_path, _with_header(kind, lambda header: _replace(header, path, value)))


@FUZZ
@given(kind=KINDS, scale=st.sampled_from([10, 1000, 10 ** 6, 10 ** 9, 10 ** 12]),
       which=st.sampled_from([("config", "params", "units_layers", 1), ("input_shape", 0)]))
def test_inflated_shapes(tmp_path, kind, scale, which):
    def inflate(header):
        target = header
        for key in which[:-1]:
            target = target[key]
        target[which[-1]] *= scale
    _load(tmp_path, _with_header(kind, inflate))


@FUZZ
@given(new=st.text(min_size=1, max_size=30), index=st.integers(0, 100))
def test_renamed_and_inflated_members(tmp_path, new, index):
    from safetensors.numpy import load, save
    arrays = load(FILES["safetensors"])
    names = sorted(arrays)
    name = names[index % len(names)]
    arrays[new] = arrays.pop(name)
    (length,) = struct.unpack("<Q", FILES["safetensors"][:8])
    metadata = json.loads(FILES["safetensors"][8:8 + length])["__metadata__"]
    content = save(arrays, metadata=metadata)
    _load(tmp_path, content)
    # the same tensor table, one shape declared larger than its bytes
    (length,) = struct.unpack("<Q", content[:8])
    table = json.loads(content[8:8 + length])
    table[new]["shape"] = [d * 1000 for d in table[new]["shape"]] or [1000]
    head = json.dumps(table).encode()
    _load(tmp_path, struct.pack("<Q", len(head)) + head + content[8 + length:])


def test_the_unchanged_files_load():
    for content in FILES.values():
        path = io.BytesIO(content)
        assert path.getvalue() == content
    assert NETWORK.count_params > 0


@pytest.mark.parametrize("kind", sorted(FILES))
def test_each_container_holds_a_loadable_model(tmp_path, kind):
    path = tmp_path / f"model.{kind}"
    path.write_bytes(FILES[kind])
    loaded = NeuralNetwork.load(path)
    assert np.array_equal(loaded.get_parameters(), NETWORK.get_parameters())
    header, _ = model_files.read(path)
    assert header["format"] == "learninspy-model"
