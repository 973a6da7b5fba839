"""Combined Cycle Power Plant, the documented API's regression demo: net output (MW) from
4 ambient readings.

Trains a 4 -> 30 -> 1 network (ReLU, Identity output), standardised features and targets,
Adam, 80/20 split.

Expected: a test R2 of about 0.946 and an RMSE about 10% below a linear fit's.

    python examples/ccpp.py [--quick] [--plots DIR] [--engine local|spark]

is ``learninspy demo ccpp``;
its training code is ``learninspy.demos.demo_ccpp``.
"""

import sys

from learninspy.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "ccpp", *sys.argv[1:]]))
