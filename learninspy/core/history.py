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
        train_kind: what the training scores are: 'batches' (the replicas' scores on the
            batches they trained on) or 'full pass' (the model's on the whole training set,
            as learninspy 0.2 always reported).
        seconds: time elapsed since the fit started, at the end of each iteration.
        measure: name of the score.
        final: scores after the last iteration, {'train': ..., 'valid': ...}.
        best_iteration: iteration whose model was kept (``keep_best``), else None.
    """

    _SERIES = ("iterations", "cost", "train", "valid", "seconds")

    def __init__(self, measure=None, train_kind="batches"):
        self.measure, self.train_kind = measure, train_kind
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
        data.update(measure=self.measure, train_kind=self.train_kind, final=dict(self.final),
                    best_iteration=self.best_iteration)
        return data

    @classmethod
    def from_dict(cls, data):
        """The history ``as_dict`` described (None standing for NaN, as JSON has no NaN).

        Raises:
            ValueError: a field of the wrong type, named.
        """
        def numbers(name, values):
            if not isinstance(values, list) or not all(
                    v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
                    for v in values):
                raise ValueError(f"history.{name} must be a list of numbers, got "
                                 f"{_short(values)}")
            return [float("nan") if v is None else v for v in values]

        if not isinstance(data, dict):
            raise ValueError(f"history must be an object, got {_short(data)}")
        measure, final, best = data.get("measure"), data.get("final") or {}, \
            data.get("best_iteration")
        if measure is not None and not isinstance(measure, str):
            raise ValueError(f"history.measure must be a name, got {_short(measure)}")
        if not isinstance(final, dict):
            raise ValueError(f"history.final must be an object, got {_short(final)}")
        if best is not None and (not isinstance(best, int) or isinstance(best, bool)):
            raise ValueError(f"history.best_iteration must be an integer, got {_short(best)}")
        kind = data.get("train_kind", "full pass")  # files of 0.2 have no kind: a full pass
        if kind not in ("batches", "full pass"):
            raise ValueError(f"history.train_kind must be 'batches' or 'full pass', got "
                             f"{_short(kind)}")
        history = cls(measure, kind)
        for series in cls._SERIES:
            setattr(history, series, numbers(series, data.get(series, [])))
        if len({len(getattr(history, series)) for series in cls._SERIES}) > 1:
            raise ValueError("history's series have different lengths")
        history.final = {str(k): numbers(f"final.{k}", [v])[0] for k, v in final.items()}
        history.best_iteration = best
        return history

    def __repr__(self):
        return f"History({len(self)} iterations, measure={self.measure!r}, final={self.final})"


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
