import numpy as np
import pytest

from learninspy.utils.data import LocalLabeledDataSet
from learninspy.utils.feature import PCA


@pytest.fixture(scope="module")
def correlated():
    rng = np.random.default_rng(0)
    latent = rng.normal(size=(2000, 2)) * [3.0, 1.0]
    mixing = np.array([[1.0, 0.5, 0.0, 0.2], [0.0, 1.0, 1.0, -0.3]])
    return latent @ mixing + rng.normal(size=(2000, 4)) * 0.05 + [10.0, -5.0, 0.0, 2.0]


def test_explained_variance_follows_the_covariance_spectrum(correlated):
    pca = PCA(correlated, threshold_k=0.99)
    ratios = pca.explained_variance()
    eigenvalues = np.sort(np.linalg.eigvalsh(np.cov(correlated, rowvar=False)))[::-1]
    assert np.allclose(ratios, eigenvalues / eigenvalues.sum())
    assert np.all(np.diff(ratios) <= 0) and ratios.sum() == pytest.approx(1.0)
    assert pca.k == 2  # two latent directions carry > 99% of the variance
    assert pca.optimal_k(0.5) == 1 and pca.optimal_k(1.0) == 4


def test_projections_decorrelate_and_whitening_gives_unit_variance(correlated):
    pca = PCA(correlated)
    white = pca.transform(2, correlated)
    assert white.shape == (2000, 2)
    assert np.allclose(np.cov(white, rowvar=False), np.eye(2), atol=1e-3)
    rotated = pca.transform(3, correlated, whitening=False)
    covariance = np.cov(rotated, rowvar=False)
    assert np.allclose(covariance, np.diag(np.diag(covariance)), atol=1e-8)
    assert np.allclose(np.diag(covariance) / np.trace(np.cov(correlated, rowvar=False)),
                       pca.explained_variance()[:3])


def test_standardising_makes_the_projection_independent_of_units(correlated):
    in_other_units = correlated * [1000.0, 1.0, 0.01, 7.0]
    a = PCA(correlated).transform(2, correlated, standarize=True)
    b = PCA(in_other_units).transform(2, in_other_units, standarize=True)
    assert np.allclose(np.abs(a), np.abs(b), atol=1e-6)  # equal up to each component's sign
    assert not np.allclose(np.abs(PCA(correlated).transform(2)),
                           np.abs(PCA(in_other_units).transform(2)), atol=1e-2)


def test_data_sets_keep_their_labels_and_kind(correlated, hooks_only):
    labels = np.arange(2000) % 3
    data = LocalLabeledDataSet((correlated, labels))
    projected = PCA(data).transform(2)
    assert isinstance(projected, LocalLabeledDataSet) and projected.shape == (2000, 2)
    assert np.array_equal(projected.labels, labels) and projected.features.dtype == np.float32
    remote = hooks_only(correlated, labels)
    through_hooks = PCA(remote).transform(2, remote)
    assert np.allclose(through_hooks._X, PCA(correlated).transform(2, correlated))


def test_pca_errors(correlated):
    with pytest.raises(ValueError, match="not fitted yet"):
        PCA().transform(1, correlated)
    with pytest.raises(ValueError, match=r"k must be an integer in \[1, 4\], got 5"):
        PCA(correlated).transform(5)
    with pytest.raises(ValueError, match="features have 3 columns; the PCA was fitted on 4"):
        PCA(correlated).transform(2, correlated[:, :3])
    with pytest.raises(ValueError, match=r"threshold_k must be in \(0, 1\]"):
        PCA(threshold_k=0)
