"""Data: labeled data sets and the operations on them that need no model.

* :mod:`~learninspy.data.labeled` -- labeled points, the ``LabeledDataSet`` interface, local
  data sets, and :func:`to_arrays`, the conversion every API entry point shares;
  :mod:`~learninspy.data.pairs` reads a pair of features and a label in either order;
* :mod:`~learninspy.data.splits` and :mod:`~learninspy.data.sampling` -- splits, samples and
  mini-batches;
* :mod:`~learninspy.data.datasets` -- the data sets shipped with learninspy and generators;
* :mod:`~learninspy.data.scaling` and :mod:`~learninspy.data.pca` -- scalers and PCA, which
  read data sets only through their statistics hooks, so they work on Spark data too;
* :mod:`~learninspy.data.tables` -- text tables, read and written.

The data sets Spark holds are the Spark engine's (:mod:`learninspy.engine.spark.dataset`).
"""
