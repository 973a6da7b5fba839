"""Every plot draws headless, returns its Figure, saves a PNG and opens no window."""

import os
import subprocess
import sys

import numpy as np
import pytest

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import criterion
from learninspy.layers import Dense, Sequential
from learninspy.utils import plots
from learninspy.utils.data import make_moons
from learninspy.utils.evaluation import ClassificationMetrics

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def trained():
    data = make_moons(200, seed=0)
    network = NeuralNetwork(NetworkParameters([2, 6, 2], activation="Tanh", seed=0))
    network.fit(data, data, mini_batch=32, parallelism=1, valid_iters=2,
                stops=[criterion["MaxIterations"](6)],
                optimizer_params=OptimizerParameters("Adam", {"step-rate": 0.05}))
    return network, data


def _drawings(trained):
    network, data = trained
    _, predicted = network.evaluate(data, predictions=True)
    digits = NeuralNetwork(NetworkParameters([784, 16, 10]))
    binary = Sequential([Dense(1, activation="Sigmoid")], loss="BinaryCrossEntropy",
                        input_shape=(2,))
    return {
        "fitting": lambda path: plots.plot_fitting(network, path),
        "confusion": lambda path: plots.plot_confusion_matrix(
            ClassificationMetrics((predicted, data.labels), 2), labels=["upper", "lower"],
            path=path),
        "activations": lambda path: plots.plot_activations(network, path),
        "neurons": lambda path: plots.plot_neurons(network, path=path),
        "neurons_as_images": lambda path: plots.plot_neurons(digits, max_images=9, path=path),
        "boundary": lambda path: plots.plot_decision_boundary(network, data, resolution=50,
                                                              path=path),
        "binary_boundary": lambda path: plots.plot_decision_boundary(binary, data, path=path),
        "autoencoders": lambda path: plots.plot_autoencoders(_stacked(), max_images=9,
                                                             path=path),
    }


def _stacked():
    """A StackedAutoencoder 784-12-6-10 pre-trained briefly on 200 digits."""
    from learninspy.core.autoencoder import StackedAutoencoder
    from learninspy.utils.data import load_mnist
    digits = load_mnist()
    network = StackedAutoencoder(NetworkParameters([784, 12, 6, 10]))
    network.fit((digits.features[:200] / 255.0, digits.labels[:200]), mini_batch=32,
                parallelism=1, stops=[criterion["MaxIterations"](2)],
                optimizer_params=OptimizerParameters("Adam", {"step-rate": 0.01}))
    return network


@pytest.mark.parametrize("kind", ["fitting", "confusion", "activations", "neurons",
                                  "neurons_as_images", "boundary", "binary_boundary",
                                  "autoencoders"])
def test_every_plot_saves_a_png_and_opens_no_window(trained, tmp_path, kind):
    import matplotlib.pyplot as plt
    path = tmp_path / f"{kind}.png"
    figure = _drawings(trained)[kind](path)
    assert type(figure).__name__ == "Figure" and figure.axes
    with open(path, "rb") as stream:
        assert stream.read(8) == PNG_SIGNATURE
    assert os.path.getsize(path) > 5000  # something was drawn, not an empty canvas
    assert plt.get_fignums() == []  # show=False: no figure was handed to a window manager


def test_autoencoder_plots_show_images_then_heat_maps():
    figure = plots.plot_autoencoders(_stacked(), max_images=9)
    panels = figure.subfigs
    assert len(panels) == 2
    assert panels[0]._suptitle.get_text() == "autoencoder 1: 784 -> 12"
    assert sum(1 for axes in panels[0].axes if axes.images) == 9  # units drawn as 28x28 images
    assert panels[0].axes[0].images[0].get_array().shape == (28, 28)
    assert panels[1].axes[0].get_title() == "autoencoder 2: 12 -> 6"
    with pytest.raises(ValueError, match=r"trained with fit\(\)"):
        from learninspy.core.autoencoder import StackedAutoencoder
        plots.plot_autoencoders(StackedAutoencoder(NetworkParameters([4, 3, 2])))


def test_what_the_plots_show(trained):
    network, data = trained
    fitting = plots.plot_fitting(network)
    lines = fitting.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["train", "valid"]
    assert list(lines[0].get_xdata()) == [1, 3, 5]  # only the evaluated iterations
    assert len(fitting.axes[1].get_lines()[0].get_xdata()) == 6  # the cost at every iteration
    activations = plots.plot_activations(NetworkParameters([2, 4, 4, 2],
                                                           activation=["Tanh", "ReLU", "ReLU"]))
    assert [a.get_title() for a in activations.axes] == ["Tanh: f(z)", "Tanh: f'(z)",
                                                         "ReLU: f(z)", "ReLU: f'(z)"]
    confusion = plots.plot_confusion_matrix(np.array([[5, 1], [0, 4]]))
    assert [t.get_text() for t in confusion.axes[0].texts] == ["5", "1", "0", "4"]
    digits = plots.plot_neurons(NeuralNetwork(NetworkParameters([784, 16, 10])), max_images=9)
    images = [a for a in digits.axes if a.images and a.images[0].get_array().shape == (28, 28)]
    assert len(images) == 9


def test_plots_refuse_what_they_cannot_draw(trained):
    network, _ = trained
    with pytest.raises(ValueError, match="needs data with 2 features, got 3"):
        plots.plot_decision_boundary(network, (np.zeros((4, 3)), np.zeros(4)))
    with pytest.raises(ValueError, match="history of a fit: train the model first"):
        plots.plot_fitting(NeuralNetwork(NetworkParameters([2, 2])))
    with pytest.raises(ValueError, match="a confusion matrix is square"):
        plots.plot_confusion_matrix(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"image_shape \(5, 5\) does not hold the 784 inputs"):
        plots.plot_neurons(NeuralNetwork(NetworkParameters([784, 10])), image_shape=(5, 5))


def test_matplotlib_is_imported_only_when_a_plot_is_drawn():
    code = ("import sys, learninspy, learninspy.utils.plots, learninspy.demos; "
            "print('matplotlib' in sys.modules)")
    environment = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=environment)
    assert result.stdout.strip() == "False", result.stderr
    code = ("import matplotlib; from learninspy.utils import plots; "
            "plots.plot_activations('Tanh'); print(matplotlib.get_backend())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=environment)
    assert result.stdout.strip().lower() == "agg", result.stderr
