"""Measurements of an autoencoder's filters (chapter 3): how local each filter is, and how
much it looks like a whole image rather than a part of one.

A filter is a row of the first layer's weights, (code_size, pixels): e.g. ``model.filters``
of :class:`aebook.models.KSparseAutoencoder` or :class:`aebook.models.ShallowAutoencoder`.
"""
from __future__ import annotations

import torch
from torch.nn import functional as F

from .._checks import check_images, check_size, check_tensor

__all__ = ["filter_spread", "template_similarity"]


def filter_spread(filters: torch.Tensor, image_shape: tuple = (28, 28)) -> torch.Tensor:
    """How far each filter's mass spreads over the image, in pixels: a locality measure.

    The mass of pixel p in filter w is w_p^2 / sum(w^2); the spread is the root mean squared
    distance of that mass from its centre, sqrt(sum_p m_p * |p - centre|^2). A dot of one pixel
    has spread 0; a stroke a few pixels long about 1-3; a digit-sized blob 5-7; weights spread
    evenly over a 28 x 28 image about 11.4.

    Args:
        filters: (units, pixels) with pixels = height * width.
    Returns:
        (units,) spreads in pixels.
    """
    check_tensor("filters", filters)
    height, width = (check_size(f"image_shape[{i}]", size) for i, size in enumerate(image_shape))
    if filters.shape[1] != height * width:
        raise ValueError(f"filters of {filters.shape[1]} pixels do not fit image_shape {image_shape}")
    mass = filters.detach().double() ** 2
    mass = mass / mass.sum(1, keepdim=True).clamp_min(1e-30)  # (units, pixels), rows sum to 1
    rows, columns = torch.meshgrid(torch.arange(height, dtype=torch.float64),
                                   torch.arange(width, dtype=torch.float64), indexing="ij")
    rows, columns = rows.flatten().to(mass.device), columns.flatten().to(mass.device)
    centre_row = mass @ rows                                        # (units,)
    centre_column = mass @ columns
    squared_distance = ((rows - centre_row[:, None]) ** 2
                        + (columns - centre_column[:, None]) ** 2)  # (units, pixels)
    return (mass * squared_distance).sum(1).sqrt().float()


def template_similarity(filters: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
    """How much each filter looks like a whole image: its largest |cosine| with any of ``images``.

    1 for a filter that is (a multiple of) one of the images; small for a filter that matches
    only a part of each image, such as a stroke. Pass centred images (minus the mean image)
    for filters that code deviations from the mean, as the k-sparse autoencoder's do.

    Args:
        filters: (units, pixels).
        images: (n, pixels), e.g. a few thousand training images.
    Returns:
        (units,) similarities in [0, 1].
    """
    check_tensor("filters", filters)
    check_images("images", images)
    if filters.shape[1] != images.shape[1]:
        raise ValueError(f"filters and images must have the same number of pixels, got "
                         f"{filters.shape[1]} and {images.shape[1]}")
    filters = F.normalize(filters.detach().float(), dim=1)
    images = F.normalize(images.detach().float(), dim=1)
    return (filters @ images.T).abs().max(1).values
