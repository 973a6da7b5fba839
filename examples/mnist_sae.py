"""MNIST-5k with greedy layer-wise pre-training: a stacked autoencoder 784 -> 256 -> 128 -> 10.

Each hidden layer is first trained, without labels, as an autoencoder reconstructing the codes
of the layer below (ReLU codes, a linear decoder, input DropOut 0.2); the softmax layer is
trained on the last codes; then the whole network is fine-tuned with labels, keeping the best
validation model. The stratified 70/15/15 split is the MNIST tutorial's.

Expected: about 0.79 test accuracy after pre-training alone and 0.94 after fine-tuning, in
well under a minute. With ``--plots`` the first autoencoder's hidden units are drawn as
28x28 images.

    python examples/mnist_sae.py [--quick] [--plots DIR] [--engine local|spark]
    learninspy demo mnist-sae                # the same, from anywhere
"""

import sys
import time

from learninspy.core.autoencoder import StackedAutoencoder
from learninspy.core.model import NetworkParameters
from learninspy.core.scaled_model import ScaledModel
from learninspy.core.stops import MaxIterations
from learninspy.demos import DemoResult, faster_scheme, main
from learninspy.demos.mnist import digits


def train(quick=False, engine=None, verbose=1):
    """Pre-train, score, fine-tune, score again."""
    train_set, valid, test = digits()
    network = StackedAutoencoder(NetworkParameters([784, 256, 128, 10], activation="ReLU",
                                                   dropout_ratios=[0.0, 0.2, 0.2],
                                                   strength_l1=0.0, strength_l2=1e-4, seed=123),
                                 dropout=[0.2, 0.2])
    options = dict(mini_batch=64, parallelism=1, engine=engine, verbose=verbose,
                   optimizer_params=faster_scheme("Adam", {"step-rate": 0.002}, local_steps=20))
    started = time.perf_counter()
    network.fit(train_set, valid, stops=[MaxIterations(5 if quick else 30)], **options)
    model = ScaledModel(network)
    pretrained = model.metrics(test)["Accuracy"]
    network.finetune(train_set, valid, stops=[MaxIterations(10 if quick else 100)],
                     keep_best=True, **options)
    seconds = time.perf_counter() - started
    metrics = {"Accuracy after pre-training": pretrained, **model.metrics(test)}
    return DemoResult("mnist-sae", model, test, metrics, seconds,
                      "handwritten digits 0-9, a stacked autoencoder pre-trained then "
                      "fine-tuned")


if __name__ == "__main__":
    sys.exit(main(train))
