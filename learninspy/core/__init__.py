"""The core of the framework, in NumPy only: everything needed to build, train one step of
and evaluate networks, below the engines that run many steps on many replicas.

Modules: ``activations``, ``loss``, ``penalties``, ``neurons``, ``layers/``, ``sequential``
(the layer stack) with ``task``, ``inference`` and ``summary``, ``model`` (NeuralNetwork),
``rules/`` (optimizer update rules), ``step`` (one training step), ``batches``,
``optimization``, ``merging``, ``stops``, ``history``, ``persistence``, ``scaled_model`` and
``autoencoder``. ``facades`` is the one module that reaches upward, for ``fit`` and for data
Spark holds; ``training`` and ``search`` are kept as re-exports of
:mod:`learninspy.training`.
"""
