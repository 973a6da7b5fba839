"""Labeled data held by Spark: :class:`DistributedLabeledDataSet`.

The rows live in the partitions of a cached RDD as NumPy *blocks*: each partition holds at most
one pair ``(X, y)`` -- X an (n, d) float32 matrix, y the n labels as float64, of shape (n,) or
(n, k) for several regression targets. Executors work on matrices, never on one Python object
per row, and the same blocks serve training, evaluation, statistics and saving.

A data set is built from an RDD of labeled points (pyspark's ``LabeledPoint`` or learninspy's)
or of pairs, ``(features, label)`` or learninspy 0.1's ``(label, features)`` (read as local
data reads them: ``learninspy.data.pairs.pair_fields``); a Spark DataFrame, read through Arrow
(see :class:`~learninspy.engine.spark.frames.LabeledFrame`: a features column of ML Vectors or
arrays of numbers, or numeric columns, and a numeric label column); local data (anything
``learninspy.data.labeled.to_arrays`` takes) and a context; or a text file on any path Spark
reads. Building it runs one Spark job, which caches the blocks and checks their structure
(numeric rows of one width); the values -- NaN, labels out of a model's range -- are checked
against the model when ``fit``, ``evaluate`` or ``predict`` start, as for local data.

This module imports pyspark; ``learninspy.utils.data`` re-exports the class on first use.
"""

import os
from functools import partial

import numpy as np

from learninspy._internal.checks import integer
from learninspy.engine.spark.session import get_context, is_connect, require_pyspark

require_pyspark()
from pyspark import RDD, StorageLevel  # noqa: E402
from pyspark.sql import DataFrame  # noqa: E402

from learninspy.data.labeled import LabeledDataSet, to_arrays  # noqa: E402
from learninspy.data.tables import label_position  # noqa: E402
from learninspy.engine.spark import blocks as tasks  # noqa: E402
from learninspy.engine.spark.blocks import vector_values  # noqa: E402
from learninspy.engine.spark.frames import LabeledFrame  # noqa: E402
from learninspy.engine.spark.handles import frame_blocks  # noqa: E402

__all__ = ["DistributedLabeledDataSet", "as_distributed", "vector_values"]

#: Blocks that do not fit in memory go to the executors' disks rather than being recomputed.
STORAGE = StorageLevel.MEMORY_AND_DISK


# --- The data set -----------------------------------------------------------------------------

#: Why a DistributedLabeledDataSet cannot be made on Spark Connect, and what to do instead.
CONNECT_DATASET = ("a DistributedLabeledDataSet holds its rows in an RDD, which Spark Connect "
                   "does not have: give the DataFrame (or a LabeledFrame of it) to fit, evaluate "
                   "and predict, which read it through Arrow")


class DistributedLabeledDataSet(LabeledDataSet):
    """A labeled data set whose rows Spark holds, as cached NumPy blocks.

    Args:
        data: an RDD of labeled points or of ``(features, label)`` (or ``(label, features)``)
            pairs; a DataFrame; a path of a text table (see :meth:`load_file`); local data (a
            LabeledDataSet, a pair ``(X, y)``, a list of labeled points), dealt to
            ``num_partitions`` partitions row by row (row i to partition i mod P), so that
            every partition is a sample of the whole (:meth:`collect` gives them back in their
            order); or None for an empty data set.
        context: SparkContext for local data or a path (default: ``learninspy.context``).
        features_col, label_col: column names for DataFrame input.
        num_partitions: partitions of local data (default ``sc.defaultParallelism``), or of
            the others after a repartition (default: as they are).
        pos_label: for a text file, the position of the label in each line (-1: the last).

    Attributes:
        context: the SparkContext.
        summary: :class:`~learninspy.engine.spark.blocks.Summary` -- rows, width, rows of each
            partition.

    Raises:
        ValueError, TypeError: missing or non-numeric columns, rows of different widths,
            unparsable lines -- found by the one job that builds the data set.
    """

    is_distributed = True

    def __init__(self, data=None, context=None, features_col="features", label_col="label",
                 num_partitions=None, pos_label=-1):
        if isinstance(data, DistributedLabeledDataSet):
            blocks, context = data.blocks, data.context
            self._dealt = getattr(data, "_dealt", False)
        elif isinstance(data, (DataFrame, LabeledFrame)):
            if is_connect(data.frame if isinstance(data, LabeledFrame) else data):
                raise TypeError(CONNECT_DATASET)
            frame = data if isinstance(data, LabeledFrame) else \
                LabeledFrame(data, features_col, label_col)
            selected = frame.selected()
            if num_partitions:
                selected = selected.repartition(num_partitions)
            blocks, context = frame_blocks(selected, frame.decoder), frame.session.sparkContext
        elif isinstance(data, RDD):
            rows = data.repartition(num_partitions) if num_partitions else data
            blocks, context = rows.mapPartitionsWithIndex(tasks.rows_to_block), rows.context
        elif isinstance(data, (str, os.PathLike)):
            self.context = context or get_context()
            self.load_file(data, pos_label, num_partitions)
            return
        else:
            context = context or get_context()
            X, y = to_arrays(data) if data is not None else (np.zeros((0, 0)), np.zeros(0))
            y = np.asarray(y, dtype=np.float64)
            n = max(1, min(num_partitions or context.defaultParallelism, len(X)))
            blocks = context.parallelize([(X[p::n], y[p::n]) for p in range(n)], n) \
                .filter(_has_rows)
            self._dealt = len(X) > 0  # collect() gathers the rows back in their order
        self._setup(blocks, context)

    def _setup(self, blocks, context):
        """Cache ``blocks`` and check their structure (one job, which computes, caches and
        describes them: counted in the JVM, the cached blocks are not read back into Python);
        keep them if they pass."""
        descriptions = context.accumulator({}, tasks.Descriptions())
        blocks = blocks.mapPartitionsWithIndex(partial(tasks.described, descriptions)) \
            .persist(STORAGE)
        try:
            blocks._jrdd.count()
            by_partition = descriptions.value
            summary = tasks.Summary.of([part for index in sorted(by_partition)
                                        for part in by_partition[index]],
                                       blocks.getNumPartitions())
        except ValueError:
            blocks.unpersist()
            raise
        self.context, self._blocks, self.summary = context, blocks, summary

    @classmethod
    def _of_blocks(cls, blocks, context):
        dataset = cls.__new__(cls)
        dataset._setup(blocks, context)
        return dataset

    def load_file(self, path, pos_label=-1, num_partitions=None, label_column=None):
        """Replace the contents with a text table's, read by Spark: a file, a folder of part
        files (what :meth:`save_file` writes) or a glob, on any file system Spark reads;
        numbers separated by commas, semicolons, tabs or spaces, one example per line,
        blank lines, '#' comments and a header line skipped as ``data.tables.read_table`` does.
        Returns the data set.

        Args:
            path: the file(s).
            pos_label: int, the column holding the label (-1: the last one).
            num_partitions: the least number of partitions (Spark's ``minPartitions``).
            label_column: the label's column by name, 'first' (where learninspy 0.1 wrote
                it) or 'last', or an index, instead of ``pos_label``.

        Raises:
            ValueError: lines of different lengths, values that are not numbers, a
                ``pos_label`` outside the columns; the contents are then left as they were.
        """
        pos_label = integer("pos_label", label_position(pos_label, label_column))
        lines = self.context.textFile(os.fspath(path), num_partitions)
        self._setup(lines.mapPartitionsWithIndex(partial(tasks.lines_to_block, int(pos_label))),
                    self.context)
        return self

    def save_file(self, path):
        """Write the rows as text, ``f1,...,fd,label`` per line (features with 9 significant
        digits, exact for float32), as Spark's ``saveAsTextFile`` does: a folder of parts."""
        if self.summary.label_width != 1:
            raise ValueError("save_file writes one label per line; these rows have "
                             f"{self.summary.label_width} targets")
        self._blocks.flatMap(tasks.to_lines).saveAsTextFile(str(path))

    # --- The LabeledDataSet interface ---------------------------------------------------------

    @property
    def features(self):
        """RDD of the feature vectors (float32 NumPy arrays)."""
        return self._blocks.flatMap(tasks.to_feature_rows)

    @property
    def labels(self):
        """RDD of the labels (floats, or lists of floats for several targets)."""
        return self._blocks.flatMap(tasks.to_label_values)

    @property
    def shape(self):
        return self.summary.rows, self.summary.width

    def __len__(self):
        return self.summary.rows

    @property
    def num_partitions(self):
        return self._blocks.getNumPartitions()

    @property
    def blocks(self):
        """The cached RDD of ``(X, y)`` blocks, at most one per partition."""
        return self._blocks

    @property
    def data(self):
        """RDD of the rows as :class:`~learninspy.data.labeled.LabeledPoint` (learninspy 0.1's
        name)."""
        return self._blocks.flatMap(tasks.to_points)

    def collect(self, unpersist=False):
        """Every row, as a list of :class:`~learninspy.data.labeled.LabeledPoint`, in the order
        of the input: local data, dealt to the partitions row by row, is gathered back in its
        own order (also after ``map_features``, as scalers and PCA transform); an RDD, a
        DataFrame or a file keeps its partitions' order, and so do the parts of
        :meth:`split_data`.

        Args:
            unpersist: also release the cached blocks (learninspy 0.1's option); the data set
                stays usable, Spark then computes its blocks again.
        """
        parts = self._blocks.map(tasks.to_points).collect()
        rows = tasks.undealt(parts) if getattr(self, "_dealt", False) else \
            [row for part in parts for row in part]
        if unpersist:
            self.unpersist()
        return rows

    def split_data(self, fractions, seed=123, balanced=False):
        """Split at random into parts of the given fractions, partition by partition (each
        partition is split as ``data.splits.split_data`` splits local data, seeded by ``seed``
        and its index), so the parts keep the partitioning and no row moves.

        Returns:
            list of DistributedLabeledDataSet.
        """
        fractions = [float(f) for f in fractions]
        if not fractions or min(fractions) <= 0 or not np.isclose(sum(fractions), 1.0):
            raise ValueError(f"fractions must be positive and sum to 1, got {fractions}")
        parts = self._blocks.mapPartitionsWithIndex(
            partial(tasks.split_block, fractions, seed, balanced)).persist(STORAGE)
        try:
            return [self._of_blocks(parts.flatMap(partial(tasks.part_of, i)), self.context)
                    for i in range(len(fractions))]
        finally:
            parts.unpersist()

    def check(self, model, labels=True):
        """Check the rows for ``model`` as ``model.labeled_arrays`` checks local data -- or
        only the features, without ``labels`` -- in one Spark job, and raise the first problem
        with the same message (rows counted over the whole data set), before any work.

        Raises:
            ValueError, TypeError: as for local data.
        """
        if self.summary.rows == 0:
            raise ValueError("the data set is empty")
        if model.input_shape is None:
            model.build((self.summary.width,))
        check = partial(tasks.labeled_arrays if labels else tasks.features_of, model)
        problems = self._blocks.mapPartitionsWithIndex(
            partial(tasks.find_problems, check, self.summary.offsets)).collect()
        if problems:
            kind, message = problems[0]
            raise (TypeError if kind == "TypeError" else ValueError)(message)

    # --- Statistics hooks for scalers and PCA ------------------------------------------------

    def _require_rows(self):
        if self.summary.rows == 0:
            raise ValueError("the data set is empty")

    def column_statistics(self):
        """Per-column statistics of the features, in one Spark aggregation.

        Returns:
            dict: 'count' (int, rows), 'mean', 'variance' (unbiased, divided by count - 1,
            as Spark's ``colStats``; 0 for one row), 'min' and 'max', each a float64 array of
            one value per column -- as ``LabeledDataSet.column_statistics`` says.
        """
        self._require_rows()
        n, mean, squares, low, high = self._blocks.treeAggregate(None, tasks.add_moments,
                                                                 tasks.merge_moments)
        return {"count": int(n), "mean": mean, "variance": squares / max(n - 1, 1), "min": low,
                "max": high}

    def covariance(self):
        """The mean vector and covariance matrix of the features (unbiased, divided by n - 1),
        in one Spark aggregation."""
        self._require_rows()
        n, mean, scatter = self._blocks.treeAggregate(None, tasks.add_scatter,
                                                      tasks.merge_scatter)
        return mean, scatter / max(n - 1, 1)

    def map_features(self, function):
        """A new data set with ``function`` applied to each block's features.

        Args:
            function: picklable, vectorised: an (n, d) float32 matrix to an (n, k) one (a
                fitted scaler's transform, a projection on principal components, ...).
        """
        mapped = self._of_blocks(self._blocks.map(partial(tasks.map_block, function)),
                                 self.context)
        mapped._dealt = getattr(self, "_dealt", False)  # same rows in the same blocks
        return mapped

    def unpersist(self):
        """Release the cached blocks."""
        self._blocks.unpersist()

    def __repr__(self):
        return (f"DistributedLabeledDataSet(shape={self.shape}, "
                f"partitions={self.num_partitions})")


def _has_rows(block):
    return len(block[0]) > 0


def as_distributed(data, context=None):
    """``data`` if it is a DistributedLabeledDataSet, else one built from it."""
    return data if isinstance(data, DistributedLabeledDataSet) else \
        DistributedLabeledDataSet(data, context)
