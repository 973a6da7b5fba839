import numpy as np
import pytest

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.utils.data import LocalLabeledDataSet
from learninspy.utils.scaling import (MinMaxScaler, ScaledModel, StandardScaler,
                                      scaler_from_dict)


def _data(seed=0, n=200):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * [1.0, 10.0, 0.1] + [5.0, -3.0, 100.0]
    return X, rng.integers(0, 2, n)


@pytest.mark.parametrize("scaler", [StandardScaler(), MinMaxScaler(), MinMaxScaler((-1, 1)),
                                    StandardScaler(mean=False), StandardScaler(std=False)])
def test_scalers_invert_exactly_on_arrays_and_data_sets(scaler):
    X, y = _data()
    train = LocalLabeledDataSet((X, y), dtype=np.float64)
    scaled = scaler.fit_transform(train)
    assert isinstance(scaled, LocalLabeledDataSet) and np.array_equal(scaled.labels, y)
    assert np.allclose(scaler.inverse_transform(scaled).features, X)
    other = _data(seed=1)[0]
    assert np.allclose(scaler.inverse_transform(scaler.transform(other)), other)
    assert np.allclose(scaler.transform(other), scaler.transform(LocalLabeledDataSet(
        (other, np.zeros(len(other))), dtype=np.float64)).features)


def test_standard_scaler_standardises_and_minmax_fills_the_range():
    X, y = _data()
    standard = StandardScaler().fit_transform(X)
    assert np.allclose(standard.mean(axis=0), 0.0)
    assert np.allclose(standard.std(axis=0, ddof=1), 1.0)
    minmax = MinMaxScaler((-1, 2)).fit_transform(X)
    assert np.allclose(minmax.min(axis=0), -1.0) and np.allclose(minmax.max(axis=0), 2.0)


def test_constant_columns_and_dtypes():
    X = np.array([[1.0, 7.0], [3.0, 7.0]], dtype=np.float32)
    assert StandardScaler().fit_transform(X).tolist() == [[-0.7071067690849304, 0.0],
                                                          [0.7071067690849304, 0.0]]
    assert MinMaxScaler().fit_transform(X).tolist() == [[0.0, 0.0], [1.0, 0.0]]
    assert StandardScaler().fit(X).transform(X).dtype == np.float32
    assert StandardScaler().fit([[1, 2], [3, 4]]).transform(np.array([[1, 2]])).dtype == np.float64


def test_scalers_work_through_the_hooks_only(hooks_only):
    X, y = _data()
    remote = hooks_only(X, y)
    scaler = StandardScaler().fit(remote)
    scaled = scaler.transform(remote)
    assert remote.mapped == 1 and np.allclose(scaled._X, StandardScaler().fit_transform(X))
    assert np.allclose(MinMaxScaler().fit(remote).transform(remote)._X,
                       MinMaxScaler().fit_transform(X))


def test_scaler_errors_name_the_problem():
    with pytest.raises(ValueError, match="not fitted yet: call fit"):
        StandardScaler().transform(np.ones((2, 2)))
    scaler = StandardScaler().fit(np.ones((3, 4)))
    with pytest.raises(ValueError, match="features have 2 columns; this StandardScaler was "
                                         "fitted on 4"):
        scaler.transform(np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"an \(n, d\) numeric array, got ndarray of shape \(3,\)"):
        StandardScaler().fit(np.ones(3))
    with pytest.raises(ValueError, match="low < high"):
        MinMaxScaler((1, 1))


@pytest.mark.parametrize("scaler", [StandardScaler(std=False), MinMaxScaler((-2, 2))])
def test_scalers_survive_a_json_round_trip(scaler):
    X, _ = _data()
    scaler.fit(X)
    again = scaler_from_dict(scaler.to_dict())
    assert type(again) is type(scaler) and np.array_equal(again.transform(X), scaler.transform(X))
    with pytest.raises(ValueError, match="unknown scaler kind 'Robust'"):
        scaler_from_dict({"kind": "Robust"})


def test_scaled_model_predicts_and_scores_in_the_data_units(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2)) * [100.0, 0.01]
    y = 500.0 + 30.0 * (X[:, 0] / 100.0) - 20.0 * (X[:, 1] / 0.01)
    train = LocalLabeledDataSet((X, y))
    model = ScaledModel(NeuralNetwork(NetworkParameters([2, 1], activation="Identity",
                                                        classification=False, strength_l1=0.0,
                                                        strength_l2=0.0, dtype="float64")),
                        StandardScaler().fit(train), StandardScaler().fit(y.reshape(-1, 1)))
    scaled = model.training_data(train)
    assert np.allclose(scaled.labels.mean(), 0.0) and np.allclose(scaled.features.std(axis=0), 1.0,
                                                                   atol=0.01)
    design = np.column_stack([scaled.features, np.ones(300)])
    model.model.set_parameters(np.linalg.lstsq(design, scaled.labels[:, 0], rcond=None)[0])
    assert np.allclose(model.predict(X)[:, 0], y)
    metrics = model.metrics(train)
    assert metrics["R2"] == pytest.approx(1.0) and metrics["RMSE"] < 1e-6
    model.save(tmp_path / "m.lea", extra={"note": "kept"})
    again, extra = ScaledModel.load(tmp_path / "m.lea")
    assert extra == {"note": "kept"} and np.array_equal(again.predict(X), model.predict(X))


def test_metrics_agree_with_the_models_own_evaluation(iris_scaled):
    from learninspy.core.optimization import OptimizerParameters
    from learninspy.core.stops import criterion
    from learninspy.layers import Dense, Sequential
    train, test = iris_scaled
    binary = LocalLabeledDataSet((train.features, (train.labels == 2).astype(float)))
    models = [(NeuralNetwork(NetworkParameters([4, 6, 3], seed=2)), train),
              (Sequential([Dense(4, activation="Tanh"), Dense(1, activation="Sigmoid")],
                          loss="BinaryCrossEntropy", input_shape=(4,)), binary)]
    for model, data in models:
        model.fit(data, mini_batch=16, parallelism=1, stops=[criterion["MaxIterations"](5)],
                  optimizer_params=OptimizerParameters("Adam", {"step-rate": 0.05}))
        metrics = ScaledModel(model).metrics(data)
        for measure, value in metrics.items():
            assert value == pytest.approx(model.evaluate(data, measure=measure))
        assert metrics["Accuracy"] > 0.6
