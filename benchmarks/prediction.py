"""Prediction throughput (samples/s) of 784-512-512-10 at batch 1,000 and 10,000."""

import statistics

import numpy as np

from benchmarks.common import median_time
from benchmarks.numpy_floor import NumpyMLP

SIZES = [784, 512, 512, 10]


def run(X, batches=(1000, 10000), repeats=5):
    from learninspy.core.layers import Dense
    from learninspy.core.sequential import Sequential
    model = Sequential([Dense(512, "ReLU"), Dense(512, "ReLU"), Dense(10, "Softmax")],
                       loss="CrossEntropy", input_shape=(784,), seed=0)
    floor = NumpyMLP(SIZES, 32)
    tools = {"learninspy": model.predict, "NumPy floor": floor.predict}
    try:
        import torch
        net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(),
                                  torch.nn.Linear(512, 512), torch.nn.ReLU(),
                                  torch.nn.Linear(512, 10), torch.nn.Softmax(dim=1)).eval()

        def torch_predict(batch):
            with torch.no_grad():
                return net(torch.from_numpy(batch)).numpy()
        tools["PyTorch"] = torch_predict
    except ImportError:
        pass
    try:
        import warnings
        from sklearn.neural_network import MLPClassifier
        with warnings.catch_warnings():  # one iteration is all a prediction benchmark needs
            warnings.simplefilter("ignore")
            sk = MLPClassifier(SIZES[1:-1], max_iter=1).fit(X[:200], np.arange(200) % 10)
        tools["scikit-learn"] = sk.predict_proba
    except ImportError:
        pass
    result = {}
    for batch in batches:  # the tools take turns, as in the throughput benchmark
        inputs = X[:batch]
        for predict in tools.values():
            predict(inputs)  # warm-up
        seconds = {name: [] for name in tools}
        for _ in range(repeats):
            for name, predict in tools.items():
                seconds[name].append(median_time(lambda: predict(inputs), repeats=1, warmup=0))
        result[batch] = {name: batch / statistics.median(times)
                         for name, times in seconds.items()}
    return result
