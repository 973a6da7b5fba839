import re

import numpy as np
import pytest

from learninspy.core.layers.dropout import Dropout
from learninspy.core.model import (ClassificationLayer, NetworkParameters, NeuralLayer,
                                   NeuralNetwork, RegressionLayer)
from learninspy.core.neurons import LocalNeurons
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import criterion
from learninspy.core.training import TrainingDivergedError
from learninspy.utils.checks import check_network
from learninspy.utils.data import LabeledPoint

DOCUMENTED_TEXT = """Layer 0 with 4 neurons, using ReLU activation and 0.0 ratio of DropOut.
Layer 1 with 8 neurons, using ReLU activation and 0.0 ratio of DropOut.
Layer 2 with 3 neurons, using Softmax activation.
The loss is CrossEntropy for a task of classification.
L1 strength is 1e-05 and L2 strength is 0.0003."""


def _gd(local_steps=10, sampling="fixed", **options):
    options = {"step-rate": 0.1, "momentum": 0.5, **options}
    return OptimizerParameters("GD", options, stops=[criterion["MaxIterations"](local_steps)],
                               sampling=sampling)


# --- NetworkParameters --------------------------------------------------------------------

def test_network_parameters_documented_example():
    net_params = NetworkParameters(units_layers=[4, 8, 3], dropout_ratios=[0.0, 0.0],
                                   activation="ReLU", strength_l1=1e-5, strength_l2=3e-4,
                                   classification=True, seed=123)
    assert net_params == net_params
    assert net_params != NetworkParameters(units_layers=[10, 2])
    assert str(net_params) == DOCUMENTED_TEXT


def test_network_parameters_defaults_and_regression_text():
    params = NetworkParameters([4, 30, 1], activation=["Tanh", "Identity"], classification=False)
    assert params.strength_l1 == 1e-5 and params.strength_l2 == 1e-4 and params.seed == 123
    assert params.dropout_ratios == [0.0, 0.0] and params.loss == "MSE"
    assert params.activation == ["Tanh", "Tanh", "Identity"]
    assert str(params).splitlines()[-3] == "Layer 2 with 1 neurons, using Identity activation."
    assert "task of regression" in str(params)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"units_layers": [4]}, ValueError, "at least 2 positive integers"),
    ({"units_layers": [4, 0, 3]}, ValueError, "positive integers"),
    ({"units_layers": [4, 8, 3], "activation": "Relu"}, ValueError, "valid choices"),
    ({"units_layers": [4, 8, 3], "activation": ["ReLU"] * 4}, ValueError, "must have 3 entries"),
    ({"units_layers": [4, 8, 3], "dropout_ratios": [0.5]}, ValueError, "must have 2 entries"),
    ({"units_layers": [4, 8, 3], "dropout_ratios": [0.5, 1.0]}, ValueError, r"\[0, 1\)"),
    ({"units_layers": [4, 8, 3], "dropout_ratios": [-0.1, 0.0]}, ValueError, r"\[0, 1\)"),
    ({"units_layers": [4, 8, 3], "strength_l2": -1}, ValueError, "strength_l2 must be"),
    ({"units_layers": [4, 8, 3], "dtype": "float16"}, ValueError, "dtype must be"),
])
def test_bad_network_parameters(kwargs, error, message):
    with pytest.raises(error, match=message):
        NeuralNetwork(NetworkParameters(**kwargs))


# --- Structure ----------------------------------------------------------------------------

def test_layers_from_parameters():
    network = NeuralNetwork(NetworkParameters([4, 8, 6, 3], activation="Tanh",
                                              dropout_ratios=[0.2, 0.5, 0.0]))
    assert [type(l) for l in network.list_layers] == [NeuralLayer, NeuralLayer,
                                                        ClassificationLayer]
    assert [type(l).__name__ for l in network.layers] == [
        "Dropout", "NeuralLayer", "Dropout", "NeuralLayer", "ClassificationLayer"]
    assert network.num_layers == 3
    assert network.list_layers[0].weights.shape == (4, 8)
    assert network.count_params == 4 * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3
    assert network.layers[1].params["w"].dtype == np.float32
    network.set_dropout_ratios([0.0, 0.0, 0.1])
    assert [type(l).__name__ for l in network.layers].count("Dropout") == 1
    assert network.params.dropout_ratios == [0.0, 0.0, 0.1]


def test_weight_initialisation_depends_on_the_activation():
    big = 400
    relu = NeuralLayer(big, big, "ReLU").params["w"]
    tanh = NeuralLayer(big, big, "Tanh").params["w"]
    sigmoid = NeuralLayer(big, big, "Sigmoid").params["w"]
    assert np.var(relu) == pytest.approx(2.0 / big, rel=0.05)
    assert np.abs(tanh).max() <= np.sqrt(6.0 / (2 * big))
    assert np.abs(sigmoid).max() == pytest.approx(4 * np.sqrt(6.0 / (2 * big)), rel=0.01)


def test_neural_layer_documented_example_and_given_weights():
    layer = NeuralLayer(10, 5, activation="Tanh")
    assert len(layer.output(np.random.default_rng(0).random(10))) == 5
    w, b = np.ones((3, 2)), np.array([0.5, -0.5])
    layer = NeuralLayer(3, 2, "Identity", w=LocalNeurons(w), b=b)
    assert layer.output(np.array([1.0, 1.0, 1.0])).tolist() == [3.5, 2.5]
    with pytest.raises(ValueError, match=r"must have shape \(3, 2\)"):
        NeuralLayer(3, 2, w=np.ones((2, 2)))


def test_list_layers_are_checked_and_output_layer_fixed():
    layers = [NeuralLayer(4, 8), NeuralLayer(8, 3)]
    network = NeuralNetwork(NetworkParameters([4, 8, 3]), list_layers=layers)
    assert type(network.list_layers[-1]) is ClassificationLayer
    assert np.array_equal(network.list_layers[-1].params["w"], layers[1].params["w"])
    regression = NeuralNetwork(NetworkParameters([4, 8, 3], classification=False),
                               list_layers=[NeuralLayer(4, 8), NeuralLayer(8, 3)])
    assert type(regression.list_layers[-1]) is RegressionLayer
    with pytest.raises(ValueError, match="maps 4 -> 8 units, units_layers needs 4 -> 5"):
        NeuralNetwork(NetworkParameters([4, 5, 3]), list_layers=layers)


# --- Gradients ----------------------------------------------------------------------------

@pytest.mark.parametrize("units, activation, classification, l1, l2", [
    ([4, 5, 3], "Tanh", True, 0.0, 0.0),
    ([3, 6, 5, 2], "Sigmoid", True, 1e-3, 1e-2),
    ([3, 4, 2], "ReLU", False, 1e-3, 1e-2),
    ([3, 4, 4, 2], "Softplus", False, 0.0, 0.0),
    ([2, 3, 2], ["LeakyReLU", "LeCunnSigm"], True, 1e-2, 1e-2),
    ([5, 7, 6, 4, 3], ["Identity", "Tanh", "ReLU", "Sigmoid", "Tanh"], True, 0.0, 1e-3),
])
def test_backpropagation_matches_finite_differences(rng, units, activation, classification,
                                                    l1, l2):
    # seed 2: with seed 123 an example reaches the ReLU output with every hidden unit off, so
    # its output sits exactly on the kink at 0, where finite differences see half a slope
    network = NeuralNetwork(NetworkParameters(units, activation, classification=classification,
                                              strength_l1=l1, strength_l2=l2, dtype="float64",
                                              seed=2))
    X = rng.normal(size=(6, units[0]))
    y = rng.integers(0, units[-1], 6) if classification else rng.normal(size=(6, units[-1]))
    assert check_network(network, (X, y)) < 1e-6


def test_documented_costs_norms_and_update(rng):
    network = NeuralNetwork(NetworkParameters([3, 4, 2], strength_l1=1e-2, strength_l2=1e-2,
                                              dtype="float64"))
    weights = [layer.params["w"] for layer in network.list_layers]
    l1, l1_grads = network.l1()
    assert l1 == pytest.approx(1e-2 * sum(np.abs(w).sum() for w in weights))
    assert np.allclose(l1_grads[0].collect(), 1e-2 * np.sign(weights[0]))
    l2, l2_grads = network.l2()
    assert l2 == pytest.approx(1e-2 * 0.5 * sum((w ** 2).sum() for w in weights))
    points = [LabeledPoint(int(rng.integers(2)), rng.normal(size=3)) for _ in range(5)]
    cost, (nabla_w, nabla_b) = network.cost_overall(points)
    assert len(nabla_w) == len(nabla_b) == 2 and nabla_w[0].shape == (3, 4)
    single, _ = network.cost_single(points[0].features, points[0].label)
    single_vector, _ = network.cost_single(points[0].features, np.eye(2)[points[0].label])
    assert single == pytest.approx(single_vector)
    before = network.list_layers[0].params["w"].copy()
    assert network.update([-g for g in nabla_w], [-g for g in nabla_b]) is network
    assert np.allclose(network.list_layers[0].params["w"], before - nabla_w[0].collect())
    network.set_l1(0.0)
    network.set_l2(0.5)
    assert network.params.strength_l1 == 0.0 and network.l2()[0] > l2


# --- Predictions --------------------------------------------------------------------------

def test_predict_one_or_many(iris_split):
    network = NeuralNetwork(NetworkParameters([4, 8, 3]))
    test = iris_split[1]
    many = network.predict(test.features)
    assert many.shape == (45, 3) and np.allclose(many.sum(axis=1), 1.0, atol=1e-5)
    assert np.allclose(network.predict(test.features[0]), many[0])
    assert np.allclose(network.predict(test.collect()), many)
    assert np.allclose(network.predict(test), many)
    assert np.allclose(network.predict(test.collect()[3]), many[3])


def test_evaluate_returns_predictions(iris_split):
    network = NeuralNetwork(NetworkParameters([4, 8, 3]))
    score, predicted = network.evaluate(iris_split[1], predictions=True, measure="Accuracy")
    assert predicted.shape == (45,)
    assert score == pytest.approx(np.mean(predicted == iris_split[1].labels))


# --- fit ----------------------------------------------------------------------------------

@pytest.mark.parametrize("parallelism", [1, 2, -1])
@pytest.mark.parametrize("sampling", ["fixed", "fresh"])
def test_fit_reaches_93_percent_on_iris(iris_scaled, parallelism, sampling):
    train, test = iris_scaled
    # Across network seeds 0-9, 7 to 10 of them reach the bar in each configuration; seed 9
    # reaches 0.978 in all six.
    network = NeuralNetwork(NetworkParameters([4, 8, 3], activation="Tanh", seed=9))
    network.fit(train, mini_batch=30, parallelism=parallelism,
                stops=[criterion["MaxIterations"](30)], optimizer_params=_gd(sampling=sampling))
    assert network.evaluate(test, measure="F-measure") >= 0.93


def test_parallelism_counts(iris_scaled):
    network = NeuralNetwork(NetworkParameters([4, 8, 3]))
    network.fit(iris_scaled[0], mini_batch=30, parallelism=-1, verbose=2,
                stops=[criterion["MaxIterations"](1)], optimizer_params=_gd(1))
    assert len(network.history) == 1


def test_reproducible_fits_give_identical_weights(iris_scaled):
    def train(parallelism):
        network = NeuralNetwork(NetworkParameters([4, 8, 3], dropout_ratios=[0.1, 0.2]))
        network.fit(iris_scaled[0], mini_batch=16, parallelism=parallelism,
                    stops=[criterion["MaxIterations"](5)], reproducible=True,
                    optimizer_params=_gd(sampling="fresh"))
        return network
    first, second = train(2), train(2)
    assert np.array_equal(first.get_parameters(), second.get_parameters())
    again = first.get_parameters()
    first.fit(iris_scaled[0], mini_batch=16, parallelism=2, stops=[criterion["MaxIterations"](5)],
              reproducible=True, optimizer_params=_gd(sampling="fresh"))
    assert not np.array_equal(first.get_parameters(), again)  # went on training from there


def test_history_and_validation(iris_scaled):
    train, test = iris_scaled
    network = NeuralNetwork(NetworkParameters([4, 8, 3], activation="Tanh"))
    score = network.fit(train, test, valid_iters=3, stops=[criterion["MaxIterations"](7)],
                        optimizer_params=_gd(), parallelism=1)
    history = network.history
    assert history.iterations == list(range(1, 8))
    assert history.epochs == [1, 4, 7]
    assert len(history.hits_valid) == 3 and np.isnan(history.valid[1])
    assert score == history.final["valid"] == pytest.approx(network.evaluate(test))
    assert network.check_stop(7, [criterion["MaxIterations"](7)])
    assert not network.check_stop(3, [criterion["MaxIterations"](7),
                                      criterion["AchieveTolerance"](1.01)])


def test_default_stops_end_on_the_validation_score(iris_scaled):
    network = NeuralNetwork(NetworkParameters([4, 8, 3], activation="Tanh"))
    network.fit(iris_scaled[0], iris_scaled[0], valid_iters=1, optimizer_params=_gd())
    history = network.history
    assert len(history) == 5 or history.hits_valid[-1] >= 0.95


def test_keep_best_restores_the_best_validation_model(iris_scaled):
    train, test = iris_scaled
    network = NeuralNetwork(NetworkParameters([4, 8, 3], activation="Tanh"))
    network.fit(train, test, valid_iters=1, keep_best=True, parallelism=1,
                stops=[criterion["MaxIterations"](15)],
                optimizer_params=_gd(**{"step-rate": 1.5}))  # noisy on purpose
    best = max(network.history.hits_valid)
    assert network.evaluate(test) == pytest.approx(best)
    assert network.history.final["valid"] == pytest.approx(best)


def test_regression_on_ccpp(ccpp_split):
    train, test = ccpp_split
    network = NeuralNetwork(NetworkParameters([4, 30, 1], activation=["ReLU", "Identity"],
                                              classification=False, strength_l1=0.0,
                                              strength_l2=0.0))
    params = OptimizerParameters("Adam", {"step-rate": 0.005}, merge_criter="avg",
                                 stops=[criterion["MaxIterations"](20)], sampling="fresh",
                                 keep_state=True)
    network.fit(train, mini_batch=64, parallelism=1, stops=[criterion["MaxIterations"](100)],
                optimizer_params=params)
    assert network.evaluate(test, measure="R2") >= 0.93


def test_divergence_stops_with_a_clear_error_and_finite_weights():
    from learninspy.utils.data import load_ccpp
    data = load_ccpp()  # unscaled targets around 450 MW: a large step-rate explodes
    network = NeuralNetwork(NetworkParameters([4, 10, 1], activation=["Tanh", "Identity"],
                                              classification=False))
    params = OptimizerParameters("GD", {"step-rate": 0.5}, stops=[criterion["MaxIterations"](5)],
                                 merge_criter="avg")
    with pytest.raises(TrainingDivergedError, match=r"iteration \d+.*keeps the weights of "
                                                    r"iteration \d+"):
        network.fit(data, mini_batch=20, parallelism=2, optimizer_params=params,
                    stops=[criterion["MaxIterations"](50)])
    last = len(network.history)
    assert np.all(np.isfinite(network.get_parameters()))
    assert np.all(np.isfinite(network.predict(data.features[:10])))
    assert all(np.isfinite(network.history.cost[:last]))


@pytest.mark.parametrize("parallelism", [1, 2])
@pytest.mark.parametrize("diverging", ["cost", "weights"])
def test_a_diverged_fit_keeps_the_weights_its_error_names(parallelism, diverging):
    """With one replica, the replica trains the model itself: the fit must still go back to
    the weights of the last finished iteration, whether the cost became NaN mid-iteration or
    the last step of an iteration made the weights infinite."""
    from learninspy.training import Callback
    from learninspy.utils.data import load_ccpp, load_iris
    if diverging == "cost":  # unscaled CCPP targets: the cost explodes after a few steps
        data, units, rate, local = load_ccpp(), [4, 10, 1], 0.5, 7
    else:  # a step rate at float32's limit: the first step's weights overflow to inf
        data, units, rate, local = load_iris(), [4, 10, 3], 3.4e38, 1
    network = NeuralNetwork(NetworkParameters(units, activation=["Tanh", "Identity"],
                                              classification=diverging == "weights", seed=1))
    finished = {0: network.get_parameters()}

    class Record(Callback):
        def on_iteration_end(self, loop):
            finished[loop.iteration] = loop.model.get_parameters()

    params = OptimizerParameters("GD", {"step-rate": rate},
                                 stops=[criterion["MaxIterations"](local)], merge_criter="avg")
    with pytest.raises(TrainingDivergedError, match=r"keeps the weights of iteration (\d+)") \
            as raised:
        network.fit(data, mini_batch=20, parallelism=parallelism, optimizer_params=params,
                    stops=[criterion["MaxIterations"](50)], callbacks=[Record()])
    kept = int(re.search(r"weights of iteration (\d+)", str(raised.value)).group(1))
    assert kept == max(finished)
    assert np.array_equal(network.get_parameters(), finished[kept])
    assert len(network.history or []) == kept

# --- Bad input, rejected before training --------------------------------------------------

@pytest.fixture
def small():
    X = np.random.default_rng(0).normal(size=(20, 4)).astype(np.float32)
    y = np.arange(20) % 3
    return X, y


@pytest.mark.parametrize("mutate, error, message", [
    (lambda X, y: (X[:, :3], y), ValueError, "3 columns per example but the model takes inputs "
                                             r"of shape \(4,\)"),
    (lambda X, y: (X, np.where(y == 2, 3, y)), ValueError, r"label 3 at row 2 is not a class "
                                                             r"index in \[0, 3\)"),
    (lambda X, y: (X, y + 0.5), ValueError, "not a class index"),
    (lambda X, y: (np.where(np.arange(20)[:, None] == 5, np.nan, X), y), ValueError,
     "NaN or inf .first at row 5"),
    (lambda X, y: (X[:0], y[:0]), ValueError, "the data set is empty"),
    (lambda X, y: (X, y[:10]), ValueError, "20 rows but labels have 10"),
    (lambda X, y: (X.astype(str), y), TypeError, "features must be numeric"),
])
def test_bad_data_is_rejected_before_training(small, mutate, error, message):
    network = NeuralNetwork(NetworkParameters([4, 8, 3]))
    before = network.get_parameters()
    with pytest.raises(error, match=message):
        network.fit(mutate(*small))
    assert np.array_equal(network.get_parameters(), before)


def test_bad_regression_targets(small):
    X, _ = small
    network = NeuralNetwork(NetworkParameters([4, 8, 2], classification=False))
    with pytest.raises(ValueError, match="targets have 1 values per example but the model has 2"):
        network.fit((X, np.zeros(20)))
    with pytest.raises(ValueError, match="targets contain NaN or inf .first at row 0"):
        network.fit((X, np.full((20, 2), np.inf)))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"mini_batch": 0}, ValueError, "mini_batch must be an integer >= 1"),
    ({"mini_batch": 2.5}, ValueError, "mini_batch must be an integer"),
    ({"parallelism": -2}, ValueError, "parallelism must be an integer >= -1"),
    ({"valid_iters": 0}, ValueError, "valid_iters must be"),
    ({"measure": "R2"}, ValueError, r"unknown measure 'R2' for classification; valid measures "
                                    r"are \['Accuracy'"),
    ({"optimizer_params": {"algorithm": "GD"}}, TypeError, "must be an OptimizerParameters"),
    ({"stops": ["MaxIterations"]}, TypeError, "must be callable"),
    ({"engine": "dask"}, ValueError, r"unknown engine 'dask'; valid engines are \['local', "
                                     r"'spark'\]"),
    ({"verbose": 3}, ValueError, "verbose must be 0, 1 or 2"),
])
def test_bad_fit_arguments(small, kwargs, error, message):
    network = NeuralNetwork(NetworkParameters([4, 8, 3]))
    with pytest.raises(error, match=message):
        network.fit(small, **kwargs)


def test_wrong_kind_of_data():
    network = NeuralNetwork(NetworkParameters([4, 8, 3]))
    with pytest.raises(TypeError, match="data must be a LabeledDataSet, a pair"):
        network.fit(42)
    with pytest.raises(TypeError, match="item 1 of the data is a int, not a labeled point"):
        network.fit([LabeledPoint(0, [1, 2, 3, 4]), 5])
    with pytest.raises(ValueError, match="labeled point 1 has 3 features, point 0 has 4"):
        network.fit([LabeledPoint(0, [1, 2, 3, 4]), LabeledPoint(1, [1, 2, 3])])


def test_dropout_layer_draws_a_fresh_mask_every_step():
    layer = Dropout(0.5)
    layer.rng = np.random.default_rng(0)
    x = np.ones((4, 100), dtype=np.float32)
    first, second = layer.forward(x, training=True).copy(), layer.forward(x, training=True)
    assert not np.array_equal(first, second)
    assert set(np.unique(first)) == {0.0, 2.0}
    assert np.array_equal(layer.forward(x, training=False), x)


def test_reproducible_weights_do_not_depend_on_thread_scheduling():
    from learninspy.core.training import fit
    from learninspy.engine.local import LocalEngine
    from learninspy.utils.data import load_mnist
    digits = load_mnist()
    data = (digits.features[:600] / 255.0, digits.labels[:600])

    def train(workers):
        network = NeuralNetwork(NetworkParameters([784, 64, 10], seed=5))
        fit(network, data, mini_batch=64, parallelism=2, reproducible=True,
            stops=[criterion["MaxIterations"](3)], engine=LocalEngine(workers=workers),
            optimizer_params=_gd(5, sampling="fresh"))
        return network.get_parameters()

    assert np.array_equal(train(1), train(2))


def test_summary_lists_layers_and_totals():
    network = NeuralNetwork(NetworkParameters([784, 256, 10], dropout_ratios=[0.2, 0.0]))
    table = network.summary(print_fn=None)
    lines = table.splitlines()
    assert lines[0] == 'Model: "NeuralNetwork"'
    assert any(line.startswith("dropout_1 (Dropout)") and "rate 0.2" in line for line in lines)
    assert any("(None, 256)" in line and "ReLU" in line and "200,960" in line for line in lines)
    assert "Total params: 203,530" in lines and "Non-trainable params: 0" in lines


def test_unknown_loss_is_rejected_at_construction():
    from learninspy.core.layers import Dense
    from learninspy.core.sequential import Sequential
    with pytest.raises(ValueError, match=r"unknown loss 'Hinge'; valid choices are "
                                         r"\['CrossEntropy', 'BinaryCrossEntropy', 'MSE'\]"):
        Sequential([Dense(2)], loss="Hinge", input_shape=(3,))
