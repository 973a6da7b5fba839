"""DataFrames as labeled data: which columns hold the features and the labels, checked from
the schema before any job, and read through Arrow by the job that needs the rows.

``fit``, ``evaluate`` and ``predict`` take a :class:`LabeledFrame` -- or a DataFrame, read with
the default column names -- wherever they take data Spark holds, on classic Spark and on Spark
Connect. Nothing is cached: training reads the rows once, straight into the files each replica
trains from (:mod:`~learninspy.engine.spark.stored`).
"""

from dataclasses import dataclass

from learninspy.engine.spark.session import is_connect, require_pyspark

require_pyspark()
from pyspark.sql import DataFrame  # noqa: E402

__all__ = ["LabeledFrame", "Decoder", "as_labeled_frame", "is_dataframe"]


def is_dataframe(data):
    """True for a DataFrame, classic or Spark Connect's."""
    return isinstance(data, DataFrame)


def _kind(data_type):
    """'vector', 'array', 'number' or None: what a column of ``data_type`` holds for us."""
    from pyspark.ml.linalg import VectorUDT
    from pyspark.mllib.linalg import VectorUDT as MLlibVectorUDT
    from pyspark.sql.types import ArrayType, NumericType
    if isinstance(data_type, (VectorUDT, MLlibVectorUDT)):
        return "vector"
    if isinstance(data_type, ArrayType) and isinstance(data_type.elementType, NumericType):
        return "array"
    if isinstance(data_type, NumericType):
        return "number"
    return None


def _missing(frame, role, column, argument):
    return ValueError(f"the DataFrame has no {role} column {column!r}; its columns are "
                      f"{frame.columns} (name it with {argument}=)")


@dataclass(frozen=True)
class Decoder:
    """What executors need to turn a record batch of the selected columns into ``(X, y)``:
    the column names only (the DataFrame itself never travels)."""

    features: object  # a column name, or a tuple of numeric columns' names
    label: str = None

    def __call__(self, batch):
        from learninspy.engine.spark.arrow import batch_arrays
        return batch_arrays(batch, self.features if isinstance(self.features, str)
                            else list(self.features), self.label)


class LabeledFrame:
    """A DataFrame read as labeled data.

    Args:
        frame: a DataFrame, classic or Spark Connect's.
        features_col: the features column: ML (or MLlib) Vectors, dense or sparse, or arrays
            of numbers.
        label_col: the label column: numbers -- class indices 0, 1, ... for classification --
            or, for several regression targets, arrays or Vectors; None for unlabeled rows.
        features_cols: instead of ``features_col``, a list of numeric columns, one feature
            each, assembled inside each Arrow batch (no ``VectorAssembler`` needed).

    Attributes:
        width: features per row when the schema says it (a list of columns, or a Vector
            column that ``VectorAssembler`` made), else None.

    Raises:
        ValueError: a column is missing (the message lists the frame's columns).
        TypeError: a column of another type (strings for labels, say).
    """

    is_distributed = True

    def __init__(self, frame, features_col="features", label_col="label", features_cols=None):
        if not is_dataframe(frame):
            raise TypeError(f"LabeledFrame reads a Spark DataFrame, got {type(frame).__name__}")
        schema = {field.name: field for field in frame.schema.fields}
        if features_cols is not None:
            if isinstance(features_cols, str) or not len(features_cols):
                raise ValueError("features_cols must be a non-empty list of column names, got "
                                 f"{features_cols!r}")
            for column in features_cols:
                if column not in schema:
                    raise _missing(frame, "feature", column, "features_cols")
                if _kind(schema[column].dataType) != "number":
                    raise TypeError(f"features_cols: the column {column!r} must hold numbers, "
                                    f"it holds {schema[column].dataType.simpleString()}")
            features, width = tuple(features_cols), len(features_cols)
        else:
            if features_col not in schema:
                raise _missing(frame, "features", features_col, "features_col")
            field = schema[features_col]
            if _kind(field.dataType) not in ("vector", "array"):
                raise TypeError(f"the features column {features_col!r} must hold vectors or "
                                f"arrays of numbers, it holds {field.dataType.simpleString()} "
                                "(or give numeric columns with features_cols=)")
            features, width = features_col, field.metadata.get("ml_attr", {}).get("num_attrs")
        if label_col is not None:
            if label_col not in schema:
                raise _missing(frame, "label", label_col, "label_col")
            if _kind(schema[label_col].dataType) is None:
                kind = schema[label_col].dataType.simpleString()
                raise TypeError(f"the label column {label_col!r} must hold numbers (class "
                                f"indices 0, 1, ... for classification), it holds {kind}: "
                                "index it first, e.g. with pyspark.ml.feature.StringIndexer")
        self.frame, self.width = frame, width
        self.decoder = Decoder(features, label_col)

    @property
    def session(self):
        return self.frame.sparkSession

    @property
    def columns(self):
        """The columns read, features first."""
        features = self.decoder.features
        return ([features] if isinstance(features, str) else list(features)) + \
            ([self.decoder.label] if self.decoder.label is not None else [])

    def selected(self):
        """The DataFrame of the columns read only."""
        return self.frame.select(*self.columns)

    def check_width(self, model):
        """Raise ValueError, before any job, when the schema's width is not the model's."""
        if self.width is None or model.input_shape is None:
            return
        expected = 1
        for size in model.input_shape:
            expected *= size
        if self.width != expected:
            raise ValueError(f"the features {self._described()} have {self.width} values per "
                             f"row but the model takes {expected} "
                             f"(input shape {model.input_shape})")

    def _described(self):
        features = self.decoder.features
        return f"column {features!r}" if isinstance(features, str) else f"columns {features}"

    def __repr__(self):
        return (f"LabeledFrame(features={self.decoder.features!r}, label={self.decoder.label!r}, "
                f"{'Spark Connect' if is_connect(self.frame) else 'classic'})")


def as_labeled_frame(data, labels=True):
    """``data`` (a LabeledFrame or a DataFrame with 'features' and 'label' columns) as a
    LabeledFrame; without ``labels``, one that reads the features only."""
    if not isinstance(data, LabeledFrame):
        data = LabeledFrame(data, label_col="label" if labels else None)
    elif not labels and data.decoder.label is not None:
        unlabeled = LabeledFrame.__new__(LabeledFrame)
        unlabeled.frame, unlabeled.width = data.frame, data.width
        unlabeled.decoder = Decoder(data.decoder.features)
        data = unlabeled
    return data
