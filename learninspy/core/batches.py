"""Training data as the optimizers consume it: checked arrays and sources of mini-batches."""

from dataclasses import dataclass, field

import numpy as np

from learninspy.data.sampling import BatchSampler, class_groups

__all__ = ["TrainingSet", "FixedBatch", "SampledBatches"]


@dataclass
class TrainingSet:
    """Checked training arrays of a model, built once per ``fit``.

    Attributes:
        features: (n, *input_shape) array of the model's dtype.
        targets: (n, n_outputs) matrix the loss compares outputs with (one-hot rows for
            classification).
        labels: class indices (n,) for classification, else the targets; what metrics compare
            predictions with.
        classes: class indices for balanced sampling, or None for regression.
    """

    features: np.ndarray
    targets: np.ndarray
    labels: np.ndarray
    classes: np.ndarray = None
    _orders: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, model, data):
        """The training set of ``model`` for any accepted data set (checked once, here)."""
        if isinstance(data, TrainingSet):
            return data
        return cls.of_checked(model, *model.labeled_arrays(data))

    @classmethod
    def of_checked(cls, model, features, labels):
        """The training set of arrays ``model.labeled_arrays`` already checked."""
        return cls(features, model.target_matrix(labels), labels,
                   labels if model.classification else None)

    def __len__(self):
        return len(self.features)

    def rows(self, index):
        """(features, targets, labels) of the rows ``index``."""
        return self.features[index], self.targets[index], self.labels[index]

    def sampler(self, rng, balanced=True):
        """A :class:`BatchSampler` over these rows, class-balanced when asked and possible.

        Every replica run of a fit makes a sampler of these rows, so their order is shuffled
        once, here, with a fixed seed (the same on every engine), and each sampler starts at
        a random point of it, drawn from ``rng``: making one costs O(classes), not O(rows).
        """
        balanced = balanced and self.classes is not None
        key = "balanced" if balanced else "plain"
        if key not in self._orders:
            dealer = np.random.default_rng(0)
            groups = class_groups(self.classes) if balanced else [np.arange(len(self))]
            self._orders[key] = [dealer.permutation(group) for group in groups]
        return BatchSampler(len(self), rng=rng, groups=self._orders[key], shuffled=True)


class FixedBatch:
    """Every step on the same batch (learninspy 0.1's scheme: one sample per replica run)."""

    def __init__(self, batch):
        self.last = batch

    @classmethod
    def sampled(cls, training_set, size, rng, balanced=True):
        """One sample of ``size`` rows of ``training_set``."""
        return cls(training_set.rows(training_set.sampler(rng, balanced).sample(size)))

    def next_batch(self):
        return self.last


class SampledBatches:
    """A fresh mini-batch for every step, each example drawn once per pass over the data."""

    def __init__(self, training_set, size, rng, balanced=True):
        self.training_set, self.size = training_set, size
        self.sampler = training_set.sampler(rng, balanced)
        self.last = None

    def next_batch(self):
        self.last = self.training_set.rows(self.sampler.sample(self.size))
        return self.last
