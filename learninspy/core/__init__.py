"""The core of the framework: everything needed to build, train and evaluate networks, in NumPy.

Modules: ``activations``, ``loss``, ``neurons``, ``layers``, ``sequential``, ``task``,
``model``, ``batches``, ``optimization``, ``merging``, ``stops``, ``training``, ``search``,
``autoencoder`` and ``persistence``.
"""
