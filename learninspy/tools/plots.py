"""Plots of training and of trained networks, drawn with matplotlib.

Every function returns its ``matplotlib.figure.Figure``, saves it when given ``path`` (the
format follows the extension: '.png', '.pdf', '.svg', ...) and opens a window only with
``show=True``. matplotlib is imported when a plot is first drawn, never by ``import
learninspy``; without a display (a server, a CI job) it draws with the 'Agg' backend.

* :func:`plot_fitting` -- train and validation scores and the cost, per iteration;
* :func:`plot_confusion_matrix` -- counts of (actual, predicted) classes;
* :func:`plot_activations` -- a network's activation functions and their derivatives;
* :func:`plot_neurons` -- each layer's weights as a heat map, and the first layer's units
  as images when the input is an image;
* :func:`plot_decision_boundary` -- a model's decision regions over 2-D data.
"""

import math
import os
import sys

import numpy as np

from learninspy.core import activations
from learninspy.data.labeled import to_arrays
from learninspy.metrics import predicted_classes

__all__ = ["plot_fitting", "plot_confusion_matrix", "plot_activations", "plot_neurons",
           "plot_autoencoders", "plot_decision_boundary"]


def _headless():
    return sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                     or os.environ.get("WAYLAND_DISPLAY"))


def _pyplot():
    """matplotlib's pyplot, with the 'Agg' backend when there is no display."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("plots need matplotlib: pip install 'learninspy[plots]'") from None
    if _headless() and "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _figure(show, **options):
    """A new Figure; managed by pyplot (able to open a window) only when it is to be shown,
    so figures that are only saved never accumulate in pyplot's registry."""
    if show:
        return _pyplot().figure(**options)
    _pyplot()  # selects the backend when headless
    from matplotlib.figure import Figure
    return Figure(**options)


def _finish(figure, path, show):
    if path is not None:
        figure.savefig(os.fspath(path), dpi=100, bbox_inches="tight")
    if show:
        _pyplot().show()
    return figure


def plot_fitting(history, path=None, show=False):
    """Scores on the training and validation sets and the cost, per global iteration.

    Args:
        history: a fit's :class:`~learninspy.core.history.History`, or a trained model
            (its ``history``).
        path: optional file to save the figure to.
        show: open a window.

    Returns:
        matplotlib.figure.Figure.
    """
    history = getattr(history, "history", history)
    if history is None or not len(getattr(history, "iterations", ())):
        raise ValueError("plot_fitting needs the history of a fit: train the model first")
    iterations = np.asarray(history.iterations)
    figure = _figure(show, figsize=(10, 4))
    scores, cost = figure.subplots(1, 2)
    for name, series in (("train", history.train), ("valid", history.valid)):
        values = np.asarray(series, dtype=float)
        evaluated = ~np.isnan(values)
        scores.plot(iterations[evaluated], values[evaluated], marker="o", markersize=3,
                    label=name)
    scores.set(title=f"Scores ({history.measure})", xlabel="iteration", ylabel=history.measure)
    scores.legend()
    scores.grid(alpha=0.3)
    values = np.asarray(history.cost, dtype=float)
    cost.plot(iterations, values, color="tab:red")
    if np.all(values[np.isfinite(values)] > 0):
        cost.set_yscale("log")
    cost.set(title="Cost (mean of the replicas)", xlabel="iteration", ylabel="cost")
    cost.grid(alpha=0.3)
    return _finish(figure, path, show)


def plot_confusion_matrix(matrix, labels=None, path=None, show=False):
    """A confusion matrix: counts written in the cells, colours normalised by row.

    Args:
        matrix: (k, k) counts, rows the actual classes and columns the predicted ones, or a
            :class:`~learninspy.metrics.ClassificationMetrics`.
        labels: optional names of the k classes.

    Returns:
        matplotlib.figure.Figure.
    """
    if hasattr(matrix, "confusion_matrix"):
        matrix = matrix.confusion_matrix()
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"a confusion matrix is square, got shape {matrix.shape}")
    k = len(matrix)
    labels = [str(c) for c in range(k)] if labels is None else [str(c) for c in labels]
    if len(labels) != k:
        raise ValueError(f"{len(labels)} labels for a {k}x{k} confusion matrix")
    totals = matrix.sum(axis=1, keepdims=True)
    shares = matrix / np.where(totals > 0, totals, 1)
    figure = _figure(show, figsize=(1.0 + 0.6 * k, 0.8 + 0.6 * k))
    axes = figure.subplots()
    image = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    for (i, j), count in np.ndenumerate(matrix):
        axes.text(j, i, str(count), ha="center", va="center",
                  color="white" if shares[i, j] > 0.5 else "black")
    axes.set(xticks=range(k), yticks=range(k), xticklabels=labels, yticklabels=labels,
             xlabel="Predicted", ylabel="Actual", title="Confusion matrix")
    figure.colorbar(image, ax=axes, fraction=0.046, label="share of the actual class")
    return _finish(figure, path, show)


def _activation_names(source):
    """Distinct elementwise activations of a network, its parameters or a list of names."""
    if isinstance(source, str):
        names = [source]
    elif hasattr(source, "layers"):  # a model
        names = [layer.activation for layer in source.layers if hasattr(layer, "activation")]
    elif hasattr(source, "units_layers"):  # NetworkParameters
        names = source.activation[1:]
    else:
        names = list(source)
    names = [name for name in dict.fromkeys(names) if name in activations.names()]
    if not names:
        raise ValueError(f"no elementwise activation to plot in {source!r}; known activations "
                         f"are {activations.names()}")
    return names


def plot_activations(network, path=None, show=False):
    """Each activation of a network and its derivative, over z in [-5, 5].

    Args:
        network: a model, its NetworkParameters, an activation name or a list of names.
            (The softmax of a classification output is not elementwise and is left out.)

    Returns:
        matplotlib.figure.Figure.
    """
    names = _activation_names(network)
    z = np.linspace(-5.0, 5.0, 201)
    figure = _figure(show, figsize=(8, 2.6 * len(names)))
    grid = figure.subplots(len(names), 2, squeeze=False)
    for (function_axes, derivative_axes), name in zip(grid, names):
        record = activations.get(name)
        function_axes.plot(z, record.function(z.copy()))
        derivative_axes.plot(z, record.derivative(z.copy()), color="tab:orange")
        function_axes.set(title=f"{name}: f(z)", xlabel="z")
        derivative_axes.set(title=f"{name}: f'(z)", xlabel="z")
        for axes in (function_axes, derivative_axes):
            axes.grid(alpha=0.3)
            axes.axhline(0.0, color="gray", linewidth=0.5)
    return _finish(figure, path, show)


def _image_shape(network, n_inputs, image_shape):
    """The (height, width) to draw the first layer's inputs as images, or None: the shape
    given, the model's own image input (one channel), or a square of 8x8 or more."""
    if image_shape is not None:
        if int(np.prod(image_shape)) != n_inputs:
            raise ValueError(f"image_shape {tuple(image_shape)} does not hold the {n_inputs} "
                             "inputs of the first layer")
        return tuple(image_shape)
    input_shape = tuple(network.input_shape or ())
    if int(np.prod(input_shape)) != n_inputs:  # the layer does not see the raw input
        return None
    if len(input_shape) >= 2:
        return input_shape[:2] if int(np.prod(input_shape[2:])) == 1 else None
    side = math.isqrt(n_inputs)
    return (side, side) if side * side == n_inputs and side >= 8 else None


def _heat_map(container, axes, w, title):
    limit = float(np.abs(w).max()) or 1.0
    image = axes.imshow(w, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto",
                        interpolation="nearest")
    axes.set(title=title, xlabel="unit", ylabel="input")
    container.colorbar(image, ax=axes)


def _tiles(container, w, shape, max_images, title):
    """The incoming weights of the first ``max_images`` units of ``w`` as images."""
    units = min(w.shape[1], max_images)
    columns = math.ceil(math.sqrt(units))
    grid = container.subplots(math.ceil(units / columns), columns, squeeze=False)
    container.suptitle(title)
    for index, axes in enumerate(grid.flat):
        axes.axis("off")
        if index < units:
            unit = w[:, index].reshape(shape)
            limit = float(np.abs(unit).max()) or 1.0
            axes.imshow(unit, cmap="RdBu_r", vmin=-limit, vmax=limit)


def plot_neurons(network, image_shape=None, max_images=64, path=None, show=False):
    """The weights of every fully connected layer as a heat map (inputs x units) and, when
    the inputs are an image, the incoming weights of the first layer's units as images.

    Args:
        network: a model with dense layers.
        image_shape: (height, width) of the input image; by default a model taking images
            of one channel, or a square input of 8x8 or more (MNIST's 784 = 28x28), has its
            first layer drawn as images, anything else not.
        max_images: int, most units of the first layer drawn as images.

    Returns:
        matplotlib.figure.Figure.
    """
    weights = [(name, layer.params["w"]) for name, layer in
               zip(network.layer_names(), network.layers)
               if "w" in layer.params and layer.params["w"].ndim == 2]
    if not weights:
        raise ValueError("plot_neurons needs a model with dense layers (weight matrices)")
    shape = _image_shape(network, weights[0][1].shape[0], image_shape)
    figure = _figure(show, figsize=(4 * len(weights), 4 + (5 if shape else 0)),
                     layout="constrained")
    top, bottom = figure.subfigures(2, 1, height_ratios=[4, 5]) if shape else (figure, None)
    for axes, (name, w) in zip(np.atleast_1d(top.subplots(1, len(weights))), weights):
        _heat_map(top, axes, w, f"{name}: W {w.shape[0]}x{w.shape[1]}")
    if shape:
        units = min(weights[0][1].shape[1], max_images)
        _tiles(bottom, weights[0][1], shape, max_images,
               f"{weights[0][0]}: incoming weights of {units} units as images")
    return _finish(figure, path, show)


def plot_autoencoders(network, image_shape=None, max_images=64, path=None, show=False):
    """The encoder weights of every autoencoder of a stacked autoencoder (or of one
    AutoEncoder): as images of the hidden units' incoming weights when its inputs are an
    image (the first autoencoder of MNIST), else as a heat map.

    Args:
        network: a StackedAutoencoder after ``fit``, or an AutoEncoder.
        image_shape: (height, width) of the network's input image (see :func:`plot_neurons`).
        max_images: int, most units drawn as images per autoencoder.

    Returns:
        matplotlib.figure.Figure.
    """
    autoencoders = getattr(network, "autoencoders", None)
    if autoencoders is None and hasattr(network, "encoder_layer"):
        autoencoders = [network]
    if not autoencoders:
        raise ValueError("plot_autoencoders needs a StackedAutoencoder trained with fit() (it "
                         "has no autoencoders yet) or an AutoEncoder")
    first = autoencoders[0].encoder_layer().params["w"]
    shape = _image_shape(autoencoders[0], first.shape[0], image_shape)
    figure = _figure(show, figsize=(5 * len(autoencoders), 5), layout="constrained")
    panels = np.atleast_1d(figure.subfigures(1, len(autoencoders)))
    for index, (panel, autoencoder) in enumerate(zip(panels, autoencoders)):
        w = autoencoder.encoder_layer().params["w"]
        title = f"autoencoder {index + 1}: {w.shape[0]} -> {w.shape[1]}"
        if index == 0 and shape:
            _tiles(panel, w, shape, max_images, title)
        else:
            _heat_map(panel, panel.subplots(), w, title)
    return _finish(figure, path, show)


def plot_decision_boundary(model, data, resolution=200, path=None, show=False):
    """A model's decision regions over the plane of 2-D data, with the data on top.

    Classification shows the predicted class at every point of a grid; regression, the
    predicted value.

    Args:
        model: a trained model with 2 inputs.
        data: any accepted data set with 2 features (see :mod:`learninspy.data`).
        resolution: int, grid points per axis.

    Returns:
        matplotlib.figure.Figure.
    """
    X, y = to_arrays(data, dtype=np.float64)
    if X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary needs data with 2 features, got "
                         f"{X.shape[1]}")
    margin = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 1e-6
    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs, ys = (np.linspace(low[i], high[i], resolution) for i in range(2))
    grid_x, grid_y = np.meshgrid(xs, ys)
    outputs = model.predict(np.column_stack([grid_x.ravel(), grid_y.ravel()]))
    classification = getattr(model, "classification", outputs.shape[1] > 1)
    figure = _figure(show, figsize=(6, 5))
    axes = figure.subplots()
    if classification:
        n_classes = max(outputs.shape[1], 2)
        regions = predicted_classes(outputs).reshape(grid_x.shape)
        axes.contourf(grid_x, grid_y, regions, levels=np.arange(n_classes + 1) - 0.5,
                      cmap="tab10", vmin=0, vmax=9, alpha=0.3)
        points = axes.scatter(X[:, 0], X[:, 1], c=y.reshape(len(y), -1)[:, 0], cmap="tab10",
                              vmin=0, vmax=9, s=14, edgecolors="black", linewidths=0.4)
        axes.set_title("Decision regions (colour: predicted class; points: actual)")
    else:
        surface = axes.contourf(grid_x, grid_y, outputs[:, 0].reshape(grid_x.shape),
                                levels=20, cmap="viridis", alpha=0.6)
        figure.colorbar(surface, ax=axes, label="prediction")
        points = axes.scatter(X[:, 0], X[:, 1], c=y.reshape(len(y), -1)[:, 0],
                              cmap="viridis", s=14, edgecolors="black", linewidths=0.4)
        axes.set_title("Predictions over the plane (points: actual values)")
    points.set_zorder(2)
    axes.set(xlabel="feature 0", ylabel="feature 1", xlim=(low[0], high[0]),
             ylim=(low[1], high[1]))
    return _finish(figure, path, show)
