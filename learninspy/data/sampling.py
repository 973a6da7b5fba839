"""Drawing rows at random: mini-batches (plain or class-balanced, without replacement within
a pass) and the rows of each part of a split."""

import numpy as np

__all__ = ["BatchSampler", "class_groups", "class_indices", "split_rows"]


def class_indices(labels):
    """``labels`` as int64 class indices, checked, for balanced sampling and splits."""
    labels = np.asarray(labels)
    if labels.ndim > 1 and labels.shape[1:] != (1,):
        raise ValueError(f"balanced sampling needs one class index per example, got labels "
                         f"of shape {labels.shape}")
    flat = labels.reshape(-1).astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(flat) | (flat < 0) | (flat != np.round(flat)))
    if bad.size:
        raise ValueError(f"balanced sampling needs class indices (integers >= 0) as labels; "
                         f"row {bad[0]} has label {flat[bad[0]].item()!r}")
    return flat.astype(np.int64)


def split_rows(labels, fractions, seed=123, balanced=False):
    """The rows of each part of a random split, sorted: one int array per fraction.

    Args:
        labels: the labels of the rows (class indices when ``balanced``).
        fractions: floats > 0 summing to 1.
        seed: int, seeds the shuffling.
        balanced: split every class in the same fractions (stratified).
    """
    fractions = np.asarray(fractions, dtype=float)
    if fractions.ndim != 1 or len(fractions) < 1 or np.any(fractions <= 0) \
            or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"fractions must be positive and sum to 1, got {list(fractions)}")
    rng = np.random.default_rng(seed)
    groups = [np.arange(len(labels))]
    if balanced:
        classes = class_indices(labels)
        groups = [np.flatnonzero(classes == c) for c in np.unique(classes)]
    parts = [[] for _ in fractions]
    for group in groups:
        shuffled = rng.permutation(group)
        bounds = np.round(np.cumsum(fractions)[:-1] * len(shuffled)).astype(int)
        for part, rows in zip(parts, np.split(shuffled, bounds)):
            part.append(rows)
    return [np.sort(np.concatenate(part)) for part in parts]


def class_groups(classes):
    """The row indices of each class present in ``classes`` (an int array), by class."""
    order = np.argsort(classes, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(classes[order])) + 1)


class _Cursor:
    """Walks an order of row indices, each row once per pass; every new pass reshuffles.

    Given an order already shuffled (``walk_from_random_start``), the first pass walks it
    from a random point, which costs nothing however many rows there are: a sampler made for
    a few batches never shuffles every row. Otherwise the first pass shuffles too.
    """

    def __init__(self, order, rng, walk_from_random_start=False):
        self.rng = rng
        if walk_from_random_start:
            self.order, self.position = order, int(rng.integers(len(order)))
        else:
            self.order, self.position = rng.permutation(order), 0
        self.left = len(self.order)  # rows this pass has still to give

    def take(self, count):
        parts = []
        while count > 0:
            if self.left == 0:  # a new pass: its cost is spread over the pass's rows
                self.order, self.position, self.left = self.rng.permutation(self.order), 0, \
                    len(self.order)
            size = min(count, self.left, len(self.order) - self.position)
            parts.append(self.order[self.position:self.position + size])
            self.position = (self.position + size) % len(self.order)
            self.left -= size
            count -= size
        if not parts:
            return self.order[:0]
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
        shuffled: True when ``groups`` are already in a random order (shuffled once for many
            samplers): then the first pass starts at a random point of each instead of
            shuffling it, so that making a sampler costs O(classes), not O(n).
    """

    def __init__(self, n, classes=None, rng=None, groups=None, shuffled=False):
        if n < 1:
            raise ValueError("cannot sample mini-batches from an empty data set")
        self.rng = rng if rng is not None else np.random.default_rng()
        if classes is None and groups is None:
            groups = [np.arange(n)]
        elif groups is None:
            groups = class_groups(classes)
        self._cursors = [_Cursor(group, self.rng, shuffled) for group in groups]
        if len(self._cursors) > 1:
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
