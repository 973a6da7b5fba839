"""What ``fit`` shows while it trains, by ``verbose`` level.

* 0: nothing (the iterations are logged at DEBUG level).
* 1: a live progress line on a terminal -- iterations, ETA, cost, train and valid scores,
  replicas -- drawn with tqdm; when standard error is not a terminal, a log line each time
  the model is evaluated instead.
* 2: one log line per iteration.

Lines go through the ``logging`` module (logger ``learninspy``), never ``print``.
"""

import logging
import math
import sys

from learninspy.utils.fileio import get_logger

__all__ = ["reporter_for"]

logger = logging.getLogger("learninspy.fit")


def _format(value):
    return "-" if value is None or math.isnan(value) else f"{value:.4f}"


def _last_scores(history):
    train = history.hits_train[-1] if history.hits_train else None
    valid = history.hits_valid[-1] if history.hits_valid else None
    return train, valid


class _Reporter:
    def __init__(self, verbose, total, measure, replicas, engine):
        self.verbose, self.total, self.measure = verbose, total, measure
        self.replicas, self.engine = replicas, engine

    def describe(self, history):
        train, valid = _last_scores(history)
        total = f"/{self.total}" if self.total else ""
        return (f"Iteration {history.iterations[-1]}{total} ({history.seconds[-1]:.2f}s): "
                f"cost {_format(history.cost[-1])}, train {self.measure} {_format(train)}, "
                f"valid {self.measure} {_format(valid)}, {self.replicas} replicas on "
                f"{self.engine}")

    def update(self, history, results):
        evaluated = not math.isnan(history.valid[-1])
        if self.verbose == 2 or (self.verbose == 1 and evaluated):
            logger.info(self.describe(history))
        elif logger.isEnabledFor(logging.DEBUG):
            logger.debug(self.describe(history))

    def close(self, history):
        final = history.final
        level = logging.INFO if self.verbose else logging.DEBUG
        logger.log(level, "Fit done in %.2fs (%d iterations): train %s %s, valid %s %s",
                   history.seconds[-1] if history.seconds else 0.0, len(history), self.measure,
                   _format(final.get("train")), self.measure, _format(final.get("valid")))


class _ProgressLine(_Reporter):
    def __init__(self, *args):
        super().__init__(*args)
        from tqdm.auto import tqdm
        self.bar = tqdm(total=self.total, unit="it", dynamic_ncols=True, leave=True,
                        desc=f"fit ({self.replicas} replicas, {self.engine})")

    def update(self, history, results):
        train, valid = _last_scores(history)
        self.bar.set_postfix_str(f"cost={_format(history.cost[-1])} train={_format(train)} "
                                 f"valid={_format(valid)}", refresh=False)
        self.bar.update(1)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(self.describe(history))

    def close(self, history):
        self.bar.close()
        super().close(history)


def reporter_for(verbose, total, measure, replicas, engine):
    """The reporter ``fit`` updates after every iteration; ``total`` is the iteration limit,
    if known, for the ETA."""
    if verbose:
        get_logger(logger.name, logging.INFO)
    if verbose == 1 and sys.stderr.isatty():
        return _ProgressLine(verbose, total, measure, replicas, engine)
    return _Reporter(verbose, total, measure, replicas, engine)
