"""A Spark Connect client program (run by test_connect.py in a process of its own: a process
is either a classic Spark driver or a Connect client).

    python tests/engine/spark/connect_client.py sc://127.0.0.1:PORT OUTPUT_FOLDER

Trains, evaluates and predicts on Connect DataFrames, through learninspy's API and through
learninspy.ml, and tries what Connect cannot do; writes what it saw to OUTPUT_FOLDER/result.json.
"""

import json
import os
import sys

import numpy as np
import pandas as pd
from pyspark.sql import SparkSession

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import MaxIterations
from learninspy.utils.data import load_iris, split_data

COLUMNS = ["a", "b", "c", "d"]


def frames(spark):
    train, test = split_data(load_iris(), [0.7, 0.3], seed=123, balanced=True)
    mean, std = train.features.mean(axis=0), train.features.std(axis=0)

    def frame(data):
        table = pd.DataFrame(((data.features - mean) / std).astype(float), columns=COLUMNS)
        table["label"] = data.labels.astype(float)
        return spark.createDataFrame(table)
    return train, frame(train), frame(test)


def fitted(train, valid):
    network = NeuralNetwork(NetworkParameters([4, 10, 3], activation="Tanh", seed=3))
    network.fit(train, valid, mini_batch=16, parallelism=2, stops=[MaxIterations(8)],
                reproducible=True, valid_iters=4,
                optimizer_params=OptimizerParameters("Adam", {"step-rate": 0.02},
                                                     stops=[MaxIterations(10)],
                                                     sampling="fresh", keep_state=True))
    return network


def refusal(action):
    try:
        action()
    except (TypeError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def main(url, folder):
    from learninspy.ml import NeuralNetworkClassificationModel, NeuralNetworkClassifier
    from learninspy.utils.distributed import DistributedLabeledDataSet, LabeledFrame
    spark = SparkSession.builder.remote(url).getOrCreate()
    local_train, train, test = frames(spark)
    train_rows, test_rows = (LabeledFrame(f, features_cols=COLUMNS) for f in (train, test))
    network, again = fitted(train_rows, test_rows), fitted(train_rows, test_rows)
    scored = network.predict(test_rows).collect()
    estimator = NeuralNetworkClassifier(layers=[4, 16, 3], featuresCols=COLUMNS, maxIter=15,
                                        localIterations=10, parallelism=2, seed=1,
                                        optimizerOptions={"step-rate": 0.02})
    model = estimator.fit(train)
    model.write().overwrite().save(os.path.join(folder, "model"))
    loaded = NeuralNetworkClassificationModel.load(os.path.join(folder, "model"))
    transformed = [row.prediction for row in model.transform(test).orderBy(*COLUMNS).collect()]
    reloaded = [row.prediction for row in loaded.transform(test).orderBy(*COLUMNS).collect()]
    result = {
        "session": type(spark).__module__,
        "valid_score": network.evaluate(test_rows),
        "same_weights": bool(np.array_equal(network.get_parameters(), again.get_parameters())),
        "predicted": len(scored), "columns": list(scored[0].asDict()),
        "matches_local": float(np.mean(
            [row.prediction == p for row, p in zip(scored, np.argmax(network.predict(
                np.array([[row[c] for c in COLUMNS] for row in scored])), axis=1))])),
        "estimator_accuracy": float(np.mean([row.prediction == row.label for row in
                                             model.transform(test).collect()])),
        "reloaded_same": transformed == reloaded,
        "refusals": {
            "data set": refusal(lambda: DistributedLabeledDataSet(train)),
            "local data": refusal(lambda: NeuralNetwork(NetworkParameters([4, 3])).fit(
                local_train, engine="spark")),
            "hadoop path": refusal(lambda: network.save("hdfs://namenode/model.safetensors")),
        },
    }
    with open(os.path.join(folder, "result.json"), "w") as stream:
        json.dump(result, stream)
    spark.stop()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
