"""Two interleaving moons, seed 004's task: which of two half circles a point of the plane is on.

Trains seed 004's 2 -> 5 -> 2 network (sigmoid hidden layer, softmax output) with
Adam on 1,000 points with noise 0.15, stratified 70/30 split.

Expected: about 0.99 test accuracy in under a second; --plots draws the decision regions.

    python examples/moons.py [--quick] [--plots DIR] [--engine local|spark]

is ``learninspy demo moons``;
its training code is ``learninspy.demos.demo_moons``.
"""

import sys

from learninspy.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "moons", *sys.argv[1:]]))
