"""MNIST-5k with greedy layer-wise pre-training: a stacked autoencoder 784 -> 256 -> 128 -> 10.

Each hidden layer is first trained, without labels, as an autoencoder reconstructing the codes
of the layer below (ReLU codes, a linear decoder, input DropOut 0.2); the softmax layer is
trained on the last codes; then the whole network is fine-tuned with labels. The stratified
70/15/15 split is the MNIST demo's.

Expected: about 0.83 test accuracy after pre-training alone and 0.93 after fine-tuning, in
well under a minute.

    python examples/mnist_sae.py [--quick] [--plots DIR] [--engine local|spark]

is ``learninspy demo mnist-sae``; its training code is ``learninspy.demos.demo_mnist_sae``.
With ``--plots`` the first autoencoder's hidden units are drawn as 28x28 images.
"""

import sys

from learninspy.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "mnist-sae", *sys.argv[1:]]))
