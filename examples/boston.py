"""Boston housing regression, seed 001's task: a town's median house value (k$) from 13 features.

Trains seed 001's 13 -> 32 -> 16 -> 1 network with dropout 0.2 before the output (without
its batch normalisation), standardised features and targets, Adam, an 80/20 split (405/101
towns; seed 001 used 404/102).

Expected: a test RMSE about 35% below a linear least-squares fit on the same split (printed
as 'linear RMSE'). See learninspy/datasets/README.md on the data set's racially motivated
column.

    python examples/boston.py [--quick] [--plots DIR] [--engine local|spark]

is ``learninspy demo boston``;
its training code is ``learninspy.demos.demo_boston``.
"""

import sys

from learninspy.cli import main

if __name__ == "__main__":
    sys.exit(main(["demo", "boston", *sys.argv[1:]]))
