"""Distances between two samples of points.

- :func:`mmd` (chapter 10): the maximum mean discrepancy, e.g. between a set of codes and draws
  from a prior.
- :func:`frechet_distance` (chapter 15), the measure behind the FID: fit a Gaussian to each set
  (its mean and covariance) and take the Fréchet (2-Wasserstein) distance between the two
  Gaussians (Dowson & Landau 1982; Heusel et al. 2017), :func:`gaussian_frechet_distance`:

    d^2 = ||m_1 - m_2||^2 + tr(S_1) + tr(S_2) - 2 tr((S_1^{1/2} S_2 S_1^{1/2})^{1/2}).

  It is 0 for identical Gaussians, ||m_1 - m_2||^2 for two with the same covariance, and
  (s_1 - s_2)^2 in one dimension with equal means. The FID uses an Inception network's
  features; the book uses the hidden layer of its own small classifier
  (:class:`aebook.models.MLPClassifier`, trained by :func:`aebook.train.train_classifier`).
"""
from __future__ import annotations

from typing import Sequence

import torch

from .._checks import check_positive

__all__ = ["mmd", "frechet_distance", "gaussian_frechet_distance"]


def mmd(x: torch.Tensor, y: torch.Tensor, bandwidths: Sequence[float] = (0.5, 1.0, 2.0)) -> float:
    """The squared maximum mean discrepancy between the samples ``x`` (n, d) and ``y`` (m, d)
    with a sum of Gaussian kernels exp(-|a - b|^2 / (2 h^2)) over ``bandwidths`` h, the biased
    (V-statistic) estimate: 0 for identical samples, larger the further the distributions lie
    apart."""
    for name, value in (("x", x), ("y", y)):
        if not isinstance(value, torch.Tensor) or value.ndim != 2 or len(value) == 0:
            raise ValueError(f"{name} must be a non-empty (n, d) tensor")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have the same width, got {x.shape[1]} and {y.shape[1]}")
    bandwidths = [check_positive("bandwidth", h) for h in bandwidths]
    if not bandwidths:
        raise ValueError("bandwidths must name at least one bandwidth")
    x, y = x.detach().double(), y.detach().double()

    def kernel(a, b):  # the mean of the kernel over all pairs
        distances = torch.cdist(a, b).pow(2)
        return sum(torch.exp(-distances / (2 * h * h)).mean() for h in bandwidths)

    return (kernel(x, x) + kernel(y, y) - 2 * kernel(x, y)).item()


def _check_matrix(name: str, value, rows: int | None = None, columns: int | None = None):
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    if value.dim() != 2 or (rows is not None and value.shape[0] != rows) or \
            (columns is not None and value.shape[1] != columns):
        want = f"({rows if rows is not None else 'n'}, {columns if columns is not None else 'd'})"
        raise ValueError(f"{name} must have shape {want}, got {tuple(value.shape)}")
    if not torch.isfinite(value).all():
        raise ValueError(f"{name} holds NaN or infinite values")
    return value.double()


def _psd_sqrt(matrix: torch.Tensor) -> torch.Tensor:
    """The symmetric square root of a symmetric positive semi-definite matrix."""
    values, vectors = torch.linalg.eigh(matrix)
    return (vectors * values.clamp(min=0).sqrt()) @ vectors.T


def gaussian_frechet_distance(mean_1: torch.Tensor, covariance_1: torch.Tensor,
                              mean_2: torch.Tensor, covariance_2: torch.Tensor) -> float:
    """The squared Fréchet distance between N(mean_1, covariance_1) and N(mean_2, covariance_2).

    Args:
        mean_1, mean_2: (d,).
        covariance_1, covariance_2: (d, d), symmetric positive semi-definite.
    Returns:
        A float >= 0, computed in float64.
    """
    for name, mean in (("mean_1", mean_1), ("mean_2", mean_2)):
        if not isinstance(mean, torch.Tensor) or mean.dim() != 1:
            raise ValueError(f"{name} must be a (d,) tensor, got "
                             f"{type(mean).__name__} {tuple(getattr(mean, 'shape', ()))}")
    size = len(mean_1)
    if len(mean_2) != size:
        raise ValueError(f"the means differ in length: {size} and {len(mean_2)}")
    mean_1, mean_2 = (_check_matrix(name, mean[None], 1, size)[0]
                      for name, mean in (("mean_1", mean_1), ("mean_2", mean_2)))
    covariance_1 = _check_matrix("covariance_1", covariance_1, size, size)
    covariance_2 = _check_matrix("covariance_2", covariance_2, size, size)
    for name, covariance in (("covariance_1", covariance_1), ("covariance_2", covariance_2)):
        scale = covariance.abs().max().clamp(min=1.0)
        if not torch.allclose(covariance, covariance.T, atol=1e-8 * scale):
            raise ValueError(f"{name} must be symmetric")
    root_1 = _psd_sqrt(covariance_1)
    middle = root_1 @ covariance_2 @ root_1
    cross = torch.linalg.eigvalsh((middle + middle.T) / 2).clamp(min=0).sqrt().sum()
    distance = (mean_1 - mean_2).pow(2).sum() + covariance_1.trace() + covariance_2.trace() \
        - 2 * cross
    return max(float(distance), 0.0)


def frechet_distance(features_1: torch.Tensor, features_2: torch.Tensor) -> float:
    """The squared Fréchet distance between Gaussians fitted to two sets of features.

    Args:
        features_1: (n_1, d), one row per image (e.g. a classifier's hidden layer).
        features_2: (n_2, d), the same d; n_1 and n_2 may differ, each at least 2.
    Returns:
        A float >= 0: 0 when both sets have the same mean and covariance.
    """
    features_1 = _check_matrix("features_1", features_1)
    features_2 = _check_matrix("features_2", features_2, columns=features_1.shape[1])
    for name, features in (("features_1", features_1), ("features_2", features_2)):
        if len(features) < 2:
            raise ValueError(f"{name} needs at least 2 rows to fit a covariance, got {len(features)}")
    size = features_1.shape[1]
    return gaussian_frechet_distance(features_1.mean(0), torch.cov(features_1.T).reshape(size, size),
                                     features_2.mean(0), torch.cov(features_2.T).reshape(size, size))
