"""Training throughput (samples/s) of 784-512-512-10 ReLU, softmax cross-entropy, SGD with
momentum 0.9, float32, on synthetic 60,000 x 784 data, at batch 32, 128 and 512.

Tools: learninspy (its fit, one replica), PyTorch eager, scikit-learn's MLPClassifier and the
hand-written NumPy loop of ``numpy_floor``. Also the achieved GFLOP/s (about 6 x parameters
per sample) against the machine's measured float32 matmul peak.
"""

import time

import numpy as np

from benchmarks import numpy_floor
from benchmarks.common import median_time

SIZES = [784, 512, 512, 10]
LEARNING_RATE, MOMENTUM = 0.01, 0.9
PARAMETERS = sum(a * b + b for a, b in zip(SIZES[:-1], SIZES[1:]))
# forward 2 * params, backward 4 * params, less the first layer's input gradient
FLOP_PER_SAMPLE = 6 * PARAMETERS - 2 * SIZES[0] * SIZES[1]


def matmul_peak(size=2048, repeats=5):
    """float32 matmul GFLOP/s of this machine with the current BLAS threads."""
    a = np.random.default_rng(0).standard_normal((size, size), dtype=np.float32)
    b = a.copy()
    out = np.empty_like(a)
    seconds = median_time(lambda: np.matmul(a, b, out=out), repeats=repeats)
    return 2 * size ** 3 / seconds / 1e9


def _steps(batch, quick):
    return max(20, (4000 if quick else 20000) // batch)


def learninspy_rate(X, y, batch, quick):
    from learninspy.core.layers import Dense
    from learninspy.core.optimization import OptimizerParameters
    from learninspy.core.sequential import Sequential
    from learninspy.core.stops import criterion
    steps = _steps(batch, quick)
    local = min(steps, 50)

    def run():
        model = Sequential([Dense(512, "ReLU"), Dense(512, "ReLU"), Dense(10, "Softmax")],
                           loss="CrossEntropy", input_shape=(784,), seed=0)
        params = OptimizerParameters("GD", {"step-rate": LEARNING_RATE, "momentum": MOMENTUM},
                                     stops=[criterion["MaxIterations"](local)], sampling="fresh",
                                     keep_state=True, merge_criter="avg")
        model.fit((X, y), mini_batch=batch, parallelism=1, valid_iters=10 ** 9,
                  stops=[criterion["MaxIterations"](steps // local)], optimizer_params=params)
    return (steps // local) * local * batch / median_time(run)


def torch_rate(X, y, batch, quick):
    import torch
    torch.manual_seed(0)
    steps = _steps(batch, quick)
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
    return steps * batch / median_time(run)


def sklearn_rate(X, y, batch, quick):
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    n = min(len(X), _steps(batch, quick) * batch)

    def run():
        model = MLPClassifier(SIZES[1:-1], solver="sgd", learning_rate_init=LEARNING_RATE,
                              momentum=MOMENTUM, nesterovs_momentum=False, batch_size=batch,
                              max_iter=1, alpha=0.0, random_state=0, shuffle=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X[:n], y[:n])
    return n / median_time(run)


def numpy_rate(X, y, batch, quick):
    steps = _steps(batch, quick)
    return steps * batch / median_time(lambda: numpy_floor.train(X, y, SIZES, batch, steps))


TOOLS = {"learninspy": learninspy_rate, "PyTorch": torch_rate, "scikit-learn": sklearn_rate,
         "NumPy floor": numpy_rate}


def run(X, y, batches=(32, 128, 512), quick=False, tools=None):
    """{batch: {tool: samples/s}} plus the peak and the flop count."""
    peak = matmul_peak()
    rates = {}
    for batch in batches:
        rates[batch] = {}
        for name, function in TOOLS.items():
            if tools is not None and name not in tools:
                continue
            try:
                rates[batch][name] = function(X, y, batch, quick)
            except ImportError as missing:
                rates[batch][name] = None
                print(f"  {name}: not installed ({missing.name}); install the 'bench' extra")
    return {"rates": rates, "peak_gflops": peak, "flop_per_sample": FLOP_PER_SAMPLE,
            "ceiling": peak * 1e9 / FLOP_PER_SAMPLE}


if __name__ == "__main__":
    from benchmarks.common import synthetic
    X, y = synthetic(60000)
    started = time.perf_counter()
    result = run(X, y, quick=True)
    for batch, rates in result["rates"].items():
        print(batch, {k: round(v) if v else v for k, v in rates.items()})
    print(f"peak {result['peak_gflops']:.1f} GFLOP/s, ceiling {result['ceiling']:.0f} samples/s,"
          f" {time.perf_counter() - started:.0f}s")
