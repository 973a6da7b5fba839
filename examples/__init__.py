"""The tutorials: each script of this folder trains a network on one task with learninspy's
public API, top to bottom, and reports what it reached on examples it never saw.

The task tutorials (``iris``, ``mnist``, ``mnist_sae``, ``ccpp``, ``boston``, ``moons``,
``spiral``) each define ``train(quick=False, engine=None, verbose=1)`` returning a
:class:`DemoResult`; ``learninspy demo NAME`` runs them, for the folder ships with the
package as ``learninspy.demos``. Run one directly with::

    python examples/mnist.py [--quick] [--plots DIR] [--engine local|spark]

The layer-API tutorials (``boston_sequential``, ``spiral_loop``, ``mnist_cnn``,
``custom_layer``) and the configurations of ``learninspy train`` (``*.toml``) sit beside them.
"""

import argparse
import importlib
import os
from dataclasses import dataclass, field

import numpy as np

from learninspy.core.optimization import OptimizerParameters
from learninspy.core.scaled_model import ScaledModel
from learninspy.core.stops import MaxIterations
from learninspy.data.labeled import LocalLabeledDataSet, to_arrays
from learninspy.metrics import ClassificationMetrics, metrics_table

__all__ = ["DEMOS", "DemoResult", "run_demo", "main", "report", "faster_scheme",
           "linear_rmse", "format_metrics", "write_plots"]

#: The task tutorials, by the name ``learninspy demo`` takes.
DEMOS = {"mnist": "mnist", "mnist-sae": "mnist_sae", "iris": "iris", "ccpp": "ccpp",
         "boston": "boston", "moons": "moons", "spiral": "spiral"}


@dataclass
class DemoResult:
    """What a tutorial reached.

    Attributes:
        name: the tutorial's name.
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


def faster_scheme(algorithm, options, local_steps):
    """The optimizer settings every tutorial trains with: a fresh mini-batch at every local
    step and the optimizer's state carried between global iterations (learninspy 0.1's
    scheme, one sample per replica and a fresh optimizer every iteration, learns slower; see
    the README), replicas averaged plainly."""
    return OptimizerParameters(algorithm, options, stops=[MaxIterations(local_steps)],
                               merge_criter="avg", sampling="fresh", keep_state=True)


def run_demo(name, quick=False, engine=None, verbose=1):
    """Run the tutorial ``name`` (a key of :data:`DEMOS`); ``quick`` trains briefly."""
    if name not in DEMOS:
        raise ValueError(f"unknown demo {name!r}; valid choices are {list(DEMOS)}")
    module = importlib.import_module(f"{__name__}.{DEMOS[name]}")
    return module.train(quick=quick, engine=engine, verbose=verbose)


def format_metrics(result):
    """A readable table of a tutorial's test metrics."""
    return (f"learninspy demo '{result.name}': {result.task}\n"
            f"test metrics after {result.seconds:.1f}s of training, on {result.test.shape[0]} "
            "held-out examples:\n" + metrics_table({"test": result.metrics}))


def write_plots(result, folder):
    """Save the plots of a tutorial in ``folder`` (created if missing); returns their paths.

    Always the fitting curves, the activations and the weights; for classification the
    test confusion matrix, and for 2-D data the decision regions.
    """
    from learninspy.tools import plots
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


def linear_rmse(train, test):
    """Test RMSE of an ordinary least-squares fit (with intercept) on ``train``: the
    baseline of the regression tutorials. Both are data sets or (features, targets) pairs."""
    (x, y), (x_test, y_test) = to_arrays(train, np.float64), to_arrays(test, np.float64)
    design = lambda X: np.column_stack([X, np.ones(len(X))])
    coefficients = np.linalg.lstsq(design(x), y, rcond=None)[0]
    return float(np.sqrt(np.mean((design(x_test) @ coefficients - y_test) ** 2)))


def report(result, plots=None):
    """Print the network and its test metrics; write its plots to the folder ``plots``."""
    print(result.network.summary(print_fn=None))
    print(format_metrics(result))
    if plots:
        for path in write_plots(result, plots):
            print(f"plot written to {path}")


def main(train, argv=None):
    """Command line of a tutorial script: train, then :func:`report`. Returns the exit
    code."""
    parser = argparse.ArgumentParser(description=(train.__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="train briefly")
    parser.add_argument("--plots", metavar="DIR", help="write the plots to this folder")
    parser.add_argument("--engine", choices=["local", "spark"], default=None,
                        help="where replicas run (default: local)")
    arguments = parser.parse_args(argv)
    report(train(quick=arguments.quick, engine=arguments.engine, verbose=1), arguments.plots)
    return 0
