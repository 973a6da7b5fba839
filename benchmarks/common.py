"""What every benchmark shares: timing with warm-up and medians, the machine's description,
the data, and the MNIST split.

Every figure follows the same protocol: one warm-up run, then the median of ``repeats`` runs,
all tools on the same data, network, dtype (float32), optimizer and batch, in one process
run on one machine, so that ratios between tools are meaningful even on a noisy machine.
"""

import json
import os
import platform
import statistics
import time
from importlib import metadata

import numpy as np


def median_time(function, repeats=3, warmup=1):
    """Median wall time (s) of ``function()`` over ``repeats`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def environment():
    """Versions, BLAS and threads of this run, recorded beside every result."""
    from threadpoolctl import threadpool_info
    cpu = ""
    try:
        with open("/proc/cpuinfo") as stream:
            cpu = next(line.split(":", 1)[1].strip() for line in stream
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    blas = [{k: info.get(k) for k in ("internal_api", "version", "num_threads", "architecture")}
            for info in threadpool_info() if info.get("user_api") == "blas"]
    return {
        "python": platform.python_version(), "platform": platform.platform(), "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else
        os.cpu_count(),
        "numpy": np.__version__, "blas": blas,
        "learninspy": _version("learninspy"), "torch": _version("torch"),
        "scikit-learn": _version("scikit-learn"), "pyspark": _version("pyspark"),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def synthetic(n, features=784, classes=10, seed=0):
    """A learnable synthetic classification set: float32 features, labels from a random
    linear teacher (so accuracy curves mean something)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, features), dtype=np.float32)
    teacher = rng.standard_normal((features, classes), dtype=np.float32)
    y = (X @ teacher).argmax(axis=1)
    return X, y


def mnist_split(seed=123):
    """MNIST-5k scaled to [0, 1], stratified 70/15/15 (train, valid, test) as arrays."""
    from learninspy.utils.data import LocalLabeledDataSet, load_mnist, split_data
    digits = load_mnist()
    digits = LocalLabeledDataSet((digits.features / 255.0, digits.labels))
    return [(d.features, d.labels.astype(np.int64))
            for d in split_data(digits, [0.7, 0.15, 0.15], seed=seed, balanced=True)]


def torch_steps(model, optimizer, loss, inputs, targets, batch, steps, generator):
    """``steps`` PyTorch training steps, each on ``batch`` rows drawn with ``generator``."""
    import torch
    for _ in range(steps):
        index = torch.randint(len(inputs), (batch,), generator=generator)
        optimizer.zero_grad()
        loss(model(inputs[index]), targets[index]).backward()
        optimizer.step()


def table(header, rows):
    """A Markdown table, columns right-aligned."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(str(c).rjust(w) for c, w in zip(r, widths)) + " |"
    rule = "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|"
    return "\n".join([line(header), rule] + [line(r) for r in rows])


def number(value, digits=0):
    """``value`` with thousands separators, or '-' for None."""
    return "-" if value is None else f"{value:,.{digits}f}"


def ratio(a, b):
    """``a / b`` as '1.23x', or '-' when either is missing."""
    return number(a / b, 2) + "x" if a and b else "-"


def save_json(path, data):
    with open(path, "w") as stream:
        json.dump(data, stream, indent=2, default=float)
