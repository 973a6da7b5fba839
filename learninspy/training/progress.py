"""What ``fit`` shows while it trains, by ``verbose`` level: the progress callback.

* 0: nothing (the iterations are logged at DEBUG level).
* 1: a live progress line on a terminal -- iterations, ETA, cost, train and valid scores,
  replicas -- drawn with tqdm; when standard error is not a terminal, a log line each time
  the model is evaluated instead.
* 2: one log line per iteration.

Lines go through the ``logging`` module (logger ``learninspy``), never ``print``.
"""

import logging
import sys

from learninspy._internal.logs import get_logger
from learninspy.training.callbacks import Callback

__all__ = ["Progress"]

logger = logging.getLogger("learninspy.fit")


def _format(value):
    return "-" if value is None or value != value else f"{value:.4f}"


class Progress(Callback):
    """Reports a fit's progress at a ``verbose`` level (0, 1 or 2, see the module)."""

    def __init__(self, verbose=1):
        if isinstance(verbose, bool) or verbose not in (0, 1, 2):
            raise ValueError(f"verbose must be 0, 1 or 2, got {verbose!r}")
        self.verbose = verbose
        self.bar = None

    def on_fit_begin(self, loop):
        if self.verbose:
            get_logger(logger.name, logging.INFO)
        if self.verbose == 1 and sys.stderr.isatty():
            from tqdm.auto import tqdm
            self.bar = tqdm(total=loop.max_iterations, unit="it", dynamic_ncols=True,
                            leave=True, desc=f"fit ({loop.replicas} replicas, {loop.engine})")
            loop.scope.callback(self.bar.close)

    def describe(self, loop):
        """The log line of the iteration ``loop`` just finished."""
        total = f"/{loop.max_iterations}" if loop.max_iterations else ""
        return (f"Iteration {loop.iteration}{total} ({loop.seconds:.2f}s): "
                f"cost {_format(loop.info['cost'])}, train {loop.measure} "
                f"{_format(loop.last_scores['train'])}, valid {loop.measure} "
                f"{_format(loop.last_scores['valid'])}, {loop.replicas} replicas on "
                f"{loop.engine}")

    def on_iteration_end(self, loop):
        if self.bar is not None:
            self.bar.set_postfix_str(
                f"cost={_format(loop.info['cost'])} train={_format(loop.last_scores['train'])} "
                f"valid={_format(loop.last_scores['valid'])}", refresh=False)
            self.bar.update(1)
        elif self.verbose == 2 or (self.verbose == 1 and loop.evaluated):
            logger.info(self.describe(loop))
            return
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(self.describe(loop))

    def on_fit_end(self, loop):
        if self.bar is not None:
            self.bar.close()
        history, final = loop.model.history, loop.final_scores()
        level = logging.INFO if self.verbose else logging.DEBUG
        if logger.isEnabledFor(level):
            logger.log(level, "Fit done in %.2fs (%d iterations): train %s %s, valid %s %s",
                       history.seconds[-1] if history.seconds else 0.0, len(history),
                       loop.measure, _format(final["train"]), loop.measure,
                       _format(final["valid"]))
