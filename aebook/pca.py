"""PCA as chapter 1 teaches it, and principal angles to compare subspaces."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ._checks import check_images, check_size

__all__ = ["PCA", "fit_pca", "principal_angles"]


@dataclass(frozen=True)
class PCA:
    """A fitted PCA.

    Attributes:
        mean: (pixels,) the training mean.
        components: (pixels, pixels) eigenvectors of the centred covariance, as columns,
            by decreasing eigenvalue.
        eigenvalues: (pixels,) decreasing.
    """

    mean: torch.Tensor
    components: torch.Tensor
    eigenvalues: torch.Tensor

    def encode(self, x: torch.Tensor, code_size: int) -> torch.Tensor:
        """x: (batch, pixels) -> code: (batch, code_size), coordinates on the top components."""
        check_size("code_size", code_size)
        return (x - self.mean) @ self.components[:, :code_size]

    def decode(self, code: torch.Tensor) -> torch.Tensor:
        """code: (batch, code_size) -> reconstruction: (batch, pixels)."""
        return code @ self.components[:, :code.shape[1]].T + self.mean

    def reconstruct(self, x: torch.Tensor, code_size: int) -> torch.Tensor:
        return self.decode(self.encode(x, code_size))

    def discarded_variance(self, code_size: int) -> float:
        """Eckart-Young: the least mean squared error per pixel of any rank-``code_size``
        linear reconstruction of the training data."""
        check_size("code_size", code_size)
        return float(self.eigenvalues[code_size:].sum() / len(self.mean))


def fit_pca(images: torch.Tensor) -> PCA:
    """Fit PCA by an eigendecomposition of the centred covariance.

    Args:
        images: (n, pixels) float tensor.
    """
    check_images("images", images)
    mean = images.double().mean(0).float()
    centred = images - mean
    # The product in float32 is fast; the eigendecomposition in float64 keeps small eigenvalues exact.
    covariance = (centred.T @ centred).double() / len(images)
    eigenvalues, vectors = torch.linalg.eigh(covariance)  # ascending
    order = torch.argsort(eigenvalues, descending=True)
    return PCA(mean, vectors[:, order].float(), eigenvalues[order].clamp_min(0).float())


def principal_angles(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Principal angles, in degrees, between the column spaces of ``a`` and ``b``.

    Args:
        a: (n, p) and b: (n, q) with p, q <= n.
    Returns:
        (min(p, q),) angles, ascending; 0 for a shared direction, 90 for orthogonal ones.
    """
    for name, value in (("a", a), ("b", b)):
        check_images(name, value)
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"a and b must have the same number of rows, got {a.shape[0]} and {b.shape[0]}")
    qa, _ = torch.linalg.qr(a.double())
    qb, _ = torch.linalg.qr(b.double())
    cosines = torch.linalg.svdvals(qa.T @ qb).clamp(-1, 1)
    return torch.rad2deg(torch.arccos(cosines)).float()  # cosines descend, angles ascend
