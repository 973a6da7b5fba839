"""The ``learninspy`` command line.

    learninspy demo [iris|ccpp|mnist]    train a network on a shipped data set, print test metrics
"""

import argparse
import sys

from learninspy import __version__

__all__ = ["main"]


def _demo(arguments):
    from learninspy.demos import format_metrics, run_demo
    result = run_demo(arguments.name, quick=arguments.quick, engine=arguments.engine,
                      verbose=1)
    print(format_metrics(result))
    return 0


def build_parser():
    from learninspy.demos import DEMOS
    parser = argparse.ArgumentParser(
        prog="learninspy", description="Deep learning with NumPy and Apache Spark.")
    parser.add_argument("--version", action="version", version=f"learninspy {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser("demo", help="train a network on a shipped data set and print "
                                            "its test metrics")
    demo.add_argument("name", nargs="?", default="mnist", choices=sorted(DEMOS),
                      help="the task (default: mnist)")
    demo.add_argument("--quick", action="store_true", help="train briefly (for smoke tests)")
    demo.add_argument("--engine", choices=["local", "spark"], default=None,
                      help="where replicas run (default: local)")
    demo.set_defaults(handler=_demo)
    return parser


def main(argv=None):
    """Entry point of the ``learninspy`` command; returns the exit code."""
    arguments = build_parser().parse_args(argv)
    try:
        return arguments.handler(arguments)
    except (ValueError, TypeError, FileNotFoundError) as error:
        print(f"learninspy: error: {error}", file=sys.stderr)
        return 2
