"""Run every benchmark, print one report, and write it to ``benchmarks/results/``.

    python -m benchmarks.run            # full run (make bench)
    python -m benchmarks.run --quick    # smaller sizes, fewer rounds (make bench-quick)
    python -m benchmarks.run --only throughput,prediction

Writes ``results/latest.md`` (the tables), ``results/latest.json`` (every number and the
environment) and ``results/time_to_accuracy.png`` (accuracy against training time).
"""

import argparse
import os
import sys
import time

from benchmarks import common

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
SECTIONS = ("fit", "throughput", "accuracy", "prediction", "memory", "seeds", "search", "spark",
            "spark-ml", "spark-cluster")


_table, _number = common.table, common.number


def fit_section(report, quick):
    from benchmarks import fit_speed
    result = fit_speed.run(quick)
    report["fit"] = result
    return "Fit speed", fit_speed.describe(result)


def throughput_section(report, quick):
    from benchmarks import throughput
    X, y = common.synthetic(60000)
    rounds = 3 if quick else 15
    result = throughput.run(X, y, rounds=rounds)
    tools = list(throughput.TOOLS)
    rows = []
    for batch, rates in result["rates"].items():
        ours = rates.get("learninspy")
        ratio = lambda tool: (_number(ours / rates[tool], 2) + "x"
                              if ours and rates.get(tool) else "-")
        share = lambda reference: _number(100 * ours / rates[reference], 0) + "%" if ours else "-"
        rows.append([batch] + [_number(rates.get(t)) for t in tools]
                    + [ratio("PyTorch"), ratio("NumPy floor"), ratio("scikit-learn"),
                       share("matrix products"), share("matmul peak")])
    text = _table(["batch"] + tools + ["vs PyTorch", "vs NumPy floor", "vs scikit-learn",
                                       "of the products", "of peak"], rows)
    per_batch = lambda describe: ", ".join(f"{describe(r)} at {b}"
                                           for b, r in result["rates"].items())
    flop = result["flop_per_sample"]
    text += ("\n\nSamples/s, 784-512-512-10 ReLU, SGD momentum 0.9, float32, synthetic "
             f"60,000 x 784; the tools take turns in shuffled order, {rounds} rounds of about "
             f"6,000 examples each, {throughput.PAUSE} s of rest before each, medians. 'Of "
             "the products': against the step's 8 matrix products alone ("
             + per_batch(lambda r: f"{_number(r['matrix products'])} samples/s")
             + "). 'Of peak': against a 2048 x 2048 float32 product timed in the same rounds ("
             + per_batch(lambda r: f"{r['matmul peak'] * flop / 1e9:.0f} GFLOP/s")
             + f"), counting {flop / 1e6:.1f} MFLOP per sample.")
    report["throughput"] = result
    return "Training throughput", text


def _accuracy_table(curves, budget, once=()):
    rows = [[name, _number(c["time_to_0.90"], 2), _number(c["time_to_0.93"], 2),
             _number(c["best"], 3)] for name, c in curves.items()]
    return _table(["tool", "s to 0.90", "s to 0.93", f"best in {budget} s"], rows) + (
        "\n\nMNIST-5k, stratified 70/15/15 split (test: 750 digits); seconds of training, "
        "scoring excluded; times to an accuracy are medians of 3 runs"
        + (f" ({' and '.join(once)}: one run)." if once else "."))


def accuracy_section(report, quick):
    from benchmarks import time_to_accuracy as tta
    data = common.mnist_split()
    budget = 6 if quick else 60
    curves = tta.run(data, budget)
    report["accuracy"] = curves
    report["accuracy_budget"] = budget
    _plot_curves(curves)
    return "Time to accuracy", _accuracy_table(curves, budget)


def _plot_curves(curves):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    figure, axes = plt.subplots(figsize=(7, 4))
    for name, curve in curves.items():
        if curve["points"]:
            seconds, accuracy = zip(*curve["points"])
            axes.plot(seconds, accuracy, marker=".", label=name)
    axes.set(xlabel="training time (s)", ylabel="test accuracy", ylim=(0.8, 1.0),
             title="MNIST-5k: test accuracy against training time")
    axes.axhline(0.93, color="grey", linewidth=0.5)
    axes.legend()
    figure.tight_layout()
    figure.savefig(os.path.join(RESULTS, "time_to_accuracy.png"), dpi=100)
    plt.close(figure)


def prediction_section(report, quick):
    from benchmarks import prediction
    X, _ = common.synthetic(10000)
    result = prediction.run(X, repeats=5 if quick else 9)
    tools = sorted({t for rates in result.values() for t in rates})
    rows = [[batch] + [_number(rates.get(t)) for t in tools] for batch, rates in result.items()]
    report["prediction"] = result
    return "Prediction throughput", _table(["batch"] + tools, rows) + \
        "\n\nSamples/s, 784-512-512-10."


def memory_section(report, quick):
    from benchmarks import memory
    result = memory.run()
    rows = [[tool, _number(r.get("data_mb")), _number(r.get("model_mb"), 1),
             _number(r.get("used_mb")), _number(r.get("ratio"), 2)]
            for tool, r in result.items()]
    report["memory"] = result
    return "Peak memory", _table(["tool", "data MB", "model+optimizer MB", "peak RSS MB",
                                  "ratio"], rows) + \
        "\n\nTraining 784-512-512-10 on 200,000 x 784 float32; peak RSS above the process's " \
        "own baseline, against data + weights + gradients + velocity."


def seeds_section(report, quick):
    from benchmarks import example_tasks
    result = example_tasks.run(("iris", "moons") if quick else tuple(example_tasks.TASKS))
    tools = list(example_tasks.TOOLS)
    rows = []
    for task, by_tool in result.items():
        measure = "accuracy" if "accuracy" in next(iter(by_tool.values())) else "RMSE"
        rows.append([task, measure] + [
            f"{by_tool[t][measure]:.3f} in {by_tool[t]['seconds']:.1f}s" if t in by_tool else "-"
            for t in tools])
    report["seeds"] = result
    return "Example tasks", _table(["task", "test measure"] + tools, rows) + \
        "\n\nHeld-out quality and training time of each demo's network on its seeded split; " \
        "RMSE in the targets' units (MW for CCPP, k$ for Boston)."


def search_section(report, quick):
    from benchmarks import search_workers
    result = search_workers.run(quick=quick)
    report["search"] = result
    ratio = result["seconds"][2] / result["seconds"][1]
    return "Random search", (
        f"{result['candidates']} candidates of the spiral network (2-100-3, "
        f"{result['iterations']} iterations each): one worker process "
        f"{result['seconds'][1]:.1f}s, two {result['seconds'][2]:.1f}s, ratio {ratio:.2f} "
        "(target < 0.7); the same table of scores both ways: "
        f"{result['same_table']}.")


def spark_section(report, quick):
    from benchmarks import spark_engine
    result = spark_engine.run(quick=quick)
    report["spark"] = result
    text = spark_engine.describe(result, report.get("accuracy", {}).get("learninspy"))
    if "accuracy" in report:  # one table and one plot with every tool
        spark_curves = {"learninspy on Spark local[2]": result["accuracy"]["learninspy"],
                        "Spark MLlib MLP": result["accuracy"]["MLlib"]}
        curves = {**report["accuracy"], **spark_curves}
        _plot_curves(curves)
        text += "\n\nTime to accuracy, every tool:\n\n" + _accuracy_table(
            curves, report["accuracy_budget"], once=list(spark_curves))
    return "Spark engine", text


def spark_ml_section(report, quick):
    from benchmarks import spark_ml
    result = spark_ml.run(quick=quick)
    report["spark-ml"] = result
    return "Spark ML and DataFrames", spark_ml.describe(result)


def spark_cluster_section(report, quick):
    from benchmarks import spark_cluster
    result = spark_cluster.run(quick=quick)
    report["spark-cluster"] = result
    return "Spark standalone cluster", spark_cluster.describe(result)


def _write(parts, report):
    with open(os.path.join(RESULTS, "latest.md"), "w") as stream:
        stream.write("\n\n".join(parts) + "\n")
    common.save_json(os.path.join(RESULTS, "latest.json"), report)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a shorter run: smaller sizes, fewer rounds")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections of {SECTIONS}")
    arguments = parser.parse_args(argv)
    sections = [s.strip() for s in arguments.only.split(",") if s.strip()]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections {unknown}; valid sections are {list(SECTIONS)}")
    os.makedirs(RESULTS, exist_ok=True)
    report = {"environment": common.environment(), "quick": arguments.quick}
    command = "make bench-quick" if arguments.quick else "make bench"
    env = report["environment"]
    blas = ", ".join(f"{b['internal_api']} {b['version']}, {b['num_threads']} threads"
                     for b in env["blas"])
    parts = [f"# learninspy benchmarks\n\n`{command}` on {env['date']}: {env['cpu']}, "
             f"{env['cores']} cores; Python {env['python']}, NumPy {env['numpy']} ({blas}), "
             f"PyTorch {env['torch']}, scikit-learn {env['scikit-learn']}, pyspark "
             f"{env['pyspark']}. Medians of at least 3 runs after a warm-up."]
    started = time.perf_counter()
    for name in sections:
        print(f"== {name}", flush=True)
        section_started = time.perf_counter()
        title, text = globals()[f"{name.replace('-', '_')}_section"](report, arguments.quick)
        print(text, flush=True)
        print(f"({name}: {time.perf_counter() - section_started:.0f}s)\n", flush=True)
        parts.append(f"## {title}\n\n{text}")
        report["seconds"] = time.perf_counter() - started
        _write(parts, report)  # after each section: a later failure keeps what ran
    print(f"Done in {report['seconds']:.0f}s; results in {RESULTS}/latest.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
