"""The containers of model files: safetensors (written) and learninspy 0.2's NumPy archive
(still read), both read without trusting a byte of them.

A model file holds named arrays and one JSON header. Reading checks, before allocating
anything, that the file is one of the two containers, that every array's declared dtype is a
plain number type and its declared shape matches the bytes actually present, and that the
header is bounded JSON; so a file can neither run code (no pickle, ever) nor make the reader
allocate much more than its own size. Every refusal is a ``ValueError`` naming the file and
the member.

* safetensors (https://github.com/huggingface/safetensors): a bounded JSON table of every
  tensor's dtype, shape and byte range, then the bytes; the header goes in its metadata under
  ``learninspy``. Readable by every major framework.
* learninspy 0.2's ``.npz``: a zip of uncompressed ``.npy`` members plus ``meta``, the header
  as UTF-8 bytes. A compressed member (a zip bomb) is refused, as 0.2 never wrote one.
"""

# zipfile decodes legacy member names with cp437: imported here, so that reading a file never
# imports a module
import encodings.cp437  # noqa: F401
import json
import os
import struct
import tempfile
import zipfile

import numpy as np

from learninspy._internal.files import atomic_writer

__all__ = ["write", "read", "encode", "decode", "HEADER_KEY", "MAX_HEADER_BYTES"]

#: The metadata key of the learninspy header in a safetensors file.
HEADER_KEY = "learninspy"
#: The largest header read: far above any model's configuration and history.
MAX_HEADER_BYTES = 64 * 2 ** 20
#: Dtypes a model file may hold (the safetensors names, and NumPy's).
_DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64,
           "I32": np.int32, "U8": np.uint8, "BOOL": np.bool_}
_NUMPY_KINDS = "fiub"
_ZIP_MAGIC = b"PK\x03\x04"


def encode(header, arrays):
    """The bytes of the safetensors file of ``arrays`` (name -> ndarray) and the
    JSON-compatible ``header``."""
    from safetensors.numpy import save
    contiguous = {name: value if value.flags.c_contiguous else value.copy(order="C")
                  for name, value in ((n, np.asarray(v)) for n, v in arrays.items())}
    return save(contiguous, metadata={HEADER_KEY: json.dumps(header)})


def write(path, header, arrays):
    """Write ``arrays`` and ``header`` as one safetensors file, atomically (the folder must
    exist)."""
    content = encode(header, arrays)
    with atomic_writer(path, "wb") as stream:
        stream.write(content)


def decode(data, shown):
    """(header dict, arrays) of the bytes of a model file, checked as :func:`read` checks a
    file; messages name the file ``shown``."""
    with tempfile.TemporaryDirectory(prefix="learninspy-") as folder:
        path = os.path.join(folder, "model")
        with open(path, "wb") as stream:
            stream.write(data)
        return read(path, shown)


def read(path, shown=None):
    """(header dict, arrays) of a model file, checked as the module says.

    Raises:
        FileNotFoundError: no file at ``path``.
        ValueError: anything else that is not a sound model file.
    """
    path = os.fspath(path)
    shown = shown or path
    if os.path.isdir(path):
        raise ValueError(f"{shown} is a folder, not a learninspy model file")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no model file at {shown}")
    with open(path, "rb") as stream:
        start = stream.read(9)
    if start[:4] == _ZIP_MAGIC:
        return _read_npz(path, shown)
    if len(start) == 9 and start[8:9] == b"{":
        return _read_safetensors(path, shown)
    raise ValueError(f"{shown} is not a learninspy model file (neither a safetensors file nor "
                     "a NumPy archive of learninspy 0.2)")


def _header(shown, text, where):
    """The header parsed from ``text`` (str or bytes), bounded and checked to be an object."""
    if len(text) > MAX_HEADER_BYTES:
        raise ValueError(f"{shown}: {where} holds {len(text):,} bytes, more than a model's "
                         f"header ever needs ({MAX_HEADER_BYTES:,})")
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        header = json.loads(text)
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"{shown}: {where} is not readable JSON: {error}") from None
    except RecursionError:
        raise ValueError(f"{shown}: {where} nests too deeply to be a model's header") from None
    if not isinstance(header, dict):
        raise ValueError(f"{shown} is not a learninspy model file: {where} is not a JSON object")
    return header


def _read_safetensors(path, shown):
    from safetensors import SafetensorError, safe_open
    size = os.path.getsize(path)
    with open(path, "rb") as stream:
        (length,) = struct.unpack("<Q", stream.read(8))
    if length > min(size - 8, MAX_HEADER_BYTES):
        raise ValueError(f"{shown} is truncated or not a model file: its header declares "
                         f"{length:,} bytes")
    try:
        with safe_open(path, framework="np") as opened:
            metadata = opened.metadata() or {}
            if HEADER_KEY not in metadata:
                raise ValueError(f"{shown} is a safetensors file but not a learninspy model "
                                 f"file: its metadata has no {HEADER_KEY!r} entry")
            header = _header(shown, metadata[HEADER_KEY], "the learninspy metadata")
            arrays = {}
            for name in opened.keys():
                dtype = opened.get_slice(name).get_dtype()
                if dtype not in _DTYPES:
                    raise ValueError(f"{shown}: member {name!r} holds {dtype} values; model "
                                     f"files hold {sorted(_DTYPES)}")
                arrays[name] = opened.get_tensor(name)
    except SafetensorError as error:
        raise ValueError(f"{shown} is not a readable learninspy model file (truncated, "
                         f"corrupted or another format): {error}") from None
    return header, arrays


def _read_npz(path, shown):
    """A learninspy 0.2 archive: every member checked before its bytes are read."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise ValueError(f"{shown} is not a readable learninspy model file (truncated, "
                         f"corrupted or another format): {error}") from None
    with archive:
        members = archive.infolist()
        if len(members) > 100_000:
            raise ValueError(f"{shown} has {len(members):,} members: not a model file")
        arrays = {}
        for member in members:
            name = member.filename.removesuffix(".npy")
            if member.compress_type != zipfile.ZIP_STORED:
                raise ValueError(f"{shown}: member {name!r} is compressed; learninspy model "
                                 "files are not (refused: it could expand without bound)")
            try:
                arrays[name] = _read_member(archive, member, shown, name)
            except (zipfile.BadZipFile, OSError, EOFError, struct.error, NotImplementedError,
                    RuntimeError) as error:  # unsupported or encrypted members too
                raise ValueError(f"{shown}: member {name!r} is truncated or corrupted: "
                                 f"{error}") from None
    if "meta" not in arrays:
        raise ValueError(f"{shown} is not a learninspy model file: it has no 'meta' entry")
    return _header(shown, arrays.pop("meta").tobytes(), "its 'meta' entry"), arrays


def _read_member(archive, member, shown, name):
    """One ``.npy`` member: its header parsed (literal values only) and checked against the
    member's size, then exactly that many bytes read into a new array."""
    with archive.open(member) as stream:
        try:
            version = np.lib.format.read_magic(stream)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, fortran, dtype = read_header(stream, max_header_size=10_000)
        except ValueError as error:
            raise ValueError(f"{shown}: member {name!r} is not a plain array: "
                             f"{str(error).split('.')[0]}") from None
        if dtype.kind not in _NUMPY_KINDS or dtype.hasobject or dtype.fields:
            raise ValueError(f"{shown}: member {name!r} holds {dtype} values; model files hold "
                             "plain numbers")
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        available = member.file_size - stream.tell()
        if any(d < 0 for d in shape) or count * dtype.itemsize != available:
            raise ValueError(f"{shown}: member {name!r} declares shape {shape} of {dtype} "
                             f"({count * dtype.itemsize:,} bytes) but holds {available:,}")
        array = np.empty(count, dtype=dtype)
        if stream.readinto(memoryview(array).cast("B")) != available:
            raise ValueError(f"{shown}: member {name!r} is truncated")
    return array.reshape(shape, order="F" if fortran else "C")
