"""A new operator in a few lines: a parametric ReLU layer, trained, checked, saved and shipped.

    python examples/custom_layer.py

A layer is a subclass of :class:`learninspy.layers.Layer` with three methods:

* ``build(input_shape, rng, dtype)`` declares the parameters (``add_param``) for examples of
  ``input_shape`` and returns the output shape;
* ``forward(x, training)`` computes the output of a batch, keeping in ``self.cache`` what the
  backward pass needs when ``training`` is true;
* ``backward(grad)`` receives dLoss/doutput, writes dLoss/dparameter into ``self.grads`` and
  returns dLoss/dinput (or None when ``self.propagate_grad`` is false: nothing before the
  layer learns).

Storing the constructor's arguments as attributes of the same names is what lets ``save``,
``load`` and pickling (how models travel to Spark workers) rebuild the layer. Nothing else
is needed: the new layer trains with ``fit`` or in a hand-written loop, shows in
``summary()``, and is saved in the project's format. Loading a model that uses it only needs
its class to be defined (imported) first.
"""

import os
import pickle
import tempfile

import numpy as np

from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import criterion
from learninspy.layers import Dense, Layer, Sequential
from learninspy.tools.checks import check_layer
from learninspy.data.datasets import load_iris
from learninspy.data.labeled import LocalLabeledDataSet
from learninspy.data.splits import split_data


class PReLU(Layer):
    """Parametric ReLU (He et al. 2015): y = x where x > 0, else a x, with one learnt slope a
    per feature.

    Shapes: input (n, ..., features), output the same; slope a (features,).

    Args:
        initial_slope: float, the slopes' initial value (0.25, as in the paper).
        name: optional name shown in summaries.
    """

    def __init__(self, initial_slope=0.25, name=None):
        super().__init__(name)
        self.initial_slope = initial_slope

    def build(self, input_shape, rng, dtype):
        self.add_param("slope", np.full(input_shape[-1], self.initial_slope, dtype=dtype))
        return input_shape

    def forward(self, x, training=False):
        negative = x < 0
        if training:
            self.cache["x"], self.cache["negative"] = x, negative
        return np.where(negative, x * self.params["slope"], x)

    def backward(self, grad):
        x, negative = self.cache["x"], self.cache["negative"]
        # dLoss/da: the gradient times x, where x < 0, summed over everything but features
        slope_grad = np.where(negative, grad * x, 0)
        np.sum(slope_grad.reshape(-1, x.shape[-1]), axis=0, out=self.grads["slope"])
        if not self.propagate_grad:
            return None
        return np.where(negative, grad * self.params["slope"], grad)


def build_model(seed=123):
    return Sequential([Dense(16), PReLU(), Dense(3, activation="Softmax")],
                      loss="CrossEntropy", input_shape=(4,), seed=seed)


def main(verbose=1):
    """Check PReLU's gradients, train it on iris, save and reload, pickle and unpickle.

    Returns:
        tuple (model, test accuracy, largest relative error of the gradient check).
    """
    error = check_layer(PReLU(), (5,))  # float64 finite differences
    train, test = split_data(load_iris(), [0.7, 0.3], seed=123, balanced=True)
    mean, std = train.features.mean(axis=0), train.features.std(axis=0)
    train, test = [LocalLabeledDataSet(((d.features - mean) / std, d.labels))
                   for d in (train, test)]
    model = build_model()
    optimizer = OptimizerParameters("Adam", {"step-rate": 0.01}, merge_criter="avg",
                                    stops=[criterion["MaxIterations"](10)], sampling="fresh",
                                    keep_state=True)
    model.fit(train, None, mini_batch=32, parallelism=2, valid_iters=10,
              stops=[criterion["MaxIterations"](60)], optimizer_params=optimizer)
    accuracy = model.evaluate(test, measure="Accuracy")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "prelu.lea")
        model.save(path)
        loaded = Sequential.load(path)
    shipped = pickle.loads(pickle.dumps(model))  # what a Spark broadcast does
    assert np.array_equal(loaded.predict(test.features), model.predict(test.features))
    assert np.array_equal(shipped.predict(test.features), model.predict(test.features))
    if verbose:
        model.summary()
        print(f"gradient check: largest relative error {error:.1e}")
        print(f"test accuracy {accuracy:.3f}; learnt slopes "
              f"{np.round(model.layers[1].params['slope'], 2)}")
    return model, accuracy, error


if __name__ == "__main__":
    main()
