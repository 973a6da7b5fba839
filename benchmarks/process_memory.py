"""Peak memory of Spark's processes -- JVMs and their Python workers -- sampled while a
benchmark runs.

Memory is counted as PSS (proportional set size, from ``/proc/<pid>/smaps_rollup``): pages
shared between processes (the Python workers forked from one daemon, a file two tasks map)
are split among them, so the sum over processes is the memory the machine gives them.
Linux only; elsewhere every figure is None.
"""

import os
import threading

__all__ = ["PeakMemory", "pss", "descendants", "executor_pids"]


def pss(pid):
    """PSS of process ``pid`` in bytes, or 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as stream:
            for line in stream:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _children():
    parents = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as stream:
                parent = int(stream.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(parent, []).append(int(entry))
    return parents


def descendants(pid):
    """The process ids below ``pid`` (its children, theirs, ...)."""
    children, found, pending = _children(), [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def executor_pids(application):
    """The process ids of this machine's Spark executors of ``application``."""
    pids = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as stream:
                command = stream.read().split(b"\0")
        except OSError:
            continue
        if b"org.apache.spark.executor.CoarseGrainedExecutorBackend" in command and \
                application.encode() in command:
            pids.append(int(entry))
    return sorted(pids)


class PeakMemory:
    """Samples, every ``interval`` seconds while open, the PSS of the JVMs ``jvms()`` returns
    and of every process below them (their Python workers); keeps the peak of the sums.

    Attributes:
        jvm, python, total: peak bytes of the JVMs, of the Python workers, and of both
            together (the peak of the sum, not the sum of the peaks).
    """

    def __init__(self, jvms, interval=0.2):
        self.jvms, self.interval = jvms, interval
        self.jvm = self.python = self.total = 0
        self._stop = threading.Event()

    def _sample(self):
        jvms = list(self.jvms())
        jvm = sum(pss(pid) for pid in jvms)
        python = sum(pss(child) for pid in jvms for child in descendants(pid))
        self.jvm, self.python = max(self.jvm, jvm), max(self.python, python)
        self.total = max(self.total, jvm + python)

    def _run(self):
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()
