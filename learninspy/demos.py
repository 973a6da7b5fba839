"""Ready-made trainings on the data sets shipped with learninspy and on the seed tasks.

``learninspy demo NAME`` runs one and prints its test metrics; the scripts of ``examples/``
and the test suite use the same functions. Each demo splits its data with a fixed seed,
fits its scalers on the training part only, trains a network suited to the task and scores
it on examples it never saw. Read a demo and the helper it calls (``_classification``,
``_regression``) top to bottom to see the whole API at work.

They train with the faster documented options of ``OptimizerParameters`` (``sampling='fresh'``,
``keep_state=True``): the documented default scheme learns slower (see the README).
"""

import os
import time
from dataclasses import dataclass, field

import numpy as np

from learninspy.core.autoencoder import StackedAutoencoder
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import criterion
from learninspy.utils import data as datasets
from learninspy.utils.data import LocalLabeledDataSet, StandardScaler
from learninspy.utils.evaluation import metrics_table
from learninspy.utils.registry import NamedDict
from learninspy.utils.scaling import ScaledModel

__all__ = ["DEMOS", "DemoResult", "run_demo", "format_metrics", "write_plots"]


@dataclass
class DemoResult:
    """What a demo reached.

    Attributes:
        name: the demo's name.
        model: the trained network with the scalers of its data (``model.model`` is the
            network).
        test: the test set, in the data's own units.
        metrics: test metrics, name -> value (regression errors in the targets' units).
        seconds: training time.
        task: one line describing the task.
    """

    name: str
    model: ScaledModel
    test: LocalLabeledDataSet
    metrics: dict = field(default_factory=dict)
    seconds: float = 0.0
    task: str = ""

    @property
    def network(self):
        return self.model.model


#: Demos by name: functions (quick=False, engine=None, verbose=1) -> DemoResult.
DEMOS = NamedDict("demo")


def _demo(function):
    DEMOS[function.__name__.removeprefix("demo_")] = function
    return function


def _optimizer(algorithm, options, local_steps):
    """The faster documented scheme: a fresh mini-batch every local step, optimizer state
    carried over between global iterations, replicas averaged."""
    return OptimizerParameters(algorithm, options, stops=[criterion["MaxIterations"](local_steps)],
                               merge_criter="avg", sampling="fresh", keep_state=True)


def _train(name, task, model, train, valid, test, optimizer, iterations, mini_batch, engine,
           verbose, parallelism=1):
    """Fit ``model.model`` on ``train`` (already scaled) and score it on ``test``. With a
    validation set, the model of the best validation score is kept (early stopping)."""
    started = time.perf_counter()
    model.model.fit(train, valid, mini_batch=mini_batch, parallelism=parallelism, valid_iters=10,
                    stops=[criterion["MaxIterations"](iterations)], optimizer_params=optimizer,
                    keep_best=valid is not None, engine=engine, verbose=verbose)
    seconds = time.perf_counter() - started
    return DemoResult(name, model, test, model.metrics(test), seconds, task)


def _classification(name, task, data, units, activation, l2, step_rate, iterations,
                    mini_batch, quick, engine, verbose, parallelism=1):
    """A classification demo: stratified 70/30 split, unscaled features, Adam with 10 local
    steps per global iteration."""
    train, test = datasets.split_data(data, [0.7, 0.3], seed=123, balanced=True)
    network = NeuralNetwork(NetworkParameters(units, activation=activation, strength_l1=0.0,
                                              strength_l2=l2, seed=123))
    return _train(name, task, ScaledModel(network), train, None, test,
                  _optimizer("Adam", {"step-rate": step_rate}, 10),
                  iterations // 5 if quick else iterations, mini_batch, engine, verbose,
                  parallelism)


def _regression(name, task, data, units, dropout, l2, step_rate, iterations, local_steps,
                mini_batch, quick, engine, verbose):
    """A regression demo: standardised features and targets, ReLU hidden layers and an
    Identity output (a ReLU output unit can die and stop learning), Adam, 80/20 split.
    A least-squares linear fit on the same split is reported as the baseline."""
    train, test = datasets.split_data(data, [0.8, 0.2], seed=123)
    feature_scaler = StandardScaler().fit(train)
    target_scaler = StandardScaler().fit(train.labels.reshape(-1, 1))
    activation = ["ReLU"] * (len(units) - 2) + ["Identity"]
    network = NeuralNetwork(NetworkParameters(units, activation=activation, dropout_ratios=dropout,
                                              classification=False, strength_l1=0.0,
                                              strength_l2=l2, seed=123))
    model = ScaledModel(network, feature_scaler, target_scaler)
    result = _train(name, task, model, model.training_data(train), None, test,
                    _optimizer("Adam", {"step-rate": step_rate}, local_steps),
                    iterations // 5 if quick else iterations, mini_batch, engine, verbose)
    result.metrics["linear RMSE"] = _linear_rmse(train, test)
    return result


def _linear_rmse(train, test):
    """Test RMSE of an ordinary least-squares fit (with intercept) on ``train``."""
    design = lambda X: np.column_stack([X, np.ones(len(X))]).astype(np.float64)
    coefficients = np.linalg.lstsq(design(train.features), train.labels, rcond=None)[0]
    return float(np.sqrt(np.mean((design(test.features) @ coefficients - test.labels) ** 2)))


@_demo
def demo_iris(quick=False, engine=None, verbose=1):
    """Iris flowers, 4 -> 10 -> 3 Tanh.

    The measurements (cm) share one scale, so they go in unscaled. On this small sample
    the boundary between versicolor and virginica overfits easily: an L2 penalty of 1e-2
    and the average of 4 replicas per iteration keep it smooth.
    """
    return _classification("iris", "iris species from 4 flower measurements",
                           datasets.load_iris(), [4, 10, 3], "Tanh", 1e-2, 0.01, 150, 32,
                           quick, engine, verbose, parallelism=4)


@_demo
def demo_mnist(quick=False, engine=None, verbose=1):
    """5,000 MNIST digits (seed 002's task), 784 -> 256 -> 128 -> 10 ReLU with dropout, SGD
    with momentum; stratified 70/15/15 split (train, valid, test), keeping the model of the
    best validation score. Pixels are scaled from [0, 255] to [0, 1].

    Two replicas train per iteration, each on its own mini-batches, and are averaged: the
    local engine runs them in two threads of one BLAS thread each, which uses two cores
    better than one replica with two BLAS threads, above all on a busy machine.
    """
    digits = datasets.load_mnist()
    digits = LocalLabeledDataSet((digits.features / 255.0, digits.labels))
    train, valid, test = datasets.split_data(digits, [0.7, 0.15, 0.15], seed=123, balanced=True)
    network = NeuralNetwork(NetworkParameters([784, 256, 128, 10], activation="ReLU",
                                              dropout_ratios=[0.1, 0.3, 0.3], strength_l1=0.0,
                                              strength_l2=1e-4, seed=123))
    return _train("mnist", "handwritten digits 0-9 from 28x28 pixels", ScaledModel(network),
                  train, valid, test, _optimizer("GD", {"step-rate": 0.05, "momentum": 0.9}, 20),
                  10 if quick else 150, 64, engine, verbose, parallelism=2)


@_demo
def demo_ccpp(quick=False, engine=None, verbose=1):
    """Power plant output (MW) from 4 ambient readings, 4 -> 30 -> 1."""
    return _regression("ccpp", "net output (MW) of a power plant from 4 ambient readings",
                       datasets.load_ccpp(), [4, 30, 1], None, 0.0, 0.005, 150, 20, 64,
                       quick, engine, verbose)


@_demo
def demo_boston(quick=False, engine=None, verbose=1):
    """Boston house prices (k$) from 13 features, seed 001's network: 13 -> 32 -> 16 -> 1
    with dropout 0.2 before the output (its batch normalisation left out)."""
    return _regression("boston", "median house value (k$) of Boston towns from 13 features",
                       datasets.load_boston(), [13, 32, 16, 1], [0.0, 0.0, 0.2], 1e-3, 0.005,
                       200, 10, 32, quick, engine, verbose)


@_demo
def demo_moons(quick=False, engine=None, verbose=1):
    """Two interleaving moons (seed 004's task), 1,000 points with noise 0.15, seed 004's
    2 -> 5 -> 2 network with a sigmoid hidden layer."""
    return _classification("moons", "which of two interleaving moons a point of the plane is on",
                           datasets.make_moons(1000, noise=0.15, seed=123), [2, 5, 2],
                           "Sigmoid", 1e-4, 0.05, 100, 64, quick, engine, verbose)


@_demo
def demo_spiral(quick=False, engine=None, verbose=1):
    """Three spiral arms (seed 003's task), 300 points each, seed 003's 2 -> 100 -> 3 ReLU
    network."""
    return _classification("spiral", "which of three spiral arms a point of the plane is on",
                           datasets.make_spiral(300, 3, seed=123), [2, 100, 3], "ReLU", 1e-4,
                           0.02, 100, 32, quick, engine, verbose)


def demo_mnist_sae(quick=False, engine=None, verbose=1):
    """5,000 MNIST digits with a stacked autoencoder 784 -> 256 -> 128 -> 10: each hidden layer
    pre-trained as an autoencoder (ReLU codes, linear decoder, input DropOut 0.2) on the codes
    below, the softmax layer trained on top, then the whole network fine-tuned with labels,
    keeping the best validation model. Reports the test accuracy after both phases."""
    digits = datasets.load_mnist()
    digits = LocalLabeledDataSet((digits.features / 255.0, digits.labels))
    train, valid, test = datasets.split_data(digits, [0.7, 0.15, 0.15], seed=123, balanced=True)
    network = StackedAutoencoder(NetworkParameters([784, 256, 128, 10], activation="ReLU",
                                                   dropout_ratios=[0.0, 0.2, 0.2],
                                                   strength_l1=0.0, strength_l2=1e-4, seed=123),
                                 dropout=[0.2, 0.2])
    optimizer = _optimizer("Adam", {"step-rate": 0.002}, 20)
    options = dict(mini_batch=64, parallelism=1, optimizer_params=optimizer, engine=engine,
                   verbose=verbose)
    started = time.perf_counter()
    network.fit(train, valid, stops=[criterion["MaxIterations"](5 if quick else 30)], **options)
    model = ScaledModel(network)
    pretrained = model.metrics(test)["Accuracy"]
    network.finetune(train, valid, stops=[criterion["MaxIterations"](10 if quick else 100)],
                     keep_best=True, **options)
    seconds = time.perf_counter() - started
    metrics = {"Accuracy after pre-training": pretrained, **model.metrics(test)}
    return DemoResult("mnist-sae", model, test, metrics, seconds,
                      "handwritten digits 0-9, a stacked autoencoder pre-trained then "
                      "fine-tuned")


DEMOS["mnist-sae"] = demo_mnist_sae


def run_demo(name, quick=False, engine=None, verbose=1):
    """Run the demo ``name`` (a key of ``DEMOS``); ``quick`` trains briefly, for tests."""
    return DEMOS[name](quick=quick, engine=engine, verbose=verbose)


def format_metrics(result):
    """A readable table of a demo's test metrics."""
    return (f"learninspy demo '{result.name}': {result.task}\n"
            f"test metrics after {result.seconds:.1f}s of training, on {result.test.shape[0]} "
            "held-out examples:\n" + metrics_table({"test": result.metrics}))


def write_plots(result, folder):
    """Save the plots of a demo in ``folder`` (created if missing); returns their paths.

    Always the fitting curves, the activations and the weights; for classification the
    test confusion matrix, and for 2-D data the decision regions.
    """
    from learninspy.utils import plots
    from learninspy.utils.evaluation import ClassificationMetrics
    os.makedirs(folder, exist_ok=True)
    path = lambda kind: os.path.join(folder, f"{result.name}_{kind}.png")
    network = result.network
    written = [path("fitting"), path("activations"), path("neurons")]
    plots.plot_fitting(network, written[0])
    plots.plot_activations(network, written[1])
    plots.plot_neurons(network, path=written[2])
    if network.classification:
        _, predicted = network.evaluate(result.model.training_data(result.test),
                                        predictions=True)
        written.append(path("confusion_matrix"))
        plots.plot_confusion_matrix(ClassificationMetrics(
            (predicted, result.test.labels), network.n_classes), path=written[-1])
    if result.test.shape[1] == 2:
        written.append(path("decision_boundary"))
        plots.plot_decision_boundary(result.model, result.test, path=written[-1])
    if getattr(network, "autoencoders", None):
        written.append(path("autoencoders"))
        plots.plot_autoencoders(network, path=written[-1])
    return written
