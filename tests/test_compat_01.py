"""Code written for learninspy 0.1 runs on learninspy: 0.1's documented usage patterns, and
those of 0.1's own test suite, each checked for the result 0.1 gave -- or, where learninspy
deliberately differs (see MIGRATING.md), for the message or warning that says what to write
instead.

The Spark patterns use the session of the test run (``spark``/``sc``, local[2]).
"""

import signal
import time
import warnings

import numpy as np
import pytest

from learninspy.core.autoencoder import AutoEncoder, StackedAutoencoder
from learninspy.core.model import NetworkParameters, NeuralLayer, NeuralNetwork
from learninspy.core.neurons import LocalNeurons
from learninspy.core.optimization import OptimizerParameters, optimize
from learninspy.core.search import RandomSearch
from learninspy.core.stops import criterion
from learninspy.utils.data import LabeledPoint, LocalLabeledDataSet, load_ccpp, load_iris

ADADELTA = {"step-rate": 1.0, "decay": 0.9, "momentum": 0.0, "offset": 1e-8}


def _stops(iterations=30):
    return [criterion["MaxIterations"](iterations), criterion["AchieveTolerance"](0.95)]


@pytest.fixture(scope="module")
def iris_three():
    """0.1's split of iris in its tests: [.5, .3, .2], seed 123."""
    return load_iris().split_data([.5, .3, .2])


# --- 1. from learninspy.context import sc --------------------------------------------------

def test_sc_is_the_running_context_and_importing_starts_nothing(sc):
    from learninspy.context import sc as context_sc
    assert context_sc is sc
    import subprocess
    import sys
    code = ("import sys, learninspy, learninspy.context, learninspy.utils.data, "
            "learninspy.utils.fileio; print('pyspark.context' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True).stdout.strip() == "False"


# --- 2. utils.checks and utils.asserts -----------------------------------------------------

def test_gradient_checks_of_every_activation_and_loss():
    from learninspy.core.activations import Activation, fun_activation
    from learninspy.core.loss import fun_loss
    from learninspy.utils.checks import CheckGradientActivation, CheckGradientLoss
    assert all(CheckGradientActivation(name)() is True for name in fun_activation)
    assert all(CheckGradientLoss(name)() is True for name in fun_loss)
    wrong = Activation("Cube", function=lambda z: z ** 3, derivative=lambda z: 3 * z)
    assert CheckGradientActivation(wrong)() is False


def test_asserts_as_0_1_test_used_them():
    from learninspy.utils.asserts import (assert_features_label, assert_matchdimension,
                                          assert_samedimension, assert_sametype)

    @assert_matchdimension
    def product(a, b):
        return a.mul_array(b)

    @assert_samedimension
    def same(a, b):
        return True

    @assert_sametype
    def typed(a, b):
        return True

    class Data:
        @assert_features_label
        def take(self, data):
            return "taken"

    features = np.arange(10)
    assert Data().take((features, 1)) == "taken" and Data().take(None) == "taken"
    assert Data().take([LabeledPoint(1, features)]) == "taken"
    with pytest.raises(ValueError, match="labeled points or .label, features. pairs"):
        Data().take(features)
    assert same(features, features) and typed(features, features)
    with pytest.raises(ValueError, match=r"same shape, got \(10,\) and \(5,\)"):
        same(features, b=features[:5])  # keywords are checked too
    with pytest.raises(TypeError, match="same type, got ndarray and list"):
        typed(features, [1])
    a, b = LocalNeurons(np.zeros((5, 10)), (5, 10)), LocalNeurons(np.zeros((10, 3)), (10, 3))
    assert product(a, b).shape == (5, 3) and product.__name__ == "product"
    with pytest.raises(ValueError, match="has 3 columns and the second, of shape .5, 10., 5"):
        product(b, a)


# --- 3. the loaders ------------------------------------------------------------------------

def test_loaders_read_as_lists_of_labeled_points_and_mnist_splits_in_three():
    from learninspy.utils.data import load_mnist
    iris = load_iris()
    points = list(iris)
    assert len(points) == 150 and isinstance(points[0], LabeledPoint)
    assert np.array_equal([lp.features for lp in iris], iris.features)
    assert [lp.label for lp in iris[:3]] == list(iris.labels[:3]) and iris[5] == points[5]
    assert isinstance(load_ccpp()[:10], LocalLabeledDataSet)
    train, valid, test = load_mnist(split=[5 / 7, 1 / 7, 1 / 7])
    assert (len(train), len(valid), len(test)) == (3570, 720, 710)
    assert np.bincount(test.labels.astype(int)).tolist() == [71] * 10  # stratified
    data = train[:50]
    assert data.shape == (50, 784) and data.rows == 50 and data.cols == 784
    with pytest.raises(ValueError, match="too many values to unpack"):
        train, valid, test = load_mnist()  # 0.1's call: one data set now


# --- 4. utils.fileio -----------------------------------------------------------------------

def test_fileio_local_functions(tmp_path):
    from learninspy.utils.fileio import (get_logger, is_text_file, load_file_local,
                                         parse_point, save_file_local)
    assert get_logger(name="compat").name == "compat"
    assert [int(v) for v in parse_point("0,1,2,3,4,5,6,7,8,9")] == list(range(10))
    assert parse_point(' 1 ; 2|3"4 ') == [1.0, 2.0, 3.0, 4.0]
    (tmp_path / "bin_file.bin").write_bytes(np.random.default_rng(0).bytes(1024))
    (tmp_path / "txt_file.txt").write_text("probando 123")
    assert not is_text_file(tmp_path / "bin_file.bin") and is_text_file(tmp_path / "txt_file.txt")
    path = tmp_path / "local_data.txt"
    save_file_local(zip(range(10), range(10, 20)), path)
    data = [(int(label), int(features[0])) for label, features in load_file_local(path, 0)]
    assert data == list(zip(range(10), range(10, 20)))


def test_fileio_spark_functions(sc, tmp_path):
    from learninspy.utils.fileio import load_file_spark, save_file_spark
    save_file_spark(sc.range(10), tmp_path / "spark_data.txt")
    labels = load_file_spark(tmp_path / "spark_data.txt", pos_label=0).map(lambda lp: int(lp[0]))
    assert sorted(labels.collect()) == list(range(10))
    pairs = sc.parallelize([(l, [f]) for l, f in zip(range(10), range(10, 20))])
    save_file_spark(pairs, tmp_path / "pairs")
    again = load_file_spark(tmp_path / "pairs", label_column="first").collect()
    assert sorted(again) == [(float(l), [float(f)]) for l, f in zip(range(10), range(10, 20))]


def test_label_first_files_of_0_1_read_by_name(sc, tmp_path):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    path = tmp_path / "written_by_0_1.csv"
    path.write_text("0,5.1,3.5\n1,6.2,2.9\n")  # 0.1's save_file: the label first
    local = LocalLabeledDataSet(path, label_column="first")
    assert local.labels.tolist() == [0.0, 1.0] and local.features[1].tolist() == \
        pytest.approx([6.2, 2.9])
    assert LocalLabeledDataSet().load_file(path, pos_label=0).labels.tolist() == [0.0, 1.0]
    distributed = DistributedLabeledDataSet(context=sc).load_file(path, label_column="first")
    assert [p.label for p in distributed.collect()] == [0.0, 1.0]
    with pytest.raises(ValueError, match=r"unknown label column 'second'; valid choices are "
                                         r"\['first', 'last'\]"):
        LocalLabeledDataSet(path, label_column="second")
    with pytest.raises(ValueError, match="give the label's column once"):
        LocalLabeledDataSet(path, pos_label=0, label_column="first")


# --- 5. and 11. metrics ---------------------------------------------------------------------

def test_classification_metrics_of_0_1_test():
    from learninspy.utils.evaluation import ClassificationMetrics
    metrics = ClassificationMetrics(list(zip([0, 1, 0, 2, 2, 1], [0, 1, 1, 2, 1, 0])), 3)
    assert metrics.accuracy() == 0.5
    assert metrics.confusion_matrix().tolist() == [[1, 1, 0], [1, 1, 1], [0, 0, 1]]
    assert [metrics.precision(label=c) for c in range(3)] == [0.5, 0.5, 0.5]
    assert [metrics.recall(label=c) for c in range(3)] == [0.5, 1 / 3, 1.0]
    assert metrics.precision(macro=True) == metrics.precision(macro=False) == 0.5
    assert metrics.recall(macro=True) == 0.611111111111111
    assert metrics.recall(macro=False) == 0.5
    assert metrics.f_measure(beta=1) == 0.5499999999999999
    assert metrics.f_measure(beta=0.5) == 0.5188679245283019
    assert metrics.f_measure(beta=2) == 0.5851063829787233
    assert metrics.f_measure(macro=False) == metrics.accuracy()
    assert metrics.evaluate("F-measure", beta=2) == 0.5851063829787233


def test_regression_metrics_of_0_1_test_and_its_mae_as_a_sum():
    from learninspy.utils.evaluation import RegressionMetrics
    rng = np.random.RandomState(123)
    x = np.linspace(-4, 4, 100)
    signal_ = np.sinc(x) + rng.uniform(0, 0.1, 100)
    noisy = np.sinc(x) + rng.uniform(0, 0.1, 100) + 0.05
    metrics = RegressionMetrics(list(zip(noisy, signal_)))
    n = len(x)
    assert metrics.rmse() == pytest.approx(np.sqrt(metrics.mse()))
    assert metrics.mae() * n == pytest.approx(np.abs(signal_ - noisy).sum())  # 0.1's mae
    assert metrics.rmae() == pytest.approx(np.sqrt(metrics.mae()))
    assert metrics.r2() == metrics.r2(global_mean=True)  # one output: the same formula


def test_r2_of_several_outputs_per_output_means_or_0_1s_global_mean():
    from learninspy.utils.evaluation import RegressionMetrics
    X = load_iris().features.astype(float)
    means = np.tile(X.mean(axis=0), (len(X), 1))
    constant = RegressionMetrics((means, X))
    assert constant.r2() == pytest.approx(0.0, abs=1e-12)  # evaluate's R2
    assert constant.r2(global_mean=True) == pytest.approx(0.709, abs=1e-3)  # 0.1's R2
    assert constant.explained_variance(global_mean=True) > 0.7


# --- 6. the learning history as lists ------------------------------------------------------

def test_check_stop_sees_hits_valid_as_0_1_test_set_it():
    model = NeuralNetwork(NetworkParameters([4, 30, 1], "ReLU", classification=False,
                                            seed=123))
    stops = [criterion["MaxIterations"](30), criterion["AchieveTolerance"](0.95)]
    assert model.hits_valid == [] and model.check_stop(15, stops, False) is False
    model.hits_valid = [0.95]
    assert model.check_stop(15, stops, False) is True
    assert model.check_stop(15, stops, True) is False
    assert model.check_stop(40, stops, True) is True


def test_fit_fills_the_three_lists_of_the_same_length(iris_three):
    train, valid, _ = iris_three
    model = NeuralNetwork(NetworkParameters([4, 10, 3], "ReLU", dropout_ratios=[0.0, 0.0]))
    hits = model.fit(train, valid, mini_batch=30, parallelism=2, valid_iters=2,
                     stops=[criterion["MaxIterations"](6)])
    assert model.epochs == [1, 3, 5]
    assert len(model.hits_train) == len(model.hits_valid) == 3
    assert model.hits_valid[-1] == model.history.hits_valid[-1]
    assert hits == model.history.final["valid"]


# --- 7. LocalNeurons -----------------------------------------------------------------------

def test_local_neurons_of_0_1_test(sc):
    from learninspy.core.activations import fun_activation, fun_activation_d
    from learninspy.core.loss import fun_loss, fun_loss_d
    ln = LocalNeurons(np.ones((100, 100)), (100, 100))
    ones = np.ones((100, 100))
    for result in (ln * ones, ln / ones, ln - ones + ones, ln + ones - ones, ln ** ones):
        assert np.array_equiv(result.matrix, ones)
    assert ln == LocalNeurons(ln.matrix, ln.shape) and ln != LocalNeurons(ones * 2)
    N = ln.rows
    assert (N, ln.cols) == (100, 100)
    assert np.array_equiv(ln.mul_array(np.array(range(N))).matrix, [sum(range(N))] * N)
    assert ln.mul_elemwise(ln) == ln.collect()
    assert ln.mul_elemwise(ln) != ln.collect() * 2
    assert np.array_equiv(ln.sum_array(ln).matrix, (ln * 2).matrix)
    assert ln.sum() == ln.count()
    assert np.allclose(ln.activation(fun_activation["Tanh"]).matrix, np.tanh(ones))
    assert np.allclose(ln.activation(fun_activation_d["Tanh"]).matrix, 1 - np.tanh(ones) ** 2)
    y = np.zeros((100, 100))
    assert ln.loss(fun_loss["MSE"], y) == fun_loss["MSE"](ones, y)
    assert np.allclose(ln.loss_d(fun_loss_d["MSE"], y).matrix, fun_loss_d["MSE"](ones, y))
    vector = LocalNeurons(sc.parallelize(range(6), 2), (2, 3))  # an RDD, as documented
    assert vector.shape == (2, 3) and vector == [[0, 1, 2], [3, 4, 5]]
    assert LocalNeurons(range(5)).rows == 5 and LocalNeurons(range(5)).cols == 1


# --- 8. optimize ---------------------------------------------------------------------------

@pytest.mark.parametrize("momentum_type", ["standard", "nesterov"])
def test_optimize_loop_of_0_1_test(iris_three, momentum_type):
    train, valid, test = iris_three
    model = NeuralNetwork(NetworkParameters([4, 10, 3], "ReLU", dropout_ratios=[0.2, 0.0],
                                            strength_l1=1e-5, strength_l2=3e-4))
    params = OptimizerParameters("GD", {"step-rate": 0.01, "momentum": 0.8,
                                        "momentum_type": momentum_type},
                                 stops=[criterion["MaxIterations"](10),
                                        criterion["AchieveTolerance"](0.95)])
    before = model.get_parameters()
    with pytest.warns(DeprecationWarning, match="in_place=True to train the model itself"):
        optimize(model, train, params=params, mini_batch=30, seed=123)  # 0.1's call
    assert np.array_equal(model.get_parameters(), before)  # a copy was trained: the message
    epoch = 0
    while model.check_stop(epoch, [criterion["MaxIterations"](50),
                                   criterion["AchieveTolerance"](0.95)]) is False:
        optimize(model, train, params=params, mini_batch=30, seed=123, in_place=True)
        model.hits_valid = model.hits_valid + [model.evaluate(valid, measure="F-measure")]
        epoch += 1
    assert len(model.hits_valid) == epoch
    assert model.hits_valid[-1] > 0.8 and model.evaluate(test) > 0.8


# --- 9. RandomSearch -----------------------------------------------------------------------

def test_random_search_of_0_1_test(iris_three):
    train, valid, test = iris_three
    optimizer = OptimizerParameters("Adadelta", {"step-rate": 1.0, "decay": 0.99,
                                                 "momentum": 0.3, "offset": 1e-8},
                                    stops=[criterion["MaxIterations"](10),
                                           criterion["AchieveTolerance"](0.95)])
    params = NetworkParameters([4, 10, 3], activation=False, dropout_ratios=True,
                               classification=True, strength_l1=True, strength_l2=True,
                               seed=123)
    search = RandomSearch(params, n_layers=0, n_iter=10, net_domain=None, seed=123)
    options = dict(mini_batch=30, parallelism=1, valid_iters=1, stops=None,
                   optimizer_params=optimizer, reproducible=True, keep_best=True, workers=1)
    with pytest.warns(DeprecationWarning, match=r"search.results.best\['test'\]"):
        best_model, hits_test = search.fit(NeuralNetwork, train.collect(), valid.collect(),
                                           test.collect(), **options)
    assert isinstance(best_model, NeuralNetwork) and best_model is search.best_model
    assert hits_test == search.results.best["test"] > 0.8
    assert best_model.evaluate(test) == pytest.approx(hits_test)
    search.n_iter = 1
    best = 0
    for n_layers in [-1, 0, 3, 4]:
        search.n_layers = n_layers  # takes effect: the candidates are sampled again
        assert len(search.candidates) == 1
        assert n_layers <= 0 or len(search.candidates[0].units_layers) == n_layers
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            _, hits = search.fit(NeuralNetwork, train, valid, test, **options)
        best = max(best, hits)
    assert best > 0.3
    with pytest.raises(TypeError, match="not iterable"):
        iter(NeuralNetwork(params=NetworkParameters([4, 3])))


# --- 10. 0.1's initial weights -------------------------------------------------------------

def test_initial_weights_are_0_1s_for_its_seed():
    network = NeuralNetwork(NetworkParameters([4, 30, 6, 3], ["ReLU", "Tanh", "Sigmoid", "ReLU"],
                                              seed=7, dtype="float64"))
    rng = np.random.RandomState(7)  # 0.1's draws: one stream, layer by layer, (n_out, n_in)
    tanh = rng.uniform(-np.sqrt(6 / 34), np.sqrt(6 / 34), size=(30, 4))
    sigmoid = rng.uniform(-4 * np.sqrt(6 / 36), 4 * np.sqrt(6 / 36), size=(6, 30))
    # a classification output is drawn for the activation of the layer below it
    output = rng.uniform(-4 * np.sqrt(6 / 9), 4 * np.sqrt(6 / 9), size=(3, 6))
    layers = network.list_layers
    for layer, drawn in zip(layers, (tanh, sigmoid, output)):
        assert np.array_equal(layer.params["w"], drawn.T) and not layer.params["b"].any()
    regression = NeuralNetwork(NetworkParameters([4, 30, 1], "ReLU", classification=False,
                                                 seed=123, dtype="float64"))
    rng = np.random.RandomState(123)
    for layer, (n_in, n_out) in zip(regression.list_layers, [(4, 30), (30, 1)]):
        assert np.array_equal(layer.params["w"], (rng.randn(n_out, n_in) * np.sqrt(2 / n_in)).T)
    relu = NeuralLayer(5, 4, "ReLU", rng=np.random.RandomState(1))
    assert np.allclose(relu.params["w"], np.random.RandomState(1).randn(4, 5).T * np.sqrt(2 / 5))


def test_regression_with_relu_everywhere_of_0_1_test():
    train, valid, test = LocalLabeledDataSet(load_ccpp()).split_data([.5, .3, .2])
    valid = valid.collect()
    model = NeuralNetwork(NetworkParameters([4, 30, 1], "ReLU", classification=False, seed=123))
    model.set_l1(5e-7)
    model.set_l2(3e-4)
    model.set_dropout_ratios([0.0, 0.0])
    optimizer = OptimizerParameters("Adadelta", {"step-rate": 1.0, "decay": 0.995,
                                                 "momentum": 0.3, "offset": 1e-8})
    hits_valid = model.fit(train, valid, valid_iters=5, mini_batch=30, parallelism=2,
                           stops=_stops(), optimizer_params=optimizer, keep_best=True,
                           reproducible=True)
    hits_test, predictions = model.evaluate(test, predictions=True, measure="R2")
    assert hits_valid > 0.7 and hits_test > 0.7
    assert np.array_equiv(predictions, model.predict(test.collect()))


def test_reproducible_fits_on_0_1s_weights_repeat_bit_for_bit(iris_three):
    train, valid, _ = iris_three

    def weights():
        model = NeuralNetwork(NetworkParameters([4, 10, 3], "ReLU", dropout_ratios=[0.2, 0.0],
                                                seed=123))
        model.fit(train, valid, mini_batch=30, parallelism=2, stops=_stops(5),
                  reproducible=True)
        return model.get_parameters()
    assert np.array_equal(weights(), weights())


# --- 11. and 12. autoencoders ---------------------------------------------------------------

def test_autoencoder_of_0_1_test_passes_with_0_1s_r2(iris_three):
    from learninspy.utils.evaluation import RegressionMetrics
    train, valid, test = iris_three
    model = AutoEncoder(NetworkParameters([4, 8], activation=["ReLU", "ReLU"],
                                          classification=False), dropout_in=0.0)
    model.fit(train.collect(), valid.collect(), valid_iters=1, mini_batch=30, parallelism=1,
              stops=_stops(), optimizer_params=OptimizerParameters("Adadelta"),
              keep_best=True, reproducible=True)
    r2, reconstructed = model.evaluate(test, predictions=True, measure="R2")
    global_r2 = RegressionMetrics((reconstructed, test.features)).r2(global_mean=True)
    valid_r2 = RegressionMetrics((model.predict(valid), valid.features)).r2(global_mean=True)
    assert valid_r2 > 0.8 and global_r2 > 0.8  # 0.1's bars, under 0.1's formula
    assert r2 < global_r2


def test_stacked_autoencoder_of_0_1_test_reaches_its_bars(iris_three):
    train, valid, test = iris_three
    params = NetworkParameters(units_layers=[4, 10, 3], activation=["ReLU", "ReLU"],
                               strength_l1=1e-5, strength_l2=3e-4, dropout_ratios=[0.0, 0.0],
                               classification=True)
    model = StackedAutoencoder(params, dropout=None)
    options = dict(valid_iters=1, mini_batch=30, parallelism=1, stops=_stops(),
                   optimizer_params=OptimizerParameters("Adadelta", ADADELTA), keep_best=True,
                   reproducible=True)
    hits_valid_pretrain = model.fit(train.collect(), valid.collect(), **options)
    hits_test_pretrain = model.evaluate(test, measure="F-measure")
    hits_valid_finetune = model.finetune(train.collect(), valid.collect(), **options)
    hits_test_finetune = model.evaluate(test, measure="F-measure")
    assert hits_valid_pretrain > 0.6 and hits_test_pretrain > 0.6
    assert hits_valid_finetune > 0.8 and hits_test_finetune > 0.8
    assert hits_valid_finetune == pytest.approx(max(model.hits_valid))  # keep_best's


# --- 13. TimeElapsed -----------------------------------------------------------------------

def test_stops_of_0_1_test():
    from learninspy.core.stops import OnSignal, TimeElapsed
    stop = TimeElapsed(sec=0.5)  # 0.1's test: 5 s, sleeping 2 s then 3 s
    time.sleep(0.1)
    assert stop({}) is False
    time.sleep(0.5)
    assert stop({}) is True  # counted from the construction
    with stop:  # a run restarts the clock
        assert stop({}) is False
    on_signal = OnSignal()
    assert on_signal(None) is False
    on_signal._handler(signal.SIGINT, None)
    assert on_signal(None) is True
    patience = criterion["Patience"](3, grow_factor=2, threshold=0.05)
    hits = [.2, .2, .2, .5, .2, .2, .2]
    assert [patience({"hits": h, "iterations": i}) for i, h in enumerate(hits)] == \
        [False] * 6 + [True]


# --- 14. and 15. data sets -----------------------------------------------------------------

def test_label_features_tuples_mean_the_same_locally_and_on_spark(sc):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    pairs_0_1 = [(label, [feature, feature + 0.5])
                 for label, feature in zip(range(4), range(10, 14))]
    pairs_ours = [(features, label) for label, features in pairs_0_1]
    local = LocalLabeledDataSet(pairs_0_1)
    assert local.labels.tolist() == [0, 1, 2, 3] and local.features[0].tolist() == [10, 10.5]
    for data in (pairs_0_1, pairs_ours):
        for distributed in (DistributedLabeledDataSet(sc.parallelize(data, 2)),
                            DistributedLabeledDataSet(data, sc)):
            assert [(p.label, p.features.tolist()) for p in distributed.collect()] == \
                [(p.label, p.features.tolist()) for p in local.collect()]
    ambiguous = [(1.0, 2.0)]
    with pytest.raises(ValueError, match="item 0 of the data is two numbers"):
        LocalLabeledDataSet(ambiguous)
    with pytest.raises(ValueError, match="row 0 of partition 0 is two numbers"):
        DistributedLabeledDataSet(sc.parallelize(ambiguous, 1))


def test_data_sets_of_0_1_test_data(sc):
    names = {}
    exec("from learninspy.utils.data import *", names)  # as 0.1's test imported them
    train, _, _ = names["load_mnist"](split=[5 / 7, 1 / 7, 1 / 7])
    data = train[:50]
    distributed = names["DistributedLabeledDataSet"](data)
    assert distributed.shape == data.shape and (distributed.rows, distributed.cols) == (50, 784)
    rows = distributed.collect()
    assert [p.label for p in rows] == data.labels.tolist()  # the input's order
    assert np.array_equal([p.features for p in rows], data.features)
    local = LocalLabeledDataSet(distributed.data)  # an RDD, collected
    assert sorted(local.labels.tolist()) == sorted(data.labels.tolist())
    assert np.array_equal(LocalLabeledDataSet(distributed).features, data.features)
    assert len(distributed.collect(unpersist=True)) == 50 and not distributed.blocks.is_cached
    assert distributed.collect()[3] == rows[3]  # still usable
    scaled = distributed.map_features(lambda X: X / 255)
    assert np.allclose([p.features for p in scaled.collect()], data.features / 255)
    set1, _ = LocalLabeledDataSet(data).split_data([0.1, 0.9], seed=123)
    assert set1.rows == 5
    set1, _ = distributed.split_data([0.9, 0.1], seed=123, balanced=True)
    assert set(set1.labels.collect()) == set(data.labels.tolist())


def test_file_round_trips_of_0_1_test_data(sc, tmp_path):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    rows = [(label, [feature]) for label, feature in zip(range(10), range(10, 20))]
    for data, path in ((DistributedLabeledDataSet(sc.parallelize(rows)), tmp_path / "spark"),
                       (LocalLabeledDataSet(rows), tmp_path / "local.txt")):
        data.save_file(path)  # the label last
        again = type(data)().load_file(path, label_column="last")
        assert sorted((p.label, p.features.tolist()) for p in again.collect()) == \
            [(float(label), [float(f) for f in features]) for label, features in rows]


def test_distributed_save_file_with_labels_of_one_element(sc, tmp_path):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    X, y = np.eye(3, dtype=np.float32), np.array([[0.5], [1.5], [2.5]])
    DistributedLabeledDataSet((X, y), sc).save_file(tmp_path / "targets")
    again = DistributedLabeledDataSet(tmp_path / "targets", sc)
    assert sorted(p.label for p in again.collect()) == [0.5, 1.5, 2.5]
