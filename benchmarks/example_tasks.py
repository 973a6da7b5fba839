"""The example tasks -- iris, moons, spiral, CCPP, Boston -- trained by learninspy, PyTorch and
scikit-learn: quality on the held-out part and training time.

Every tool trains the network of learninspy's demo for the task (``learninspy.demos``) on the
same seeded split, with the same scaling, Adam at the demo's step rate and the demo's batch
size. learninspy runs its demo as ``learninspy demo NAME`` does; PyTorch takes as many Adam
steps as one replica of the demo takes; scikit-learn stops by its own convergence rule.
"""

import time
import warnings

import numpy as np

from benchmarks.common import torch_steps

#: task -> (data, split, stratified, scaled, hidden units, activation, step rate, batch, steps)
TASKS = {
    "iris": ("iris", [0.7, 0.3], True, False, [10], "tanh", 0.01, 32, 150 * 10),
    "moons": ("moons", [0.7, 0.3], True, False, [5], "logistic", 0.05, 64, 100 * 10),
    "spiral": ("spiral", [0.7, 0.3], True, False, [100], "relu", 0.02, 32, 100 * 10),
    "ccpp": ("ccpp", [0.8, 0.2], False, True, [30], "relu", 0.005, 64, 150 * 20),
    "boston": ("boston", [0.8, 0.2], False, True, [32, 16], "relu", 0.005, 32, 200 * 10),
}


def _data(name):
    from learninspy.utils import data
    return {"iris": data.load_iris, "ccpp": data.load_ccpp, "boston": data.load_boston,
            "moons": lambda: data.make_moons(1000, noise=0.15, seed=123),
            "spiral": lambda: data.make_spiral(300, 3, seed=123)}[name]()


def _split(task):
    from learninspy.utils.data import split_data
    name, fractions, balanced, scaled = TASKS[task][:4]
    train, test = split_data(_data(name), fractions, seed=123, balanced=balanced)
    X, y, Xt, yt = train.features, train.labels, test.features, test.labels
    if scaled:  # features and targets standardised with the training part's statistics
        mean, std = X.mean(axis=0), X.std(axis=0)
        X, Xt = (X - mean) / std, (Xt - mean) / std
    return X.astype(np.float32), y, Xt.astype(np.float32), yt


def _quality(classification, predicted, actual):
    if classification:
        return {"accuracy": float(np.mean(predicted == actual))}
    return {"RMSE": float(np.sqrt(np.mean((predicted - actual) ** 2)))}


def learninspy_task(task):
    from learninspy.demos import run_demo
    result = run_demo(task, verbose=0)
    metrics = result.metrics
    quality = ({"accuracy": metrics["Accuracy"]} if "Accuracy" in metrics
               else {"RMSE": metrics["RMSE"]})
    return dict(quality, seconds=result.seconds)


def sklearn_task(task):
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    X, y, Xt, yt = _split(task)
    hidden, activation, rate, batch = TASKS[task][4:8]
    classification = task in ("iris", "moons", "spiral")
    kind = MLPClassifier if classification else MLPRegressor
    model = kind(hidden_layer_sizes=hidden, activation=activation, solver="adam",
                 learning_rate_init=rate, batch_size=batch, max_iter=500, random_state=0)
    mean, std = (0.0, 1.0) if classification else (y.mean(), y.std())
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, (y - mean) / std if not classification else y)
    seconds = time.perf_counter() - started
    predicted = model.predict(Xt) * std + mean
    return dict(_quality(classification, predicted, yt), seconds=seconds)


def torch_task(task):
    import torch
    torch.manual_seed(0)
    X, y, Xt, yt = _split(task)
    hidden, activation, rate, batch, steps = TASKS[task][4:9]
    classification = task in ("iris", "moons", "spiral")
    mean, std = (0.0, 1.0) if classification else (y.mean(), y.std())
    act = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "logistic": torch.nn.Sigmoid}
    widths = [X.shape[1], *hidden, int(y.max()) + 1 if classification else 1]
    layers = []
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(widths) - 2:
            layers.append(act[activation]())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=rate)
    inputs = torch.from_numpy(X)
    targets = (torch.from_numpy(y.astype(np.int64)) if classification
               else torch.from_numpy(((y - mean) / std).astype(np.float32)).reshape(-1, 1))
    loss = torch.nn.CrossEntropyLoss() if classification else torch.nn.MSELoss()
    generator = torch.Generator().manual_seed(0)
    started = time.perf_counter()
    torch_steps(model, optimizer, loss, inputs, targets, batch, steps, generator)
    seconds = time.perf_counter() - started
    with torch.no_grad():
        output = model(torch.from_numpy(Xt)).numpy()
    predicted = output.argmax(axis=1) if classification else output[:, 0] * std + mean
    return dict(_quality(classification, predicted, yt), seconds=seconds)


TOOLS = {"learninspy": learninspy_task, "PyTorch": torch_task, "scikit-learn": sklearn_task}


def run(tasks=tuple(TASKS)):
    """{task: {tool: {quality, 'seconds'}}}."""
    results = {}
    for task in tasks:
        results[task] = {}
        for name, function in TOOLS.items():
            try:
                results[task][name] = function(task)
            except ImportError:
                print(f"  {name} not installed; install the 'bench' extra")
    return results
