"""Measurements of images and of reconstructions.

- :func:`gradient_energy` (chapter 6): how sharp an image is, the summed squared difference
  between neighbouring pixels; it falls when edges soften, so a blurred image has less of it.
- :func:`fraction_of_variance_unexplained` (chapter 13): how much of a set of vectors (images,
  or a hidden layer's activations) a reconstruction misses, normalised by their variance.
"""
from __future__ import annotations

import torch

from .._checks import check_images, check_same_shape, check_size, check_tensor

__all__ = ["gradient_energy", "fraction_of_variance_unexplained"]


def gradient_energy(images: torch.Tensor, side: int = 28) -> torch.Tensor:
    """Sum of squared differences between horizontally and vertically neighbouring pixels.

    Args:
        images: (n, side * side) float. side: the images' width and height.
    Returns:
        (n,) one value per image; 0 for a constant image.
    """
    check_images("images", images)
    check_size("side", side)
    if images.shape[1] != side * side:
        raise ValueError(f"images must be (n, {side * side}), got {tuple(images.shape)}")
    grid = images.reshape(-1, side, side)
    return ((grid[:, 1:] - grid[:, :-1]).pow(2).sum((1, 2))
            + (grid[:, :, 1:] - grid[:, :, :-1]).pow(2).sum((1, 2)))


def fraction_of_variance_unexplained(reconstruction: torch.Tensor, x: torch.Tensor) -> float:
    """FVU = sum |x - x_hat|^2 / sum |x - mean(x)|^2 (Gao et al. 2024's normalised MSE).

    0 for a perfect reconstruction; 1 for one that always predicts the mean activation.

    Args:
        reconstruction, x: (n, features), the same shape; the mean is taken over the n rows.
    """
    check_tensor("reconstruction", reconstruction), check_tensor("x", x)
    check_same_shape("reconstruction", reconstruction, "x", x)
    x, reconstruction = x.double(), reconstruction.double()
    return ((x - reconstruction) ** 2).sum().item() / ((x - x.mean(0)) ** 2).sum().item()
