"""The ``learninspy`` command line.

    learninspy demo [NAME] [--plots DIR]      train on a shipped data set or an example task,
                                              print the test metrics, write the plots
    learninspy train CONFIG                   train from a TOML configuration (see
                                              ``learninspy.cli.config``); write a model file
                                              and a metrics report
    learninspy evaluate MODEL DATA            metrics of a model file on a labeled data file
    learninspy predict MODEL DATA [--output FILE]   its predictions
    learninspy info MODEL                     its summary and training metadata

Exit codes: 0 on success, 2 for bad input (arguments, configuration, data or model files:
the message says which and where), 1 when training fails (e.g. it diverged), 130 when
Ctrl+C or SIGTERM interrupted it (`train` and `search` save what they reached first).
"""

import argparse
import contextlib
import os
import signal
import sys
import threading

from learninspy import __version__

__all__ = ["main", "build_parser"]


def _model_and_data(command):
    command.add_argument("model", help="a model file written by 'learninspy train' or save()")
    command.add_argument("data", help="a text data file (CSV, TSV, semicolon or space "
                                      "separated)")
    command.add_argument("--label-column", type=int, default=None,
                         help="column of the label (default: the one the model was trained "
                              "with, else -1, the last)")
    command.add_argument("--format", default=None,
                         help="'auto', 'csv', 'tsv', 'semicolon' or 'space' (default: the "
                              "training data's, else auto-detected)")


def build_parser():
    from learninspy.cli import commands
    from learninspy.demos import DEMOS
    from learninspy.engine import ENGINES
    parser = argparse.ArgumentParser(
        prog="learninspy", description="Deep learning with NumPy and Apache Spark.")
    parser.add_argument("--version", action="version", version=f"learninspy {__version__}")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = subcommands.add_parser("demo", help="train a network on a shipped data set or a "
                                               "example task and print its test metrics")
    demo.add_argument("name", nargs="?", default="mnist", choices=list(DEMOS),
                      help="the task (default: mnist)")
    demo.add_argument("--plots", metavar="DIR", help="write the plots to this folder")
    demo.add_argument("--quick", action="store_true", help="train briefly (for smoke tests)")
    demo.add_argument("--engine", choices=list(ENGINES), default=None,
                      help="where replicas run (default: local)")
    demo.set_defaults(handler=commands.demo)

    train = subcommands.add_parser("train", help="train a network from a TOML configuration")
    train.add_argument("config", help="the configuration file (see the README)")
    train.add_argument("--model", help="model file to write (default: the configuration's "
                                       "[output] model)")
    train.add_argument("--resume", action="store_true",
                       help="continue an interrupted run from its checkpoint (<model>.checkpoint)")
    train.add_argument("--report", help="metrics report to write (default: the "
                                        "configuration's [output] report)")
    train.set_defaults(handler=commands.train)

    search = subcommands.add_parser("search", help="random search of network configurations "
                                                   "from a TOML configuration with [search]")
    search.add_argument("config", help="the configuration file (see the README)")
    search.add_argument("--model", help="file for the best model (default: [output] model)")
    search.add_argument("--report", help="report to write (default: [output] report)")
    search.add_argument("--results", help="CSV table of the candidates (default: [output] "
                                          "results)")
    search.set_defaults(handler=commands.search)

    evaluate = subcommands.add_parser("evaluate", help="metrics of a model on labeled data")
    _model_and_data(evaluate)
    evaluate.set_defaults(handler=commands.evaluate)

    predict = subcommands.add_parser("predict", help="predictions of a model for a data file")
    _model_and_data(predict)
    predict.add_argument("--output", metavar="FILE",
                         help="write the predictions to FILE (default: standard output)")
    predict.set_defaults(handler=commands.predict)

    info = subcommands.add_parser("info", help="summary and metadata of a model file")
    info.add_argument("model", help="a model file")
    info.set_defaults(handler=commands.info)
    return parser


@contextlib.contextmanager
def _sigterm_as_interruption():
    """SIGTERM, like Ctrl+C, interrupts the command (outside a fit, which handles both
    gracefully), so that what it writes is cleaned up and it exits 130."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt("SIGTERM")

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv=None):
    """Entry point of the ``learninspy`` command; returns the exit code."""
    from learninspy.training.fit import TrainingDivergedError
    arguments = build_parser().parse_args(argv)
    try:
        with _sigterm_as_interruption():
            return arguments.handler(arguments)
    except KeyboardInterrupt:
        print(f"learninspy {arguments.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of the output went away (`... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (ValueError, TypeError, OSError, ImportError) as error:
        print(f"learninspy {arguments.command}: error: {error}", file=sys.stderr)
        return 2
    except TrainingDivergedError as error:
        print(f"learninspy {arguments.command}: training failed: {error}", file=sys.stderr)
        return 1
