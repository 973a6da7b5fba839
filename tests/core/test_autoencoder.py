import numpy as np
import pytest

from learninspy.core.autoencoder import AutoEncoder, StackedAutoencoder
from learninspy.core.model import NetworkParameters, NeuralNetwork
from learninspy.core.optimization import OptimizerParameters
from learninspy.core.stops import criterion
from learninspy.utils.checks import check_network
from learninspy.utils.data import LocalLabeledDataSet, load_mnist, split_data


@pytest.fixture(scope="module")
def mnist():
    """MNIST-5k with pixels in [0, 1], stratified 70/15/15."""
    digits = load_mnist()
    digits = LocalLabeledDataSet((digits.features / 255.0, digits.labels))
    return split_data(digits, [0.7, 0.15, 0.15], seed=123, balanced=True)


def _adam(rate=0.002):
    return OptimizerParameters("Adam", {"step-rate": rate}, merge_criter="avg",
                               stops=[criterion["MaxIterations"](20)], sampling="fresh",
                               keep_state=True)


def test_documented_construction_and_structure():
    ae = AutoEncoder(NetworkParameters(units_layers=[5, 3], activation="Tanh",
                                       dropout_ratios=None, classification=False))
    assert ae.params.units_layers == [5, 3, 5] and not ae.params.classification
    assert ae.encoder_layer() is ae.list_layers[0]
    assert ae.encode(np.ones(5)).shape == (3,)
    assert ae.encode(np.ones((4, 5))).shape == (4, 3)
    noisy = AutoEncoder(NetworkParameters([6, 4, 6], activation=["Sigmoid", "Sigmoid", "Identity"],
                                          classification=False),
                        dropout_in=0.1, corruption=0.3, sparsity=0.5)
    assert [type(l).__name__ for l in noisy.layers] == [
        "MaskingNoise", "Dropout", "NeuralLayer", "KLSparsity", "RegressionLayer"]
    assert noisy.list_layers[-1].activation == "Identity"


def test_reconstruction_gradients_with_sparsity_are_exact(rng):
    ae = AutoEncoder(NetworkParameters([5, 3, 5], activation=["Sigmoid", "Sigmoid", "Identity"],
                                       classification=False, dtype="float64"), sparsity=0.3)
    assert check_network(ae, rng.random((6, 5))) < 1e-6


def test_labels_are_ignored_and_targets_are_the_inputs(rng):
    ae = AutoEncoder(NetworkParameters([4, 2], classification=False))
    X = rng.random((10, 4))
    features, targets = ae.labeled_arrays((X, np.full(10, 99.0)))
    assert np.array_equal(features, targets)
    assert ae.evaluate(X) == ae.evaluate((X, np.zeros(10)))


def test_autoencoder_reconstructs_held_out_digits(mnist):
    train, valid, test = mnist
    ae = AutoEncoder(NetworkParameters([784, 128, 784], activation=["ReLU", "ReLU", "Sigmoid"],
                                       classification=False, strength_l1=0.0, strength_l2=0.0))
    ae.fit(train, valid, mini_batch=64, parallelism=1, optimizer_params=_adam(),
           stops=[criterion["MaxIterations"](50)], reproducible=True)
    assert ae.evaluate(test, measure="R2") >= 0.80
    assert ae.encode(test).shape == (750, 128)


def test_stacked_autoencoder_beats_the_bar_and_is_reported_beside_random_init(mnist):
    train, valid, test = mnist
    params = NetworkParameters([784, 256, 128, 10], activation="ReLU", strength_l1=0.0,
                               strength_l2=1e-4, dropout_ratios=[0.0, 0.2, 0.2])
    options = dict(mini_batch=64, parallelism=1, optimizer_params=_adam(), reproducible=True)
    sae = StackedAutoencoder(params, dropout=[0.2, 0.2])
    sae.fit(train, valid, stops=[criterion["MaxIterations"](30)], **options)
    pretrained = sae.evaluate(test, measure="Accuracy")
    sae.finetune(train, valid, stops=[criterion["MaxIterations"](100)], **options)
    finetuned = sae.evaluate(test, measure="Accuracy")
    # the same network from random weights, with as many iterations as all phases together
    baseline = NeuralNetwork(params)
    baseline.fit(train, valid, stops=[criterion["MaxIterations"](100 + 3 * 30)], **options)
    scratch = baseline.evaluate(test, measure="Accuracy")
    print(f"\nMNIST-5k test accuracy: pre-trained {pretrained:.3f}, fine-tuned {finetuned:.3f}, "
          f"random initialisation with the same budget {scratch:.3f}")
    assert len(sae.autoencoders) == 2 and sae.pretrained
    assert pretrained >= 0.75  # the pre-trained stack classifies before any fine-tuning
    assert finetuned >= 0.915  # 0.919-0.933 over model seeds 123, 1 and 2


def test_save_and_load_both_classes(tmp_path, rng):
    ae = AutoEncoder(NetworkParameters([6, 3, 6], activation=["Tanh", "Tanh", "Identity"],
                                       classification=False), dropout_in=0.2, corruption=0.1)
    ae.save(tmp_path / "ae.lea")
    loaded = AutoEncoder.load(tmp_path / "ae.lea")
    X = rng.random((5, 6))
    assert np.array_equal(loaded.predict(X), ae.predict(X))
    assert (loaded.dropout_in, loaded.corruption) == (0.2, 0.1)
    sae = StackedAutoencoder(NetworkParameters([6, 4, 3, 2]), dropout=[0.1, 0.0])
    sae.pretrained = True
    sae.save(tmp_path / "sae.lea")
    back = StackedAutoencoder.load(tmp_path / "sae.lea")
    assert np.array_equal(back.predict(X), sae.predict(X))
    assert back.dropout == [0.1, 0.0] and back.pretrained


def test_bad_input():
    with pytest.raises(ValueError, match="at least one hidden layer"):
        StackedAutoencoder(NetworkParameters([784, 10]))
    with pytest.raises(ValueError, match="must be \\[n_in, n_hidden\\]"):
        AutoEncoder(NetworkParameters([8, 4, 2, 8], classification=False))
    with pytest.raises(ValueError, match="must end with the input width 8"):
        AutoEncoder(NetworkParameters([8, 4, 5], classification=False))
    with pytest.raises(TypeError, match="AutoEncoder needs params"):
        AutoEncoder()
    with pytest.raises(ValueError, match="'Sigmoid' hidden layer"):
        AutoEncoder(NetworkParameters([8, 4], classification=False), sparsity=0.1)
    with pytest.raises(ValueError, match="dropout must have 2 ratios"):
        StackedAutoencoder(NetworkParameters([8, 6, 4, 2]), dropout=[0.1])
    sae = StackedAutoencoder(NetworkParameters([8, 6, 2]))
    with pytest.raises(ValueError, match="call fit\\(\\) first"):
        sae.finetune((np.zeros((4, 8)), np.zeros(4)), None)
    ae = AutoEncoder(NetworkParameters([8, 4], classification=False))
    with pytest.raises(ValueError, match="9 columns per example but the model takes inputs of "
                                         "shape \\(8,\\)"):
        ae.fit(np.zeros((10, 9)))
