"""Drawing mini-batches: plain or class-balanced, without replacement within a pass."""

import numpy as np

__all__ = ["BatchSampler", "class_groups"]


def class_groups(classes):
    """The row indices of each class present in ``classes`` (an int array), by class."""
    order = np.argsort(classes, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(classes[order])) + 1)


class _Cursor:
    """Walks a shuffled permutation of ``indices``, reshuffling when it runs out."""

    def __init__(self, indices, rng):
        self.indices, self.rng = indices, rng
        self.order, self.position = rng.permutation(indices), 0

    def take(self, count):
        if count <= 0:
            return self.order[:0]
        parts = []
        while count > 0:
            if self.position == len(self.order):
                self.order, self.position = self.rng.permutation(self.indices), 0
            chunk = self.order[self.position:self.position + count]
            self.position += len(chunk)
            count -= len(chunk)
            parts.append(chunk)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)


class BatchSampler:
    """Row indices of mini-batches drawn from a data set of ``n`` rows.

    Each example is drawn once per pass over the data (the order reshuffled at every pass).
    Balanced sampling gives every class present the same share of the batch; the remainder
    goes to classes taken in turn from a shuffled order of the classes, so that over batches
    every class gets as many rows. Each class then has its own pass.

    Args:
        n: number of rows.
        classes: optional int array of shape (n,), the class of each row, for balanced batches.
        rng: numpy Generator.
        groups: optional ``class_groups(classes)``, computed once by the caller when it draws
            from the same rows again and again.
    """

    def __init__(self, n, classes=None, rng=None, groups=None):
        if n < 1:
            raise ValueError("cannot sample mini-batches from an empty data set")
        self.rng = rng if rng is not None else np.random.default_rng()
        if classes is None and groups is None:
            self._cursors = [_Cursor(np.arange(n), self.rng)]
        else:
            groups = class_groups(classes) if groups is None else groups
            self._cursors = [_Cursor(group, self.rng) for group in groups]
            self._turns = _Cursor(np.arange(len(self._cursors)), self.rng)

    def sample(self, size):
        """Indices of one batch of ``size`` rows (an int array)."""
        if len(self._cursors) == 1 or size <= 0:
            return self._cursors[0].take(size)
        share, remainder = divmod(size, len(self._cursors))
        counts = [share] * len(self._cursors)
        for k in self._turns.take(remainder):
            counts[k] += 1
        return np.concatenate([c.take(k) for c, k in zip(self._cursors, counts) if k])
