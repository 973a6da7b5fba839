"""The README's Spark example runs as written."""

import re
from pathlib import Path


from learninspy.data.datasets import load_mnist

README = Path(__file__).resolve().parents[3] / "README.md"


def _spark_example():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    return next(block for block in blocks if 'spark.read.parquet("digits.parquet")' in block)


def test_the_readme_spark_example_runs_as_written(spark, tmp_path, monkeypatch):
    from pyspark.ml.linalg import Vectors
    digits = load_mnist()
    rows = [(Vectors.dense(x / 255.0), float(y)) for x, y in
            zip(digits.features[:1500], digits.labels[:1500])]
    spark.createDataFrame(rows, ["pixels", "digit"]).write.parquet(
        str(tmp_path / "digits.parquet"))
    monkeypatch.chdir(tmp_path)  # where the example's checkpoint goes
    # the JVM resolves relative paths from its own working folder: the one file, absolute
    code = _spark_example().replace('"digits.parquet"', repr(str(tmp_path / "digits.parquet")))
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert 0.6 < namespace["network"].evaluate(namespace["valid"], measure="Accuracy") <= 1
    scored = namespace["scored"]
    assert {"prediction", "probability"} <= set(scored.columns) and scored.count() == 1500
    assert (tmp_path / "mnist.ckpt").exists()


def _pipeline_example():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    return next(block for block in blocks if "NeuralNetworkClassifier(" in block)


def test_the_readme_pipeline_example_runs_as_written(spark, tmp_path, monkeypatch):
    from learninspy.utils.data import load_iris
    iris = load_iris()
    lines = ["sepal_length,sepal_width,petal_length,petal_width,label"] + [
        ",".join(f"{value:g}" for value in row) + f",{int(label)}"
        for row, label in zip(iris.features, iris.labels)]
    (tmp_path / "iris.csv").write_text("\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    code = _pipeline_example()
    for name in ("iris.csv", "iris-pipeline"):  # the JVM resolves paths from its own folder
        code = code.replace(f'"{name}"', repr(str(tmp_path / name)))
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["accuracy"] >= 0.85
    loaded = namespace["same"].transform(namespace["test"]).select("probability").collect()
    assert [row.probability for row in loaded] == \
        [row.probability for row in namespace["scored"].select("probability").collect()]
