"""The module paths of learninspy 0.1 and 0.2's ``utils``, kept as re-exports of where the
code lives now: data sets in :mod:`learninspy.data`, metrics in :mod:`learninspy.metrics`,
Spark data in :mod:`learninspy.engine.spark`, plots and gradient checks in
:mod:`learninspy.tools`."""
