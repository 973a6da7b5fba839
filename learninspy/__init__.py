"""learninspy: deep learning with NumPy on one machine and on Apache Spark, with one API.

The main names are importable from here; the layers to compose networks with are in
:mod:`learninspy.layers`. The package is layered, each layer importing only those below it:
:mod:`learninspy.data` and :mod:`learninspy.metrics`, :mod:`learninspy.core` (activations,
loss, model, neurons, optimization, stops, ...: one model and one training step, in NumPy),
:mod:`learninspy.engine` (where replicas run: threads, or Spark), :mod:`learninspy.training`
(``fit``, its callbacks, the random search), then the command line and the tools.
:mod:`learninspy.utils` keeps the module paths of earlier versions. Importing learninspy starts
nothing: Spark is only touched when a Spark engine is asked for.
"""

from learninspy.core.model import NetworkParameters, NeuralLayer, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.sequential import Sequential
from learninspy.core.stops import criterion
from learninspy.utils.data import LabeledPoint, LocalLabeledDataSet

__version__ = "0.2.0"

__all__ = ["NeuralNetwork", "NetworkParameters", "NeuralLayer", "Sequential",
           "OptimizerParameters", "criterion", "LabeledPoint", "LocalLabeledDataSet",
           "__version__"]
