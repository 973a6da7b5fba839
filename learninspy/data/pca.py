"""Feature extraction: principal component analysis (PCA) with optional whitening.

PCA rotates centred data onto the eigenvectors of its covariance matrix, sorted by the
variance they explain, and keeps the first k; whitening then divides every component by its
standard deviation (see http://cs231n.github.io/neural-networks-2/). The statistics come from
the data set's ``covariance()`` hook, so PCA works on local and distributed data alike.

>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(500, 3)) * [3.0, 1.0, 0.1]
>>> pca = PCA(X)
>>> pca.explained_variance().round(2).tolist()
[0.9, 0.1, 0.0]
>>> pca.k, pca.transform(2, X).shape
(2, (500, 2))
"""

import numpy as np

from learninspy._internal.checks import integer, number
from learninspy.data.labeled import LabeledDataSet

__all__ = ["PCA"]


def _eigen(matrix):
    """Eigenvalues (descending, clipped at 0) and eigenvectors (columns) of a symmetric matrix."""
    values, vectors = np.linalg.eigh(matrix)
    order = np.argsort(values)[::-1]
    return np.clip(values[order], 0.0, None), vectors[:, order]


class _Projection:
    """x -> ((x - mean) / std) @ components[:, :k], divided by sqrt(variances + offset) when
    whitening; a picklable callable, so ``map_features`` can ship it to Spark executors."""

    def __init__(self, mean, std, components, scale):
        self.mean, self.std, self.components, self.scale = mean, std, components, scale

    def __call__(self, X):
        if X.shape[1] != len(self.mean):
            raise ValueError(f"features have {X.shape[1]} columns; the PCA was fitted on "
                             f"{len(self.mean)}")
        dtype = X.dtype if X.dtype.kind == "f" else np.dtype(np.float64)
        return ((X - self.mean) / self.std @ self.components / self.scale).astype(dtype)


class PCA:
    """Principal component analysis of a data set's features.

    Args:
        data: optional LabeledDataSet or (n, d) array to :meth:`fit` right away.
        threshold_k: float in (0, 1]; the default k is the fewest components explaining at
            least this share of the variance.
        whitening_offset: float added to the variances before dividing by their square root,
            so that components of ~0 variance are not blown up.

    Attributes:
        mean: (d,) the features' mean.
        std: (d,) their standard deviations (used when standardising).
        k: the default number of components (from ``threshold_k`` on the covariance).
    """

    def __init__(self, data=None, threshold_k=0.95, whitening_offset=1e-5):
        number("threshold_k", threshold_k, "in (0, 1]", lambda v: 0 < v <= 1)
        number("whitening_offset", whitening_offset, "a number >= 0", lambda v: v >= 0)
        self.threshold_k, self.whitening_offset = threshold_k, whitening_offset
        self.data = self.mean = self.std = self.k = None
        self._bases = {}
        if data is not None:
            self.fit(data)

    def fit(self, data):
        """Compute the principal components of ``data``'s features; returns the PCA.

        Both bases are computed from one covariance matrix: that of the features, and that
        of the standardised features (their correlation matrix) for ``standarize=True``.
        """
        if isinstance(data, LabeledDataSet):
            mean, covariance = data.covariance()
        else:
            X = np.asarray(data, dtype=np.float64)
            if X.ndim != 2 or len(X) < 2:
                raise ValueError(f"PCA needs an (n, d) array with n >= 2, got shape {X.shape}")
            mean, covariance = X.mean(axis=0), np.cov(X, rowvar=False).reshape(X.shape[1], -1)
        std = np.sqrt(np.diag(covariance))
        std = np.where(std > 0, std, 1.0)
        self.data, self.mean, self.std = data, mean, std
        self._bases = {False: _eigen(covariance),
                       True: _eigen(covariance / np.outer(std, std))}
        self.k = self.optimal_k()
        return self

    def _basis(self, standarize):
        if not self._bases:
            raise ValueError("this PCA is not fitted yet: call fit(data) first")
        return self._bases[bool(standarize)]

    def explained_variance(self, standarize=False):
        """Share of the total variance each component explains, in decreasing order."""
        variances = self._basis(standarize)[0]
        return variances / variances.sum() if variances.sum() > 0 else variances

    def optimal_k(self, threshold=None, standarize=False):
        """The fewest components whose explained variance reaches ``threshold``
        (``threshold_k`` by default)."""
        threshold = self.threshold_k if threshold is None else threshold
        cumulative = np.cumsum(self.explained_variance(standarize))
        return int(min(np.searchsorted(cumulative, threshold - 1e-12) + 1, len(cumulative)))

    def transform(self, k=None, data=None, standarize=False, whitening=True):
        """Project data onto its first ``k`` principal components.

        Args:
            k: int, number of components (default :attr:`k`, or the optimal k of the
                standardised data when ``standarize``).
            data: LabeledDataSet (a data set of the same kind is returned, labels kept) or
                (n, d) array; default the data the PCA was fitted on.
            standarize: divide the centred features by their standard deviations, and use
                the components of the standardised data.
            whitening: divide each component by its standard deviation (unit variance).

        Returns:
            LabeledDataSet or numpy.ndarray with ``k`` features.
        """
        variances, vectors = self._basis(standarize)
        if k is None:
            k = self.optimal_k(standarize=standarize) if standarize else self.k
        k = integer("k", k, minimum=1, maximum=len(variances))
        scale = np.sqrt(variances[:k] + self.whitening_offset) if whitening else 1.0
        projection = _Projection(self.mean, self.std if standarize else 1.0, vectors[:, :k],
                                 scale)
        data = self.data if data is None else data
        if isinstance(data, LabeledDataSet):
            return data.map_features(projection)
        X = np.asarray(data)
        if X.ndim != 2:
            raise ValueError(f"transform takes a LabeledDataSet or an (n, d) array, got shape "
                             f"{X.shape}")
        return projection(X)
