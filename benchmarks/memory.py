"""Peak memory (RSS) of training on 200,000 x 784 float32 (about 630 MB of data).

Each tool runs in a fresh Python process, which measures its own resident set before the data
exists and its peak after a short training; the difference is compared with the bytes of the
data, the model and the optimizer's state.
"""

import json
import subprocess
import sys
import textwrap

ROWS, FEATURES = 200_000, 784

_CHILD = textwrap.dedent("""
    import json, resource, sys
    import numpy as np
    tool = sys.argv[1]
    def rss_mb():
        with open("/proc/self/status") as s:
            return next(int(l.split()[1]) for l in s if l.startswith("VmRSS")) / 1024
    import benchmarks.common, learninspy.core.sequential
    if tool == "PyTorch":
        import torch
    before = rss_mb()
    X, y = benchmarks.common.synthetic({rows})
    data_mb = (X.nbytes + y.nbytes) / 2 ** 20
    if tool == "learninspy":
        from learninspy.core.layers import Dense
        from learninspy.core.optimization import OptimizerParameters
        from learninspy.core.sequential import Sequential
        from learninspy.core.stops import criterion
        model = Sequential([Dense(512, "ReLU"), Dense(512, "ReLU"), Dense(10, "Softmax")],
                           loss="CrossEntropy", input_shape=(784,))
        params = OptimizerParameters("GD", {{"step-rate": 0.01, "momentum": 0.9}},
                                     stops=[criterion["MaxIterations"](50)], sampling="fresh",
                                     keep_state=True, merge_criter="avg")
        model.fit((X, y), mini_batch=128, parallelism=1, valid_iters=10 ** 9,
                  stops=[criterion["MaxIterations"](2)], optimizer_params=params)
        model_mb = 3 * model.count_params * 4 / 2 ** 20  # weights, gradients, velocity
    else:
        net = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(),
                                  torch.nn.Linear(512, 512), torch.nn.ReLU(),
                                  torch.nn.Linear(512, 10))
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
        for step in range(100):
            index = torch.randint(len(Xt), (128,))
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(Xt[index]), yt[index]).backward()
            opt.step()
        model_mb = 3 * sum(p.numel() for p in net.parameters()) * 4 / 2 ** 20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({{"baseline_mb": before, "peak_mb": peak, "used_mb": peak - before,
                       "data_mb": data_mb, "model_mb": model_mb}}))
""").format(rows=ROWS)


def run(tools=("learninspy", "PyTorch")):
    results = {}
    for tool in tools:
        completed = subprocess.run([sys.executable, "-c", _CHILD, tool], capture_output=True,
                                   text=True)
        if completed.returncode != 0:
            results[tool] = {"error": completed.stderr.strip().splitlines()[-1]}
            continue
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        result["ratio"] = result["used_mb"] / (result["data_mb"] + result["model_mb"])
        results[tool] = result
    return results
