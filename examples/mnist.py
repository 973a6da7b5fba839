"""MNIST-5k, seed 002's task: 5,000 handwritten digits, 784 inputs, 10 classes, a stratified
70/15/15 split.

Trains a 784 -> 256 -> 128 -> 10 ReLU network with dropout [0.1, 0.3, 0.3], SGD with momentum
0.9, 150 global iterations of 2 replicas averaged, each taking 20 mini-batches of 64, keeping
the model of the best validation score.

Expected: about 0.945 test accuracy in a few seconds; scikit-learn's MLP (256, 128) reaches
0.941 on a split of this size, and seed 002's per-sample network 0.89-0.91 after 50 epochs.

    python examples/mnist.py [--quick] [--plots DIR] [--engine local|spark]

is ``learninspy demo mnist``;
its training code is ``learninspy.demos.demo_mnist``.
"""

import sys

from learninspy.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "mnist", *sys.argv[1:]]))
