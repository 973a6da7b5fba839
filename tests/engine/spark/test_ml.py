"""learninspy in Spark ML pipelines: fit, transform, evaluate, save and load, tune, as a Spark
user writes them."""

import numpy as np
import pandas as pd
import pytest

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import MaxIterations
from learninspy.utils.data import load_ccpp, load_iris, split_data

IRIS_COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
CCPP_COLUMNS = ["temperature", "vacuum", "pressure", "humidity"]


def _frame(spark, data, columns, label="label"):
    table = pd.DataFrame(data.features.astype(float), columns=columns)
    table[label] = data.labels.astype(float)
    return spark.createDataFrame(table)


@pytest.fixture(scope="module")
def iris_frames(spark):
    train, test = split_data(load_iris(), [0.7, 0.3], seed=123, balanced=True)
    return _frame(spark, train, IRIS_COLUMNS), _frame(spark, test, IRIS_COLUMNS)


@pytest.fixture(scope="module")
def ccpp_frames(spark):
    train, test = split_data(load_ccpp(), [0.8, 0.2], seed=123)
    return _frame(spark, train, CCPP_COLUMNS, "output"), _frame(spark, test, CCPP_COLUMNS,
                                                                "output")


def _iris_pipeline(**options):
    from pyspark.ml import Pipeline
    from pyspark.ml.feature import StandardScaler, VectorAssembler
    from learninspy.ml import NeuralNetworkClassifier
    settings = dict(layers=[4, 16, 3], maxIter=15, localIterations=10, parallelism=2,
                    optimizerOptions={"step-rate": 0.02}, seed=7)
    classifier = NeuralNetworkClassifier(**{**settings, **options})
    return Pipeline(stages=[VectorAssembler(inputCols=IRIS_COLUMNS, outputCol="raw"),
                            StandardScaler(inputCol="raw", outputCol="features"), classifier])


def _probabilities(scored):
    rows = scored.orderBy(*IRIS_COLUMNS).collect()
    return np.array([row.probability.toArray() for row in rows])


def test_an_iris_pipeline_fits_scores_saves_and_loads(iris_frames, tmp_path):
    from pyspark.ml import PipelineModel
    from pyspark.ml.evaluation import MulticlassClassificationEvaluator
    train, test = iris_frames
    model = _iris_pipeline().fit(train)
    scored = model.transform(test)
    assert {"prediction", "probability", "rawPrediction"} <= set(scored.columns)
    accuracy = MulticlassClassificationEvaluator(metricName="accuracy").evaluate(scored)
    assert accuracy >= 0.93
    path = str(tmp_path / "iris-pipeline")
    model.write().overwrite().save(path)
    loaded = PipelineModel.load(path)
    classifier = loaded.stages[-1]
    assert type(classifier).__name__ == "NeuralNetworkClassificationModel"
    assert np.array_equal(_probabilities(loaded.transform(test)), _probabilities(scored))
    assert np.array_equal(classifier.network.get_parameters(),
                          model.stages[-1].network.get_parameters())
    assert classifier.numFeatures == 4 and classifier.numClasses == 3
    assert "Total params: 131" in classifier.summary()
    assert len(classifier.history) == 15


def test_a_ccpp_regression_pipeline_reaches_r2_of_0_9_and_round_trips(ccpp_frames, tmp_path):
    from pyspark.ml import Pipeline, PipelineModel
    from pyspark.ml.evaluation import RegressionEvaluator
    from pyspark.ml.feature import StandardScaler, VectorAssembler
    from learninspy.ml import NeuralNetworkRegressor
    train, test = ccpp_frames
    pipeline = Pipeline(stages=[
        VectorAssembler(inputCols=CCPP_COLUMNS, outputCol="raw"),
        StandardScaler(inputCol="raw", outputCol="features", withMean=True),
        NeuralNetworkRegressor(layers=[4, 32, 1], labelCol="output", maxIter=10,
                               localIterations=50, miniBatch=64, parallelism=2,
                               optimizerOptions={"step-rate": 0.005}, seed=3)])
    model = pipeline.fit(train)
    evaluator = RegressionEvaluator(labelCol="output", metricName="r2")
    scored = model.transform(test)
    assert evaluator.evaluate(scored) >= 0.9  # in megawatts: the label's scale is folded back
    path = str(tmp_path / "ccpp-pipeline")
    model.save(path)
    again = PipelineModel.load(path).transform(test)
    order = CCPP_COLUMNS
    assert np.array_equal([r.prediction for r in scored.orderBy(*order).collect()],
                          [r.prediction for r in again.orderBy(*order).collect()])


def test_cross_validation_over_a_grid_picks_a_model(iris_frames):
    from pyspark.ml.evaluation import MulticlassClassificationEvaluator
    from pyspark.ml.tuning import CrossValidator, ParamGridBuilder
    pipeline = _iris_pipeline(maxIter=6)
    classifier = pipeline.getStages()[-1]
    grid = (ParamGridBuilder()
            .addGrid(classifier.optimizerOptions, [{"step-rate": 0.001}, {"step-rate": 0.02}])
            .addGrid(classifier.layers, [[4, 3, 3], [4, 16, 3]]).build())
    tuned = CrossValidator(estimator=pipeline, estimatorParamMaps=grid, numFolds=2, seed=1,
                           evaluator=MulticlassClassificationEvaluator(metricName="accuracy")
                           ).fit(iris_frames[0])
    assert len(tuned.avgMetrics) == 4
    best = grid[int(np.argmax(tuned.avgMetrics))]
    chosen = tuned.bestModel.stages[-1]
    assert chosen.getLayers() == best[classifier.layers]
    assert chosen.network.layers[0].units == best[classifier.layers][1]
    assert max(tuned.avgMetrics) > min(tuned.avgMetrics)  # the grid points differ


def _assembled(frame):
    from pyspark.ml.feature import VectorAssembler
    return VectorAssembler(inputCols=IRIS_COLUMNS, outputCol="features").transform(frame)


def test_a_reproducible_estimator_trains_the_weights_of_neural_network_fit(iris_frames):
    from learninspy.ml import NeuralNetworkClassifier
    from learninspy.utils.distributed import LabeledFrame
    frame = _assembled(iris_frames[0])
    estimated = NeuralNetworkClassifier(layers=[4, 8, 3], maxIter=3, localIterations=5,
                                        miniBatch=16, parallelism=2, reproducible=True, seed=5,
                                        optimizerOptions={"step-rate": 0.01}).fit(frame)
    network = NeuralNetwork(NetworkParameters([4, 8, 3], activation="ReLU", strength_l1=0.0,
                                              strength_l2=0.0, seed=5))
    network.fit(LabeledFrame(frame), mini_batch=16, parallelism=2, valid_iters=5,
                stops=[MaxIterations(3)], reproducible=True, engine="spark",
                optimizer_params=OptimizerParameters("Adam", {"step-rate": 0.01},
                                                     stops=[MaxIterations(5)],
                                                     sampling="fresh", keep_state=True))
    assert np.array_equal(estimated.network.get_parameters(), network.get_parameters())


def test_bad_input_is_refused_before_any_job_runs(spark, iris_frames):
    from learninspy.ml import NeuralNetworkClassifier
    frame = _assembled(iris_frames[0])
    named = frame.withColumn("species", frame.label.cast("string"))
    context = spark.sparkContext
    context.setJobGroup("bad-input", "nothing may run")
    try:
        with pytest.raises(ValueError, match=r"no features column 'pixels'; its columns are "
                                             r"\['sepal_length'"):
            NeuralNetworkClassifier(layers=[4, 8, 3], featuresCol="pixels").fit(frame)
        with pytest.raises(TypeError, match="the label column 'species' must hold numbers "
                                            ".*it holds string.*StringIndexer"):
            NeuralNetworkClassifier(layers=[4, 8, 3], labelCol="species").fit(named)
        with pytest.raises(ValueError, match=r"the features column 'features' have 4 values "
                                             r"per row but the model takes 5"):
            NeuralNetworkClassifier(layers=[5, 8, 3]).fit(frame)
        with pytest.raises(ValueError, match="needs the network: layers="):
            NeuralNetworkClassifier().fit(frame)
        with pytest.raises(ValueError, match="unknown activation 'Relu'; valid choices"):
            NeuralNetworkClassifier(layers=[4, 8, 3], activation="Relu")
        assert list(context.statusTracker().getJobIdsForGroup("bad-input")) == []
    finally:
        context.setJobGroup(None, None)
    with pytest.raises(ValueError, match=r"train set: label 2.0 at row \d+ is not a class index "
                                         r"in \[0, 2\).* \(in partition \d\)"):
        NeuralNetworkClassifier(layers=[4, 8, 2]).fit(frame)  # labels 0, 1, 2 for 2 classes


def test_numeric_columns_arrays_sparse_vectors_and_parquet_all_train(spark, iris_frames,
                                                                      tmp_path):
    from pyspark.ml.evaluation import MulticlassClassificationEvaluator
    from pyspark.ml.functions import vector_to_array
    from pyspark.ml.linalg import SparseVector, VectorUDT
    from pyspark.sql import functions as F
    from learninspy.ml import NeuralNetworkClassifier
    train, test = (_assembled(frame) for frame in iris_frames)
    sparse = F.udf(lambda v: SparseVector(4, {i: x for i, x in enumerate(v) if i != 1}),
                   VectorUDT())
    path = str(tmp_path / "iris.parquet")
    train.write.parquet(path)
    layouts = {
        "numeric columns": (train, dict(featuresCols=IRIS_COLUMNS), test),
        "array column": (train.withColumn("features", vector_to_array("features", "float32")),
                         {}, test),
        "sparse vectors": (train.withColumn("features", sparse("features")), {},
                           test.withColumn("features", sparse("features"))),
        "parquet": (spark.read.parquet(path), {}, test),
    }
    evaluator = MulticlassClassificationEvaluator(metricName="accuracy")
    for name, (frame, columns, held_out) in layouts.items():
        model = NeuralNetworkClassifier(layers=[4, 16, 3], maxIter=15, localIterations=10,
                                        optimizerOptions={"step-rate": 0.02}, parallelism=2,
                                        seed=2, **columns).fit(frame)
        assert evaluator.evaluate(model.transform(held_out)) >= 0.9, name


def test_an_estimator_saves_its_params_and_its_template_network(iris_frames, tmp_path):
    from learninspy.ml import NeuralNetworkClassifier
    template = NeuralNetwork(NetworkParameters([4, 6, 3], seed=11))
    estimator = NeuralNetworkClassifier(network=template, maxIter=4, miniBatch=8,
                                        optimizerOptions={"step-rate": 0.03})
    estimator.save(str(tmp_path / "estimator"))
    loaded = NeuralNetworkClassifier.load(str(tmp_path / "estimator"))
    assert loaded.uid == estimator.uid
    assert loaded.getOrDefault("optimizerOptions") == {"step-rate": 0.03}
    assert loaded.getMiniBatch() == 8 and loaded.getMaxIter() == 4
    assert np.array_equal(loaded.getNetwork().get_parameters(), template.get_parameters())
    with pytest.raises(TypeError, match="network must be a learninspy model"):
        NeuralNetworkClassifier(network="784-128-10")


def test_the_model_as_a_udf_scores_sql_queries_as_transform_does(spark, iris_frames):
    from learninspy.ml import NeuralNetworkClassifier
    train, test = (_assembled(frame) for frame in iris_frames)
    model = NeuralNetworkClassifier(layers=[4, 8, 3], maxIter=3, seed=1).fit(train)
    spark.udf.register("classify_iris", model.as_udf())
    test.createOrReplaceTempView("iris_rows")
    by_sql = spark.sql("SELECT classify_iris(features).prediction AS p FROM iris_rows "
                       "ORDER BY sepal_length, sepal_width, petal_length, petal_width")
    by_transform = model.transform(test).orderBy(*IRIS_COLUMNS).collect()
    assert [r.p for r in by_sql.collect()] == [r.prediction for r in by_transform]
    spark.udf.register("iris_probabilities", model.as_udf(vectors=False))
    indexed = spark.sql("SELECT iris_probabilities(features).probability[1] AS p1 FROM "
                        "iris_rows ORDER BY sepal_length, sepal_width, petal_length, "
                        "petal_width").collect()
    assert [r.p1 for r in indexed] == [float(r.probability[1]) for r in by_transform]


COLUMNAR_INPUT = "spark.sql.execution.arrow.pythonUDF.columnarInput.enabled"


@pytest.mark.parametrize("columnar", ["true", "false"])  # Spark's default, and get_session's
def test_vectors_and_arrays_read_from_parquet_are_scored_as_the_model_scores_them(
        spark, tmp_path, columnar):
    from pyspark.ml.functions import array_to_vector
    from learninspy.ml import NeuralNetworkClassificationModel
    X = np.random.default_rng(0).standard_normal((500, 8)).astype(np.float32)
    spark.createDataFrame(pd.DataFrame({"id": np.arange(500), "features": list(X),
                                        "label": np.zeros(500)})) \
        .write.parquet(str(tmp_path / "rows.parquet"))  # files are read in any order: an id
    arrays = spark.read.parquet(str(tmp_path / "rows.parquet"))
    vectors = arrays.withColumn("features", array_to_vector("features"))
    network = NeuralNetwork(NetworkParameters([8, 4, 3], seed=0))
    before = spark.conf.get(COLUMNAR_INPUT)
    spark.conf.set(COLUMNAR_INPUT, columnar)
    try:
        for frame in (arrays, vectors):
            scored = NeuralNetworkClassificationModel(network).transform(frame).orderBy("id") \
                .collect()
            probabilities = np.array([row.probability.toArray() for row in scored])
            assert np.allclose(probabilities, network.outputs(X), atol=1e-6)
            assert [row.prediction for row in scored] == \
                network.predicted_values(network.outputs(X)).astype(float).tolist()
        assert spark.conf.get(COLUMNAR_INPUT) == columnar  # the session is left as it was
    finally:
        spark.conf.set(COLUMNAR_INPUT, before)


def test_params_have_spark_setters_and_empty_output_columns_are_left_out(spark, iris_frames):
    from learninspy.ml import NeuralNetworkClassificationModel, NeuralNetworkClassifier
    classifier = NeuralNetworkClassifier().setLayers([4, 8, 3]).setMiniBatch(16) \
        .setFeaturesCols(IRIS_COLUMNS).setMaxIter(2)
    assert (classifier.getLayers(), classifier.getMiniBatch(), classifier.getMaxIter()) == \
        ([4, 8, 3], 16, 2)
    with pytest.raises(TypeError):
        classifier.setMiniBatch("many")
    train, _ = iris_frames
    model = classifier.fit(train)
    assert isinstance(model, NeuralNetworkClassificationModel)
    full = model.transform(train)
    only = model.copy().setPredictionCol("").setRawPredictionCol("").transform(train)
    assert set(only.columns) == set(train.columns) | {"probability"}
    assert np.array_equal(np.array([r.probability.toArray() for r in only.collect()]),
                          np.array([r.probability.toArray() for r in full.collect()]))
    none = model.copy().setPredictionCol("").setProbabilityCol("").setRawPredictionCol("")
    assert none.transform(train).columns == train.columns
