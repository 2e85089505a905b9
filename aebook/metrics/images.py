"""Measurements of images and of reconstructions.

- :func:`gradient_energy` (chapter 7): how sharp an image is, the summed squared difference
  between neighbouring pixels; it falls when edges soften, so a blurred image has less of it.
- :func:`fraction_of_variance_unexplained` (chapter 13): how much of a set of vectors (images,
  or a hidden layer's activations) a reconstruction misses, normalised by their variance.
- :func:`erased_ink_restored` (chapter 2): how much of the ink a corruption erased a model's
  output gives back; near 0 for a model that copies the holes of its input.
- :func:`nearest_distance` (chapter 6): how far each image lies from the nearest of a set of
  reference images (the training images), as a squared distance summed over pixels.
"""
from __future__ import annotations

import torch

from .._checks import check_images, check_same_shape, check_size, check_tensor

__all__ = ["gradient_energy", "fraction_of_variance_unexplained", "erased_ink_restored",
           "nearest_distance"]


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


def erased_ink_restored(output: torch.Tensor, clean: torch.Tensor,
                        corrupted: torch.Tensor) -> torch.Tensor:
    """The share of the erased ink that ``output`` gives back: sum(output) / sum(clean) over
    the pixels the corruption set to 0 where the clean image had ink (clean > 0).

    0 for an output that keeps the holes of its input; 1 for one that restores them exactly.

    Args:
        output: (n, pixels), a model's output for ``corrupted``.
        clean, corrupted: (n, pixels), the clean images and the corrupted copies fed to it.
    Returns:
        A 0-dim tensor.
    """
    for name, tensor in [("output", output), ("clean", clean), ("corrupted", corrupted)]:
        check_tensor(name, tensor)
    check_same_shape("output", output, "clean", clean)
    check_same_shape("corrupted", corrupted, "clean", clean)
    erased = (corrupted == 0) & (clean > 0)  # ink pixels the corruption set to 0
    if not erased.any():
        raise ValueError("the corruption erased no ink: nothing to give back")
    return output[erased].sum() / clean[erased].sum()


def nearest_distance(images: torch.Tensor, references: torch.Tensor,
                     batch_size: int = 1024) -> torch.Tensor:
    """Squared distance from each image to its nearest reference image, summed over pixels.

    Args:
        images: (n, pixels) float. references: (m, pixels) float, e.g. the training images.
        batch_size: images compared at a time (bounds the (batch, m) distance matrix).
    Returns:
        (n,) one value per image; 0 for an image that is one of the references.
    """
    check_images("images", images)
    check_images("references", references)
    check_size("batch_size", batch_size)
    if images.shape[1] != references.shape[1]:
        raise ValueError(f"images and references must have as many pixels, got "
                         f"{tuple(images.shape)} and {tuple(references.shape)}")
    references = references.to(images.device, images.dtype)
    return torch.cat([torch.cdist(batch, references).min(1).values.pow(2)
                      for batch in images.split(batch_size)])
