"""Logging: the library reports through the standard ``logging`` module under the
``learninspy`` logger and never prints."""

import logging

__all__ = ["get_logger"]

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def get_logger(name="learninspy", level=None):
    """A logger of the standard ``logging`` module.

    If neither the program nor the library configured a handler, a stream handler on
    standard error is attached to the ``learninspy`` logger, so that messages at ``level``
    are seen. A program's own logging configuration is left untouched.

    Args:
        name: logger name, usually a module's ``__name__``.
        level: optional level (e.g. ``logging.INFO``) for this logger.
    """
    logger = logging.getLogger(name)
    if level is not None:
        logger.setLevel(level)
    if not logger.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(_FORMAT, datefmt="%H:%M:%S"))
        logging.getLogger("learninspy").addHandler(handler)
    return logger
