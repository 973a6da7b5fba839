"""Three spiral arms, seed 003's task: which arm a point of the plane is on.

Trains seed 003's 2 -> 100 -> 3 ReLU network with Adam on 300 points per arm,
stratified 70/30 split.

Expected: about 0.99 test accuracy in under a second (seed 003 reports its training accuracy
only); --plots draws the decision regions.

    python examples/spiral.py [--quick] [--plots DIR] [--engine local|spark]

is ``learninspy demo spiral``;
its training code is ``learninspy.demos.demo_spiral``.
"""

import sys

from learninspy.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "spiral", *sys.argv[1:]]))
