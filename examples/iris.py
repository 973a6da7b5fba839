"""Iris, the documented API's first demo: the species of a flower from 4 measurements.

Trains a 4 -> 10 -> 3 Tanh network, L2 1e-2, Adam, 4 replicas averaged every iteration,
stratified 70/30 split. 'learninspy train examples/iris.toml' trains the same network from a
configuration file.

Expected: about 0.98 test accuracy in a second or two.

    python examples/iris.py [--quick] [--plots DIR] [--engine local|spark]

is ``learninspy demo iris``;
its training code is ``learninspy.demos.demo_iris``.
"""

import sys

from learninspy.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "iris", *sys.argv[1:]]))
