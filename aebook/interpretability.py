"""Measurements on sparse autoencoders of a hidden layer (chapter 13): how much of the layer a
reconstruction misses, which latents never fire, which images each unit likes best, and how class-specific a unit is."""
from __future__ import annotations

import torch
from torch.nn import functional as F

from ._checks import check_images, check_size
from .probe import _check_labels

__all__ = ["fraction_of_variance_unexplained", "dead_latents", "top_activating", "class_purity"]


def fraction_of_variance_unexplained(reconstruction: torch.Tensor, x: torch.Tensor) -> float:
    """FVU = sum |x - x_hat|^2 / sum |x - mean(x)|^2 (Gao et al. 2024's normalised MSE).

    0 for a perfect reconstruction; 1 for one that always predicts the mean activation.

    Args:
        reconstruction, x: (n, features), the same shape; the mean is taken over the n rows.
    """
    check_images("reconstruction", reconstruction)
    check_images("x", x)
    if reconstruction.shape != x.shape:
        raise ValueError(f"reconstruction and x must have the same shape, got "
                         f"{tuple(reconstruction.shape)} and {tuple(x.shape)}")
    x, reconstruction = x.double(), reconstruction.double()
    return ((x - reconstruction) ** 2).sum().item() / ((x - x.mean(0)) ** 2).sum().item()


def dead_latents(codes: torch.Tensor) -> torch.Tensor:
    """codes: (n, latents) -> (latents,) bool: True for a latent that is zero on every row."""
    check_images("codes", codes)
    return (codes != 0).sum(0) == 0


def top_activating(activations: torch.Tensor, count: int = 10) -> torch.Tensor:
    """The rows on which each unit is largest, largest first.

    Args:
        activations: (n, units), e.g. latents or neurons over n test images.
        count: rows per unit, at most n.
    Returns:
        (units, count) row indices.
    """
    check_images("activations", activations)
    count = check_size("count", count)
    if count > len(activations):
        raise ValueError(f"count must be at most the {len(activations)} rows, got {count}")
    return activations.topk(count, dim=0).indices.T


def class_purity(activations: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The share of each unit's total activation that falls on one class, the class that
    gets the most: 1 for a unit that fires only on images of one class, about 1/classes for
    one that fires alike on every class.

    purity_j = max_c sum_{i: label_i = c} a_ij / sum_i a_ij, over the n rows.

    Args:
        activations: (n, units), non-negative (ReLU neurons or sparse latents).
        labels: (n,) int class indices.
    Returns:
        (units,) purities in [1/classes, 1]; NaN for a unit that is zero on every row.
    """
    check_images("activations", activations)
    labels = _check_labels("labels", labels, len(activations))
    if (activations < 0).any():
        raise ValueError("activations must be non-negative (ReLU neurons or sparse latents)")
    one_hot = F.one_hot(labels.to(activations.device), int(labels.max()) + 1)
    mass = activations.double().T @ one_hot.double()  # (units, classes): activation per class
    total = mass.sum(1)
    purity = mass.max(1).values / total.clamp_min(1e-300)
    return torch.where(total > 0, purity, torch.full_like(purity, float("nan"))).float()
