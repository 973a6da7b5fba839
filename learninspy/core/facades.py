"""The one place where core calls the layers above it.

A model's user-facing methods read as users expect -- ``model.fit(...)``, ``model.predict``
of data Spark holds -- but training is the business of :mod:`learninspy.training` and Spark
the business of :mod:`learninspy.engine.spark`, both of which build on core. These functions
are the only imports from core upwards; the import-graph test allows them and nothing else.
"""

__all__ = ["fit", "predict_distributed", "evaluate_distributed", "save_model", "load_model"]


def fit(model, *args, **kwargs):
    """:func:`learninspy.training.fit.fit`."""
    from learninspy.training.fit import fit as train
    return train(model, *args, **kwargs)


def predict_distributed(model, data, **options):
    """:func:`learninspy.engine.spark.inference.predict` of data Spark holds."""
    from learninspy.engine.spark.inference import predict
    return predict(model, data, **options)


def evaluate_distributed(model, data, predictions, measure):
    """:func:`learninspy.engine.spark.inference.evaluate` of data Spark holds."""
    from learninspy.engine.spark.inference import evaluate
    return evaluate(model, data, predictions, measure)



def save_model(model, path, extra=None):
    """:func:`learninspy.engine.files.save_model`: a model file, local or on a Hadoop file
    system."""
    from learninspy.engine.files import save_model as save
    save(model, path, extra)


def load_model(path, with_extra=False):
    """:func:`learninspy.engine.files.load_model`."""
    from learninspy.engine.files import load_model as load
    return load(path, with_extra)
