"""Labeled data, gathered for one import as learninspy 0.1 and 0.2 offered it: data sets and
conversions (:mod:`learninspy.data.labeled`), splits (:mod:`learninspy.data.splits`), scalers
(:mod:`learninspy.data.scaling`), the shipped data sets and generators
(:mod:`learninspy.data.datasets`), and ``DistributedLabeledDataSet``
(:mod:`learninspy.engine.spark.dataset`), imported with pyspark on first use."""

from learninspy.data.datasets import (load_boston, load_ccpp, load_iris, load_mnist,  # noqa: F401
                                      make_moons, make_spiral)
from learninspy.data.labeled import (LabeledDataSet, LabeledPoint,  # noqa: F401
                                     LocalLabeledDataSet, column_statistics, is_distributed,
                                     label_data, label_to_vector, split_label_column,
                                     to_arrays)
from learninspy.data.pairs import pair_fields  # noqa: F401
from learninspy.data.scaling import MinMaxScaler, StandardScaler  # noqa: F401
from learninspy.data.splits import split_balanced, split_data, subsample  # noqa: F401
from learninspy._internal.extras import installed

__all__ = ["LabeledPoint", "LabeledDataSet", "LocalLabeledDataSet", "label_to_vector",
           "label_data", "pair_fields", "to_arrays", "split_label_column", "column_statistics",
           "subsample", "split_data", "split_balanced", "StandardScaler", "MinMaxScaler",
           "load_iris", "load_ccpp", "load_mnist", "load_boston", "make_moons", "make_spiral"]

# `import *` gives DistributedLabeledDataSet, as in learninspy 0.1, only where pyspark is
# installed: it imports pyspark (and starts no Spark), and without pyspark `import *` works.
if installed("pyspark"):
    __all__.append("DistributedLabeledDataSet")


def __getattr__(name):
    if name == "DistributedLabeledDataSet":
        from learninspy.engine.spark.dataset import DistributedLabeledDataSet
        return DistributedLabeledDataSet
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
