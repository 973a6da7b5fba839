"""The core of the framework: everything needed to build, train and evaluate networks, in NumPy.

Modules: ``activations``, ``loss``, ``neurons``, ``layers``, ``sequential``, ``model``,
``optimization``, ``stops``, ``training`` and ``persistence``.
"""
