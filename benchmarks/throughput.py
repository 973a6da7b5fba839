"""Training throughput (samples/s) of 784-512-512-10 ReLU, softmax cross-entropy, SGD with
momentum 0.9, float32, on synthetic 60,000 x 784 data, at batch 32, 128 and 512.

Tools: learninspy (the training loop of one replica of ``fit``), PyTorch eager, scikit-learn's
MLPClassifier and the hand-written NumPy loop of ``numpy_floor``. Also the achieved GFLOP/s
(about 6 x parameters per sample) against the machine's measured float32 matmul peak.
"""

import random
import statistics
import time

import numpy as np

from benchmarks import numpy_floor
from benchmarks.common import median_time

SIZES = [784, 512, 512, 10]
LEARNING_RATE, MOMENTUM = 0.01, 0.9
PARAMETERS = sum(a * b + b for a, b in zip(SIZES[:-1], SIZES[1:]))
# forward 2 * params, backward 4 * params, less the first layer's input gradient
FLOP_PER_SAMPLE = 6 * PARAMETERS - 2 * SIZES[0] * SIZES[1]


def peak_job(size=2048):
    """One 2048 x 2048 float32 product: the machine's matmul peak with the current BLAS
    threads, counted in samples of this network (its FLOP over ``FLOP_PER_SAMPLE``)."""
    a = np.random.default_rng(0).standard_normal((size, size), dtype=np.float32)
    b, out = a.copy(), np.empty_like(a)
    return lambda: np.matmul(a, b, out=out), 2 * size ** 3 / FLOP_PER_SAMPLE


def products_job(batch):
    """A training step that is nothing but its matrix products: the 3 forward products, the
    3 weight gradients and the 2 input gradients of 784-512-512-10 at this batch, with
    preallocated outputs -- the BLAS limit of any NumPy framework."""
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((a, b), dtype=np.float32) for a, b in zip(SIZES, SIZES[1:])]
    acts = [rng.standard_normal((batch, n), dtype=np.float32) for n in SIZES]
    grads = [np.empty_like(w) for w in weights]

    def products():
        for _ in range(10):
            for i, w in enumerate(weights):
                np.matmul(acts[i], w, out=acts[i + 1])
            for i in range(len(weights) - 1, -1, -1):
                np.matmul(acts[i].T, acts[i + 1], out=grads[i])
                if i:
                    np.matmul(acts[i + 1], weights[i].T, out=acts[i])
    return products, 10 * batch


def _steps(batch):
    """Mini-batches per timed run: about 6,000 examples, so that the tools' turns are short
    and a drift of the machine's speed hits them alike."""
    return max(12, 6000 // batch)


def learninspy_job(X, y, batch):
    """The training step as a replica of ``fit`` runs it: ``optimize`` with a fresh,
    class-balanced mini-batch every step, the model's checks at the boundary done once."""
    from learninspy.core.batches import TrainingSet
    from learninspy.core.layers import Dense
    from learninspy.core.optimization import OptimizerParameters, optimize
    from learninspy.core.sequential import Sequential
    from learninspy.core.stops import criterion
    steps = _steps(batch)
    model = Sequential([Dense(512, "ReLU"), Dense(512, "ReLU"), Dense(10, "Softmax")],
                       loss="CrossEntropy", input_shape=(784,), seed=0)
    training_set = TrainingSet.of(model, (X, y))
    params = OptimizerParameters("GD", {"step-rate": LEARNING_RATE, "momentum": MOMENTUM},
                                 stops=[criterion["MaxIterations"](steps)], sampling="fresh",
                                 keep_state=True, merge_criter="avg")
    return (lambda: optimize(model, training_set, params, batch, 0, in_place=True),
            steps * batch)


def torch_job(X, y, batch):
    import torch
    torch.manual_seed(0)
    steps = _steps(batch)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    order = torch.randperm(len(X))

    def run():
        layers = []
        for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
            layers.append(torch.nn.Linear(a, b))
            if i < len(SIZES) - 2:
                layers.append(torch.nn.ReLU())
        model = torch.nn.Sequential(*layers)
        optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
        loss = torch.nn.CrossEntropyLoss()
        per_epoch = len(X) // batch
        for step in range(steps):
            index = order[(step % per_epoch) * batch:(step % per_epoch + 1) * batch]
            optimizer.zero_grad()
            loss(model(Xt[index]), yt[index]).backward()
            optimizer.step()
    return run, steps * batch


def sklearn_job(X, y, batch):
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    n = min(len(X), _steps(batch) * batch)

    def run():
        model = MLPClassifier(SIZES[1:-1], solver="sgd", learning_rate_init=LEARNING_RATE,
                              momentum=MOMENTUM, nesterovs_momentum=False, batch_size=batch,
                              max_iter=1, alpha=0.0, random_state=0, shuffle=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X[:n], y[:n])
    return run, n


def numpy_job(X, y, batch):
    steps = _steps(batch)
    return lambda: numpy_floor.train(X, y, SIZES, batch, steps), steps * batch


TOOLS = {"learninspy": learninspy_job, "PyTorch": torch_job, "scikit-learn": sklearn_job,
         "NumPy floor": numpy_job}


#: seconds of rest before each timed call: BLAS and OpenMP threads spin a while after their
#: work, and would take the cores from the tool that runs next
PAUSE = 0.2


def run(X, y, batches=(32, 128, 512), tools=None, rounds=3, pause=PAUSE):
    """{batch: {tool: samples/s}}, the matrix products alone and the matmul peak included,
    and the flop count.

    At each batch the tools take turns -- a warm-up of each, then ``rounds`` rounds in which
    each runs once, in an order shuffled every round so that none always follows the same
    neighbour -- and each figure is the median of its rounds: the products and the peak are
    timed in the same rounds, so every ratio compares the same moments of a machine whose
    speed drifts.
    """
    shuffle = random.Random(0).shuffle
    rates = {}
    for batch in batches:
        jobs = {}
        for name, make in TOOLS.items():
            if tools is not None and name not in tools:
                continue
            try:
                jobs[name] = make(X, y, batch)
            except ImportError as missing:
                print(f"  {name}: not installed ({missing.name}); install the 'bench' extra")
        jobs["matrix products"], jobs["matmul peak"] = products_job(batch), peak_job()
        seconds = {name: [] for name in jobs}
        for name, (work, _) in jobs.items():
            work()  # warm-up
        order = list(jobs)
        for _ in range(rounds):
            shuffle(order)
            for name in order:
                time.sleep(pause)
                seconds[name].append(median_time(jobs[name][0], repeats=1, warmup=0))
        rates[batch] = {name: jobs[name][1] / statistics.median(times)
                        for name, times in seconds.items()}
    return {"rates": rates, "flop_per_sample": FLOP_PER_SAMPLE}


if __name__ == "__main__":
    from benchmarks.common import synthetic
    X, y = synthetic(60000)
    started = time.perf_counter()
    for batch, rates in run(X, y)["rates"].items():
        print(batch, {k: round(v) for k, v in rates.items()})
    print(f"{time.perf_counter() - started:.0f}s")
