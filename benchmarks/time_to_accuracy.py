"""Time to accuracy on MNIST-5k (seeded stratified 70/15/15 split): wall time of training until
the test accuracy first reaches 0.90 and 0.93, and the best accuracy reached within a budget
(60 s; less with --quick). The clock stops while the test set is scored.

Every tool trains 784-256-128-10 ReLU with dropout 0.2 on the hidden layers, softmax
cross-entropy, SGD with momentum 0.9 at step 0.05, batches of 64, float32, and is scored every
``EVERY`` steps -- except scikit-learn, which has no dropout and is scored once per epoch, and
Spark MLlib's MultilayerPerceptronClassifier, which only offers L-BFGS (layers [784, 128, 10]).

Each tool's accuracies are the same from run to run (every tool is seeded); only its speed
varies with the machine. So :func:`run` takes each tool's curve from one run over the whole
budget and its times to the thresholds as medians over that run and more runs that stop at the
last threshold, the tools taking turns after a warm-up.
"""

import statistics
import time

import numpy as np

from benchmarks.common import torch_steps

SIZES = [784, 256, 128, 10]
RATE, MOMENTUM, BATCH, EVERY = 0.05, 0.9, 64, 100
THRESHOLDS = (0.90, 0.93)


class Curve:
    """(training seconds, test accuracy) points; evaluation time is not counted. Training is
    over once it has used the budget, or has reached the accuracy ``until``."""

    def __init__(self, budget, until=None):
        self.budget, self.until, self.points, self.training = budget, until, [], 0.0

    def add(self, seconds, accuracy):
        """Record one point; True when training is over."""
        self.training += seconds
        self.points.append((self.training, float(accuracy)))
        return self.training >= self.budget or (self.until is not None and accuracy >= self.until)

    def summary(self):
        reached = {f"time_to_{t:.2f}": next((s for s, a in self.points if a >= t), None)
                   for t in THRESHOLDS}
        inside = [a for s, a in self.points if s <= self.budget]
        return dict(reached, best=max(inside, default=None), points=self.points)


def learninspy_curve(data, budget, until=None, engine=None, parallelism=1):
    from learninspy.core.model import NetworkParameters, NeuralNetwork
    from learninspy.core.optimization import OptimizerParameters
    from learninspy.core.stops import criterion
    (X, y), _, (Xt, yt) = data
    network = NeuralNetwork(NetworkParameters(SIZES, dropout_ratios=[0.0, 0.2, 0.2],
                                              strength_l1=0.0, strength_l2=0.0, seed=0))
    params = OptimizerParameters("GD", {"step-rate": RATE, "momentum": MOMENTUM},
                                 stops=[criterion["MaxIterations"](EVERY)], sampling="fresh",
                                 keep_state=True, merge_criter="avg")
    curve = Curve(budget, until)
    while True:
        started = time.perf_counter()
        network.fit((X, y), mini_batch=BATCH, parallelism=parallelism, valid_iters=10 ** 9,
                    stops=[criterion["MaxIterations"](1)], optimizer_params=params, engine=engine)
        if curve.add(time.perf_counter() - started, network.evaluate((Xt, yt), measure="Accuracy")):
            return curve.summary()


def torch_curve(data, budget, until=None):
    import torch
    torch.manual_seed(0)
    (X, y), _, (Xt, yt) = data
    X, y, Xt = torch.from_numpy(X), torch.from_numpy(y), torch.from_numpy(Xt)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                torch.nn.Linear(128, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=RATE, momentum=MOMENTUM)
    loss = torch.nn.CrossEntropyLoss()
    curve, generator = Curve(budget, until), torch.Generator().manual_seed(0)
    while True:
        started = time.perf_counter()
        model.train()
        torch_steps(model, optimizer, loss, X, y, BATCH, EVERY, generator)
        seconds = time.perf_counter() - started
        model.eval()
        with torch.no_grad():
            accuracy = (model(Xt).argmax(1).numpy() == yt).mean()
        if curve.add(seconds, accuracy):
            return curve.summary()


def sklearn_curve(data, budget, until=None):
    from sklearn.neural_network import MLPClassifier
    (X, y), _, (Xt, yt) = data
    model = MLPClassifier(SIZES[1:-1], solver="sgd", learning_rate_init=RATE, momentum=MOMENTUM,
                          nesterovs_momentum=False, batch_size=BATCH, alpha=0.0, random_state=0)
    curve, classes = Curve(budget, until), np.arange(10)
    while True:
        started = time.perf_counter()
        model.partial_fit(X, y, classes=classes)
        if curve.add(time.perf_counter() - started, model.score(Xt, yt)):
            return curve.summary()


TOOLS = {"learninspy": learninspy_curve, "PyTorch": torch_curve, "scikit-learn": sklearn_curve}


def run(data, budget, rounds=3):
    """{tool: summary} of every installed tool in ``TOOLS``: the points and the best accuracy
    of one run over the whole budget, and the times to the thresholds as medians of ``rounds``
    runs (that one, and runs stopped at the last threshold)."""
    curves = {}
    for name, curve in TOOLS.items():
        try:
            curve(data, 1.0, until=THRESHOLDS[0])  # warm-up
        except ImportError as missing:
            print(f"  {name}: not installed ({missing.name}); install the 'bench' extra")
            continue
        curves[name] = curve
    results = {name: curve(data, budget) for name, curve in curves.items()}
    runs = {name: [summary] for name, summary in results.items()}
    for _ in range(rounds - 1):
        for name, curve in curves.items():
            runs[name].append(curve(data, budget, until=THRESHOLDS[-1]))
    for name, summary in results.items():
        for key in (f"time_to_{t:.2f}" for t in THRESHOLDS):
            times = [run[key] for run in runs[name]]
            summary[key] = None if None in times else statistics.median(times)
            summary[key + "_runs"] = times
    return results


def mllib_curve(data, budget, session, iterations=(10, 25, 50, 100, 200)):
    """MLlib's MLP with L-BFGS: one fit per number of ``iterations`` (it cannot be resumed);
    the time of each fit, and of building its DataFrames once, is reported. Its time to an
    accuracy is that of the first fit reaching it."""
    from pyspark.ml.classification import MultilayerPerceptronClassifier
    from pyspark.ml.linalg import Vectors
    (X, y), _, (Xt, yt) = data
    started = time.perf_counter()
    train = session.createDataFrame([(Vectors.dense(r), float(l)) for r, l in zip(X, y)],
                                    ["features", "label"]).cache()
    test = session.createDataFrame([(Vectors.dense(r), float(l)) for r, l in zip(Xt, yt)],
                                   ["features", "label"]).cache()
    train.count(), test.count()
    preparation = time.perf_counter() - started
    points = []
    for count in iterations:
        started = time.perf_counter()
        model = MultilayerPerceptronClassifier(layers=[784, 128, 10], maxIter=count,
                                               blockSize=128, seed=0).fit(train)
        seconds = time.perf_counter() - started
        predicted = np.array([r.prediction for r in model.transform(test).select("prediction")
                              .collect()])
        points.append((seconds, float((predicted == yt).mean())))
        if seconds > budget:
            break
    curve = Curve(budget)
    curve.points = points
    return dict(curve.summary(), preparation=preparation)
