"""One training step: train_step is what every way of training runs, and the fused step, the
fast path of large models, computes it bit for bit."""

import numpy as np
import pytest

from learninspy.core import rules, step
from learninspy.core.batches import FixedBatch, TrainingSet
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import Minimizer, OptimizerParameters, optimize
from learninspy.core.stops import MaxIterations
from learninspy.layers import Dense, Dropout, Sequential

RULES = [("GD", {"step-rate": 0.05}), ("GD", {"step-rate": 0.05, "momentum": 0.9}),
         ("GD", {"step-rate": 0.05, "momentum": 0.9, "momentum_type": "nesterov"}),
         ("Adam", {"step-rate": 0.01}), ("RMSProp", {"step-rate": 0.01, "momentum": 0.5}),
         ("RMSProp", {"step-rate": 0.01}), ("Adadelta", {"momentum": 0.5})]


def _large_model():
    """Above the fused step's threshold, with every kind of penalty and dropout."""
    model = Sequential([Dense(300, "ReLU"), Dropout(0.1), Dense(200, "Tanh"), Dense(4, "Softmax")],
                       loss="CrossEntropy", input_shape=(60,), seed=5, strength_l1=1e-4,
                       strength_l2=1e-3)
    assert model.count_params >= step.FUSED_STEP_SIZE
    return model


@pytest.mark.parametrize("chunk", [step.UPDATE_CHUNK, 1000])
@pytest.mark.parametrize("algorithm, options", RULES)
def test_the_fused_step_equals_the_plain_step_bit_for_bit(algorithm, options, chunk, rng,
                                                          monkeypatch):
    """Also when each layer is updated in several chunks, the last one shorter."""
    monkeypatch.setattr(step, "UPDATE_CHUNK", chunk)
    X = rng.normal(size=(32, 60)).astype(np.float32)
    plain, fused = _large_model(), _large_model()
    targets = plain.target_matrix(rng.integers(0, 4, 32))
    rule = rules.get(algorithm)(options)
    states = [rule.init(plain.parameter_vector), rule.init(fused.parameter_vector)]
    for model in (plain, fused):
        model.set_rng(np.random.default_rng(1))  # the same dropout masks
    for _ in range(5):
        cost_plain, states[0] = step.train_step(plain, (X, targets), rule, states[0])
        cost_fused, states[1] = step.fused_train_step(fused, (X, targets), rule, states[1])
        assert cost_plain == cost_fused
    assert np.array_equal(plain.get_parameters(), fused.get_parameters())
    assert all(np.array_equal(states[0][key], states[1][key]) for key in states[0])
    assert float(states[0]["steps"]) == 5


def test_a_step_adds_the_rules_step_to_the_parameters(rng):
    """The reference step by hand: gradients of the batch, then w <- w - lr g for plain GD."""
    model = Sequential([Dense(3, "Softmax")], loss="CrossEntropy", input_shape=(2,),
                       dtype="float64", seed=1)
    X, targets = rng.normal(size=(5, 2)), model.target_matrix(rng.integers(0, 3, 5))
    before = model.get_parameters()
    model.loss_and_gradients(X, targets)
    gradients = model.gradient_vector.copy()
    model.set_parameters(before)
    rule = rules.GD({"step-rate": 0.1})
    cost, state = step.train_step(model, (X, targets), rule, rule.init(model.parameter_vector))
    assert np.allclose(model.get_parameters(), before - 0.1 * gradients, rtol=0, atol=1e-15)
    assert np.isfinite(cost) and float(state["steps"]) == 1


def test_a_cost_that_is_not_finite_updates_nothing(rng):
    model = _large_model()
    model.parameter_vector[0] = np.nan
    before = model.get_parameters()
    X, targets = rng.normal(size=(4, 60)), model.target_matrix(np.zeros(4, dtype=int))
    rule = rules.Adam()
    for take_step in (step.train_step, step.fused_train_step):
        state = rule.init(model.parameter_vector)
        cost, state = take_step(model, (X, targets), rule, state)
        assert not np.isfinite(cost) and float(state["steps"]) == 0
        assert np.array_equal(model.get_parameters(), before, equal_nan=True)


def _counting(monkeypatch):
    calls = {"train_step": 0, "fused_train_step": 0}
    for name in calls:
        original = getattr(step, name)

        def counted(*args, _name=name, _original=original):
            calls[_name] += 1
            return _original(*args)

        monkeypatch.setattr(step, name, counted)
    return calls


def test_the_iterator_step_and_the_engines_run_train_step(monkeypatch, iris_scaled):
    calls = _counting(monkeypatch)
    network = NeuralNetwork(NetworkParameters([4, 6, 3], seed=2))
    params = OptimizerParameters("Adam", stops=[MaxIterations(4)])
    list(Minimizer["Adam"](network, iris_scaled[0], params))          # the iterator
    assert calls == {"train_step": 4, "fused_train_step": 0}
    optimize(network, iris_scaled[0], params, mini_batch=8, in_place=False)  # one replica
    assert calls["train_step"] == 8
    network.fit(iris_scaled[0], mini_batch=8, parallelism=2, optimizer_params=params,
                stops=[MaxIterations(3)], engine="local")            # 3 x 2 replicas x 4
    assert calls["train_step"] == 8 + 24
    large = _large_model()
    list(Minimizer["GD"](large, FixedBatch(TrainingSet.of(
        large, (np.ones((4, 60)), np.zeros(4))).rows(slice(None))),
        OptimizerParameters("GD", stops=[MaxIterations(2)])))
    assert calls["fused_train_step"] == 2


def test_a_hand_written_loops_step_is_the_second_half_of_train_step(rng):
    """optimizer.step() after the model's own backward pass gives train_step's weights, to
    rounding: train_step folds GD's -step-rate into backpropagation, step() multiplies the
    gradients by it."""
    X = rng.normal(size=(16, 4))
    loop, reference = (Sequential([Dense(5, "Tanh"), Dense(3, "Softmax")], loss="CrossEntropy",
                                  input_shape=(4,), dtype="float64", seed=3) for _ in range(2))
    targets = loop.target_matrix(rng.integers(0, 3, 16))
    optimizer = Minimizer["GD"](loop, options={"step-rate": 0.1, "momentum": 0.9})
    rule = rules.GD({"step-rate": 0.1, "momentum": 0.9})
    state = rule.init(reference.parameter_vector)
    for _ in range(3):
        optimizer.zero_grad()
        loop.loss_and_gradients(X, targets)
        optimizer.step()
        _, state = step.train_step(reference, (X, targets), rule, state)
    assert np.allclose(loop.get_parameters(), reference.get_parameters(), rtol=1e-13, atol=0)


@pytest.mark.parametrize("strengths", [(0.0, 0.0), (1e-3, 1e-2)])
def test_a_scaled_backward_pass_gives_the_scaled_gradients_and_the_same_cost(strengths, rng):
    """What train_step folds into backpropagation for GD: every gradient times the scale,
    the L1 / L2 penalties' included; the cost unscaled."""
    model = Sequential([Dense(6, "Tanh"), Dense(3, "Softmax")], loss="CrossEntropy",
                       input_shape=(4,), dtype="float64", seed=2, strength_l1=strengths[0],
                       strength_l2=strengths[1])
    X, targets = rng.normal(size=(10, 4)), model.target_matrix(rng.integers(0, 3, 10))
    cost = model.loss_and_gradients(X, targets)
    gradients = model.gradient_vector.copy()
    assert model.loss_and_gradients(X, targets, scale=-0.3) == cost
    assert np.allclose(model.gradient_vector, -0.3 * gradients, rtol=1e-13, atol=1e-16)


def test_a_layer_adding_its_own_gradient_keeps_the_gradients_unscaled():
    from learninspy.core.layers.noise import KLSparsity
    model = Sequential([Dense(6, "Sigmoid"), KLSparsity(0.1), Dense(3, "Softmax")],
                       loss="CrossEntropy", input_shape=(4,), seed=2)
    assert not model.scales_gradients
    assert step.gradient_scale(model, rules.GD({"step-rate": 0.1})) is None
    assert step.gradient_scale(_large_model(), rules.GD({"step-rate": 0.1})) == -0.1
    assert step.gradient_scale(_large_model(), rules.Adam()) is None


def test_a_new_rule_is_one_class_and_trains_with_fit(iris_scaled):
    """Sign descent: the step is -lr sign(g). Registered, it is an algorithm of
    OptimizerParameters and of Minimizer, and fit trains with it."""

    @rules.register
    class SignDescent(rules.Rule):
        name = "SignDescent"
        defaults = {"step-rate": 0.01}
        checks = {"step-rate": rules.base.positive}

        def update(self, grads, state, params):
            step_, = self.scratch(grads)
            np.sign(grads, out=step_)
            step_ *= -self.options["step-rate"]
            return step_, state

    try:
        network = NeuralNetwork(NetworkParameters([4, 6, 3], seed=2))
        before = network.evaluate(iris_scaled[1], measure="Accuracy")
        optimizer = OptimizerParameters("SignDescent", {"step-rate": 0.02},
                                        stops=[MaxIterations(10)], sampling="fresh")
        assert Minimizer["SignDescent"].rule_class is SignDescent
        network.fit(iris_scaled[0], mini_batch=16, parallelism=1, optimizer_params=optimizer,
                    stops=[MaxIterations(20)])
        assert network.evaluate(iris_scaled[1], measure="Accuracy") > max(before, 0.8)
        with pytest.raises(ValueError, match="unknown option 'rate' for SignDescent"):
            OptimizerParameters("SignDescent", {"rate": 1})
    finally:
        del rules.RULES["SignDescent"]


@pytest.mark.parametrize("algorithm, options", RULES)
def test_a_rule_takes_its_scaled_gradients_for_the_same_steps(algorithm, options, rng):
    """update_scaled(scale * g) is update(g), for every rule offering a scale."""
    rule = rules.get(algorithm)(options)
    scale = rule.gradient_scale()
    if scale is None:
        with pytest.raises(NotImplementedError):
            rule.update_scaled(np.ones(3), rule.init(np.ones(3)), np.ones(3))
        return
    params = rng.normal(size=50)
    states = [rule.init(params), rule.init(params)]
    for _ in range(3):
        grads = rng.normal(size=50)
        steps = [rule.update(grads, states[0], params)[0].copy(),
                 rule.update_scaled(scale * grads, states[1], params)[0].copy()]
        assert np.allclose(steps[0], steps[1], rtol=1e-13, atol=1e-16)
