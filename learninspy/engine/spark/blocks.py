"""What executors do with blocks of rows: the work of a distributed data set, in NumPy only.

A block is a pair ``(X, y)``: X an (n, d) float32 matrix, y the n labels as float64 (see
:mod:`learninspy.engine.spark.dataset`). Spark runs these functions in its executors on the
partitions of a data set -- building blocks from rows or lines of text, describing and checking
them, reducing them to statistics, splitting and converting them -- and the driver merges what
they return. None of them needs pyspark, so each can be tested on plain arrays.
"""

import io
import re
from dataclasses import dataclass

import numpy as np

from learninspy.data.labeled import LabeledPoint, split_label_column
from learninspy.data.pairs import pair_fields
from learninspy.data.splits import split_data
from learninspy.data.tables import is_number  # read_table's rule for headers

DELIMITERS = re.compile(r"[,;\s]+")


# --- Rows to blocks (run in executors) --------------------------------------------------------

def vector_values(value):
    """The values of an ML or MLlib vector as a NumPy array; any other value as it is."""
    to_array = getattr(value, "toArray", None)
    return to_array() if to_array is not None else value


def _block(features, labels, where):
    """The block ``(X, y)`` of per-row features and labels, or ``(None, problem)``."""
    rows = []
    for i, value in enumerate(features):
        try:
            rows.append(np.asarray(vector_values(value), dtype=np.float32).ravel())
        except (TypeError, ValueError):
            return None, f"the features of row {i} of {where} are not numeric: {value!r:.60}"
    widths = np.array([len(row) for row in rows])
    bad = np.flatnonzero(widths != widths[0])
    if bad.size:
        return None, (f"rows have different numbers of features: row 0 of {where} has "
                      f"{widths[0]}, row {bad[0]} has {widths[bad[0]]}")
    try:
        y = np.array([vector_values(label) for label in labels], dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"the labels of {where} are not numbers (or arrays of one length)"
    if y.ndim > 2:
        return None, f"the labels of {where} have shape {y.shape[1:]}, not a number or a vector"
    return np.stack(rows), y


def rows_to_block(index, items):
    features, labels, odd, problem = [], [], None, None
    # Every row is read, even after a bad one: a task that leaves its partition's iterator
    # unread makes PySpark start a new Python worker for each later task (~6x the job cost).
    for i, item in enumerate(items):
        if hasattr(item, "features") and hasattr(item, "label"):
            features.append(item.features)
            labels.append(item.label)
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            try:  # (features, label) or learninspy 0.1's (label, features), as local data
                row_features, label = pair_fields(item, f"row {i} of partition {index}")
            except ValueError as error:
                problem = problem or str(error)
                continue
            features.append(row_features)
            labels.append(label)
        elif odd is None:
            odd = (i, item)
    if odd is not None:
        yield None, (f"row {odd[0]} of partition {index} is neither a labeled point nor a "
                     f"(features, label) pair: {odd[1]!r:.60}")
    elif problem is not None:
        yield None, problem
    elif features:
        yield _block(features, labels, f"partition {index}")


def lines_to_block(pos_label, index, lines):
    """The block of a partition of a text table, read as ``data.tables.read_table`` reads a file:
    blank lines and '#' comments skipped, and a first line of column names."""
    rows = [DELIMITERS.split(line) for line in (line.strip() for line in lines)
            if line and not line.startswith("#")]
    if index == 0 and rows and not any(map(is_number, rows[0])):
        rows = rows[1:]
    if not rows:
        return
    where = f"partition {index} of the file"
    try:
        table = np.array(rows, dtype=np.float64)
    except ValueError:
        bad = next((i for i, row in enumerate(rows) if len(row) != len(rows[0])), None)
        if bad is not None:
            yield None, (f"lines have different numbers of values: line 0 of {where} has "
                         f"{len(rows[0])}, line {bad} has {len(rows[bad])}")
        else:
            row = next(row for row in rows if not all(map(is_number, row)))
            yield None, f"{where} has values that are not numbers: {' '.join(row)!r:.60}"
        return
    try:
        X, y = split_label_column(table, pos_label, where)
    except ValueError as error:
        yield None, str(error)
        return
    yield X.astype(np.float32), y


# --- What a block holds (run in executors, merged on the driver) -----------------------------

def describe_blocks(index, blocks):
    for X, y in blocks:
        if X is None:
            yield {"partition": index, "problem": y}
        else:
            yield {"partition": index, "rows": len(X), "width": X.shape[1],
                   "label_width": 1 if y.ndim == 1 else y.shape[1]}


def described(descriptions, index, blocks):
    """The blocks of partition ``index``, unchanged, while their descriptions go to the
    ``descriptions`` accumulator (``{index: [description, ...]}``, see
    :class:`Descriptions`): the job that computes and caches the blocks describes them too,
    so no second pass reads them back from the cache."""
    parts = []
    for block in blocks:
        parts.extend(describe_blocks(index, [block]))
        yield block
    descriptions.add({index: parts})


class Descriptions:
    """An accumulator's rule for :func:`described`: the descriptions of each partition, by
    index -- a task run twice gives its partition's descriptions again, not twice."""

    def zero(self, value):
        return {}

    def addInPlace(self, merged, more):
        merged.update(more)
        return merged


@dataclass
class Summary:
    """The structure of a data set, found by the job that builds it.

    Attributes:
        rows: number of rows; width: features per row (None when empty).
        label_width: values per label (1 for a number per row).
        partition_rows: rows of each partition.
    """

    rows: int
    width: int
    label_width: int
    partition_rows: list

    @classmethod
    def of(cls, parts, n_partitions):
        """Merge the descriptions of the partitions; raise ValueError on the first problem."""
        problems = [part["problem"] for part in parts if "problem" in part]
        if problems:
            raise ValueError(problems[0])
        for key, what in (("width", "numbers of features"), ("label_width", "label lengths")):
            first = {}
            for part in parts:
                first.setdefault(part[key], part["partition"])
            if len(first) > 1:
                (w0, p0), (w1, p1) = list(first.items())[:2]
                raise ValueError(f"rows have different {what}: partition {p0} has {w0}, "
                                 f"partition {p1} has {w1}")
        counts = [0] * n_partitions
        for part in parts:
            counts[part["partition"]] = part["rows"]
        return cls(sum(counts), parts[0]["width"] if parts else None,
                   parts[0]["label_width"] if parts else 1, counts)

    @property
    def offsets(self):
        """Index of the first row of each partition."""
        return np.concatenate([[0], np.cumsum(self.partition_rows)]).astype(int).tolist()


def labeled_arrays(model, block):
    return model.labeled_arrays(block)


def features_of(model, block):
    return model.check_features(block[0])


def rebase_rows(message, offset):
    """``message`` with each "row i" it names counted from ``offset``."""
    return re.sub(r"\brow (\d+)", lambda m: f"row {int(m[1]) + offset}", message)


def find_problems(check, offsets, index, blocks):
    """The first problem ``check`` finds in the partition's block, rows counted over the
    whole data set: (exception class name, message)."""
    for block in blocks:
        try:
            check(block)
        except (TypeError, ValueError) as error:
            yield type(error).__name__, rebase_rows(str(error), offsets[index])


# --- Statistics (run in executors) ------------------------------------------------------------

def add_moments(total, block):
    X = block[0].astype(np.float64)
    mean = X.mean(axis=0)
    return merge_moments(total, (len(X), mean, ((X - mean) ** 2).sum(axis=0), X.min(axis=0),
                                  X.max(axis=0)))


def merge_moments(a, b):
    """Counts, means and sums of squared deviations of two parts, merged (Chan et al. 1979)."""
    if a is None or b is None:
        return b if a is None else a
    n, delta = a[0] + b[0], b[1] - a[1]
    return (n, a[1] + delta * (b[0] / n), a[2] + b[2] + delta ** 2 * (a[0] * b[0] / n),
            np.minimum(a[3], b[3]), np.maximum(a[4], b[4]))


def add_scatter(total, block):
    X = block[0].astype(np.float64)
    mean = X.mean(axis=0)
    centred = X - mean
    return merge_scatter(total, (len(X), mean, centred.T @ centred))


def merge_scatter(a, b):
    if a is None or b is None:
        return b if a is None else a
    n, delta = a[0] + b[0], b[1] - a[1]
    return (n, a[1] + delta * (b[0] / n), a[2] + b[2] + np.outer(delta, delta) * (a[0] * b[0] / n))


def map_block(function, block):
    X, y = block
    out = np.asarray(function(X))
    if out.ndim != 2 or len(out) != len(X):
        return None, (f"map_features: the function must return an (n, k) matrix for an (n, d) "
                      f"one; it returned shape {out.shape} for {X.shape}")
    return out.astype(np.float32, copy=False), y


# --- Splits and conversions (run in executors) ------------------------------------------------

def split_block(fractions, seed, balanced, index, blocks):
    for X, y in blocks:
        part_seed = int(np.random.SeedSequence([seed, index]).generate_state(1)[0])
        yield tuple((part.features, part.labels) for part in
                    split_data((X, y), fractions, seed=part_seed, balanced=balanced))


def part_of(i, parts):
    return [parts[i]] if len(parts[i][0]) else []


def to_lines(block):
    X, y = block
    y = y.reshape(len(y), -1)[:, 0]  # one label per row, shaped (n,) or (n, 1)
    text = io.StringIO()
    np.savetxt(text, X, delimiter=",", fmt="%.9g")  # 9 digits: float32 round-trips exactly
    return [f"{row},{float(label)!r}" for row, label in zip(text.getvalue().splitlines(), y)]


def undealt(parts):
    """The rows of parts dealt row by row (row i to part i mod P), in their first order."""
    return [part[j] for j in range(max(map(len, parts), default=0)) for part in parts
            if j < len(part)]


def to_points(block):
    return [LabeledPoint(label, row) for row, label in zip(*block)]


def to_feature_rows(block):
    return list(block[0])


def to_label_values(block):
    return block[1].tolist()
