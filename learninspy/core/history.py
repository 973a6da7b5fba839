"""The record of a fit, iteration by iteration."""

import math

__all__ = ["History"]


class History:
    """Per-iteration record of a fit.

    Attributes:
        iterations: global iteration numbers (1, 2, ...).
        cost: mean cost of the replicas at each iteration (with the L1 / L2 penalties).
        train, valid: score on the training and validation sets at each iteration, NaN where
            the model was not evaluated (it is every ``valid_iters`` iterations).
        seconds: time elapsed since the fit started, at the end of each iteration.
        measure: name of the score.
        final: scores after the last iteration, {'train': ..., 'valid': ...}.
        best_iteration: iteration whose model was kept (``keep_best``), else None.
    """

    _SERIES = ("iterations", "cost", "train", "valid", "seconds")

    def __init__(self, measure=None):
        self.measure = measure
        self.iterations, self.cost, self.train, self.valid, self.seconds = [], [], [], [], []
        self.final = {}
        self.best_iteration = None

    def append(self, iteration, cost, train, valid, seconds):
        for series, value in zip(self._SERIES, (iteration, cost, train, valid, seconds)):
            getattr(self, series).append(value)

    def __len__(self):
        return len(self.iterations)

    def _evaluated(self, series):
        return [v for v in getattr(self, series) if not math.isnan(v)]

    @property
    def hits_train(self):
        """Training scores at the iterations where the model was evaluated."""
        return self._evaluated("train")

    @property
    def hits_valid(self):
        """Validation scores at the iterations where the model was evaluated."""
        return self._evaluated("valid")

    @property
    def epochs(self):
        """Iterations where the model was evaluated."""
        return [i for i, v in zip(self.iterations, self.valid) if not math.isnan(v)]

    def set_evaluated(self, series, values):
        """Assign the scores (or iteration numbers) of the evaluated iterations, as learninspy
        0.1's ``hits_train``, ``hits_valid`` and ``epochs`` lists were assigned.

        Args:
            series: 'train', 'valid' or 'epochs'.
            values: one per evaluated iteration. A list of another length makes the record
                one of ``len(values)`` evaluated iterations: the others' values are kept
                where they exist, else NaN (iterations: numbered on from the last).
        """
        names = {"train": "train", "valid": "valid", "epochs": "iterations"}
        if series not in names:
            raise ValueError(f"series must be one of {list(names)}, got {series!r}")
        values = [int(v) if series == "epochs" else float(v) for v in values]
        rows = [i for i, v in enumerate(self.valid) if not math.isnan(v)]
        if len(values) != len(rows):
            kept = {s: [getattr(self, s)[r] for r in rows][:len(values)] for s in self._SERIES}
            for s, column in kept.items():
                while len(column) < len(values):
                    column.append(column[-1] + 1 if s == "iterations" and column else
                                  1 if s == "iterations" else float("nan"))
                setattr(self, s, column)
            rows = list(range(len(values)))
        column = getattr(self, names[series])
        for row, value in zip(rows, values):
            column[row] = value

    @property
    def last_valid(self):
        scores = self.hits_valid
        return scores[-1] if scores else 0.0

    def as_dict(self):
        data = {series: list(getattr(self, series)) for series in self._SERIES}
        data.update(measure=self.measure, final=dict(self.final),
                    best_iteration=self.best_iteration)
        return data

    @classmethod
    def from_dict(cls, data):
        history = cls(data.get("measure"))
        for series in cls._SERIES:
            setattr(history, series, [float("nan") if v is None else v
                                      for v in data.get(series, [])])
        history.final = dict(data.get("final") or {})
        history.best_iteration = data.get("best_iteration")
        return history

    def __repr__(self):
        return f"History({len(self)} iterations, measure={self.measure!r}, final={self.final})"
