"""BLAS thread limits, scoped to the work that needs them.

A BLAS library has one thread count for the whole process, so a limit set by one fit is seen
by every thread. :func:`blas_threads` therefore coordinates its users: the first to ask sets
the limit, later ones asking for the same limit share it, and the limit the process had is
restored when the last one leaves -- so concurrent fits never restore each other's limits
half-way. Asking for a different limit while one is held waits until it is released.
"""

import contextlib
import threading

__all__ = ["blas_threads"]

_condition = threading.Condition()
_held = {"limit": None, "users": 0, "restore": None}
_mine = threading.local()  # how many of the users are this thread
_controller = None


def _take_control():
    """threadpoolctl (3.8 and later) lets only the thread that first limited OpenBLAS change
    its threads; since this module is the one place that limits BLAS, from whichever thread
    enters or leaves last, it takes that control before each change."""
    try:
        from threadpoolctl import OpenBLASController
    except ImportError:
        return
    clear = getattr(OpenBLASController, "clear_controlling_thread", None)
    if clear is not None:
        clear(force=True)


def _limit(threads):
    global _controller
    if _controller is None:  # finding the loaded BLAS libraries costs a few milliseconds
        from threadpoolctl import ThreadpoolController
        _controller = ThreadpoolController()
    _take_control()
    return _controller.limit(limits=threads, user_api="blas")


@contextlib.contextmanager
def blas_threads(threads):
    """Limit BLAS to ``threads`` threads while the context is open (None: no limit)."""
    if threads is None:
        yield
        return
    with _condition:
        if getattr(_mine, "users", 0) and _held["limit"] != threads:
            raise RuntimeError(f"BLAS is limited to {_held['limit']} threads by this thread "
                               f"already; cannot limit it to {threads} inside that")
        while _held["users"] and _held["limit"] != threads:
            _condition.wait()
        if not _held["users"]:
            _held.update(limit=threads, restore=_limit(threads))
        _held["users"] += 1
        _mine.users = getattr(_mine, "users", 0) + 1
    try:
        yield
    finally:
        with _condition:
            _held["users"] -= 1
            _mine.users -= 1
            if not _held["users"]:
                _take_control()
                _held["restore"].restore_original_limits()
                _held.update(limit=None, restore=None)
                _condition.notify_all()
