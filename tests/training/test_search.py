import csv

import numpy as np
import pytest

from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.search import RandomSearch, check_domain, network_domain
from learninspy.core.stops import criterion
from learninspy.utils.data import LocalLabeledDataSet, load_iris, split_data


@pytest.fixture(scope="module")
def iris_three():
    train, valid, test = split_data(load_iris(), [0.7, 0.15, 0.15], seed=123, balanced=True)
    mean, std = train.features.mean(axis=0), train.features.std(axis=0)
    return [LocalLabeledDataSet(((d.features - mean) / std, d.labels))
            for d in (train, valid, test)]


def _template(**searched):
    fields = dict(activation=True, dropout_ratios=False, strength_l1=True, strength_l2=True)
    fields.update(searched)
    return NetworkParameters([4, 10, 3], **fields)


FIT = dict(mini_batch=32, parallelism=1, valid_iters=2, reproducible=True,
           stops=[criterion["MaxIterations"](20)],
           optimizer_params=OptimizerParameters("Adam", {"step-rate": 0.01}, merge_criter="avg",
                                                stops=[criterion["MaxIterations"](10)],
                                                sampling="fresh", keep_state=True))


@pytest.fixture(scope="module")
def iris_search(iris_three):
    search = RandomSearch(_template(), n_layers=0, n_iter=8, seed=123)
    best = search.fit(NeuralNetwork, *iris_three, workers=2, **FIT)
    return search, best


def test_iris_search_finds_a_good_configuration(iris_search, iris_three):
    search, best = iris_search
    rows = search.results.rows
    assert len(rows) == 8
    assert max(row["test"] for row in rows) >= 0.95
    keys = [(-row["valid"], row["valid_cost"]) for row in rows]
    assert keys == sorted(keys)  # best validation score first, ties by validation cost
    assert [row["rank"] for row in rows] == list(range(1, 9))
    assert best is search.best_model
    assert best.evaluate(iris_three[2]) == pytest.approx(rows[0]["test"])
    assert best.evaluate(iris_three[1]) == pytest.approx(rows[0]["valid"])


def test_results_print_and_export(iris_search, tmp_path):
    search, _ = iris_search
    text = str(search.results).splitlines()
    assert text[0].split()[:3] == ["rank", "candidate", "units_layers"]
    assert len(text) == 2 + 8
    path = tmp_path / "search.csv"
    search.results.to_csv(path)
    with open(path) as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 8 and rows[0]["rank"] == "1"
    assert float(rows[0]["valid"]) == search.results.best["valid"]
    assert rows[0]["units_layers"] == "[4, 10, 3]"


def test_the_same_seed_samples_the_same_candidates():
    first = RandomSearch(_template(dropout_ratios=True), n_layers=-1, n_iter=6, seed=7)
    second = RandomSearch(_template(dropout_ratios=True), n_layers=-1, n_iter=6, seed=7)
    other = RandomSearch(_template(dropout_ratios=True), n_layers=-1, n_iter=6, seed=8)
    as_dicts = lambda search: [p.to_dict() for p in search.candidates]
    assert as_dicts(first) == as_dicts(second)
    assert as_dicts(first) != as_dicts(other)


def test_one_or_two_worker_processes_give_the_same_table(iris_three, iris_search):
    search = RandomSearch(_template(), n_layers=0, n_iter=8, seed=123)
    search.fit(NeuralNetwork, *iris_three, workers=1, **FIT)
    strip = lambda results: [{k: v for k, v in row.items() if k != "seconds"} for row in results]
    assert strip(search.results) == strip(iris_search[0].results)


def test_sampled_configurations_respect_the_domain():
    domain = dict(network_domain, n_layers=((3, 5), 0), perc_neurons=((0.5, 1.0), 1),
                  activation=["Tanh", "Sigmoid"], dropout_ratios=((0.1, 0.3), 1),
                  l2=((1e-5, 1e-2), 6, "log"))
    search = RandomSearch(_template(dropout_ratios=True), n_layers=-1, n_iter=20,
                          net_domain=domain, seed=1)
    for params in search.candidates:
        assert 3 <= len(params.units_layers) <= 5
        assert params.units_layers[0] == 4 and params.units_layers[-1] == 3
        assert set(params.activation[1:-1]) <= {"Tanh", "Sigmoid"}
        assert all(0.1 <= r <= 0.3 for r in params.dropout_ratios)
        assert 1e-5 <= params.strength_l2 <= 1e-2
    fixed = RandomSearch(_template(), n_layers=4, n_iter=3, seed=1)
    assert all(len(p.units_layers) == 4 for p in fixed.candidates)
    kept = RandomSearch(_template(), n_layers=0, n_iter=3, seed=1)
    assert all(p.units_layers == [4, 10, 3] for p in kept.candidates)
    assert all(p.dropout_ratios == [0.0, 0.0] for p in kept.candidates)  # not searched


@pytest.mark.parametrize("domain, message", [
    ({}, "non-empty dict"),
    (dict(network_domain, l1=((1e-3, 1e-6), 6)), "low 0.001 is greater than high 1e-06"),
    (dict(network_domain, activation=["ReLU", "Swish"]), "unknown activation 'Swish'"),
    (dict(network_domain, activation=[]), "non-empty list"),
    (dict(network_domain, depth=((2, 3), 0)), r"unknown domain keys \['depth'\]"),
    (dict(network_domain, l2=(1e-6, 1e-3)), r"must be \(\(low, high\), precision\)"),
    ({k: v for k, v in network_domain.items() if k != "l1"}, r"lacks \['l1'\]"),
])
def test_bad_domains_are_rejected_before_training(domain, message):
    with pytest.raises(ValueError, match=message):
        RandomSearch(_template(), n_iter=2, net_domain=domain)


def test_bad_search_arguments(iris_three):
    with pytest.raises(ValueError, match="n_iter must be an integer >= 1"):
        RandomSearch(_template(), n_iter=0)
    with pytest.raises(ValueError, match="n_layers must be -1"):
        RandomSearch(_template(), n_layers=1)
    with pytest.raises(TypeError, match="net_params must be a NetworkParameters"):
        RandomSearch({"units_layers": [4, 3]})
    search = RandomSearch(_template(), n_iter=2)
    with pytest.raises(TypeError, match="type_model must be NeuralNetwork or a subclass"):
        search.fit(dict, *iris_three)
    train, valid, test = iris_three
    wide = LocalLabeledDataSet((np.hstack([test.features, test.features]), test.labels))
    with pytest.raises(ValueError, match=r"test set: features have 8 columns"):
        search.fit(NeuralNetwork, train, valid, wide)
    assert search.results is None  # nothing was trained


def test_a_template_is_not_a_network():
    template = _template()
    assert template.searched == ["activation", "strength_l1", "strength_l2"]
    assert "L1 strength is <searched>" in str(template)
    with pytest.raises(ValueError, match="marks .* to be searched"):
        NeuralNetwork(template)
    check_domain(network_domain)


def _without_seconds(results):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in results]


def test_local_and_spark_searches_give_the_same_table(iris_three, iris_search, sc):
    search = RandomSearch(_template(), n_layers=0, n_iter=8, seed=123)
    search.fit(NeuralNetwork, *iris_three, engine="spark", **FIT)
    assert _without_seconds(search.results) == _without_seconds(iris_search[0].results)


def test_a_search_on_distributed_data_runs_the_distributed_fit(iris_three, sc):
    from learninspy.utils.distributed import DistributedLabeledDataSet
    train, valid, test = iris_three
    search = RandomSearch(_template(), n_layers=0, n_iter=2, seed=5)
    best = search.fit(NeuralNetwork, DistributedLabeledDataSet(train, sc), valid, test,
                      **dict(FIT, stops=[criterion["MaxIterations"](3)]))
    assert len(search.results) == 2 and best is search.best_model
    assert 0.0 <= search.results.best["test"] <= 1.0


def test_a_search_over_stacked_autoencoders(iris_three):
    from learninspy.core.autoencoder import StackedAutoencoder
    search = RandomSearch(_template(), n_layers=0, n_iter=2, seed=3)
    best = search.fit(StackedAutoencoder, *iris_three, workers=1,
                      **dict(FIT, stops=[criterion["MaxIterations"](3)]))
    assert isinstance(best, StackedAutoencoder) and best.pretrained
    assert len(best.autoencoders) == 1 and len(search.results) == 2
