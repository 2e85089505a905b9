"""What a sigmoid encoder's Jacobian says about it (chapter 9): the Jacobian itself, its
singular directions (the input directions that move the code most), how much of a change they
capture, and three small changes of the kind that keep an image the same digit or garment.

For ``code = sigmoid(W x + b)`` the Jacobian of the code with respect to the input is
``J = diag(code * (1 - code)) W``, (code_size, input_size); its squared Frobenius norm is the
penalty ``aebook.losses.contractive_penalty``.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import check_images, check_positive, check_size, check_tensor

__all__ = ["encoder_jacobian", "singular_directions", "captured_fraction", "small_changes"]


@torch.no_grad()
def encoder_jacobian(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """d code / d x of a sigmoid encoder in closed form: diag(code (1 - code)) W.

    Args:
        model: with ``encode`` and ``encoder.weight`` (code_size, input_size).
        x: (batch, input_size).
    Returns:
        (batch, code_size, input_size) Jacobians.
    """
    check_images("x", x)
    code = model.encode(x)                                     # (batch, code_size)
    return (code * (1 - code))[:, :, None] * model.encoder.weight[None]


def singular_directions(jacobian: torch.Tensor, k: int = 10) -> tuple:
    """Singular values of each Jacobian and its k top right singular vectors.

    The right singular vectors are the input directions that move the code most. They come
    from the small Gram matrix J J^T (code_size x code_size) rather than a full SVD, which is
    several times cheaper for a few hundred images: J J^T = U S^2 U^T, and v_i = J^T u_i / s_i.

    Args:
        jacobian: (batch, code_size, input_size) with code_size <= input_size.
        k: how many directions to return, at most code_size.
    Returns:
        singular_values: (batch, code_size), largest first;
        directions: (batch, k, input_size), orthonormal rows, the top k right singular vectors.
    """
    if not isinstance(jacobian, torch.Tensor) or jacobian.dim() != 3:
        raise ValueError("jacobian must be a (batch, code_size, input_size) tensor")
    code_size, input_size = jacobian.shape[1:]
    if code_size > input_size:
        raise ValueError(f"jacobian must have code_size <= input_size, "
                         f"got {code_size} > {input_size}")
    k = check_size("k", k)
    if k > code_size:
        raise ValueError(f"k must be at most code_size = {code_size}, got {k}")
    gram = (jacobian @ jacobian.transpose(1, 2)).double()      # (batch, code_size, code_size)
    eigenvalues, vectors = torch.linalg.eigh(gram)              # ascending
    singular_values = eigenvalues.clamp_min(0).sqrt().flip(1)  # (batch, code_size), descending
    top = vectors.flip(2)[:, :, :k].to(jacobian.dtype)          # (batch, code_size, k)
    directions = (jacobian.transpose(1, 2) @ top).transpose(1, 2)  # (batch, k, input_size)
    directions = F.normalize(directions, dim=2)                # v_i = J^T u_i / s_i
    return singular_values.to(jacobian.dtype), directions


def captured_fraction(directions: torch.Tensor, vectors: torch.Tensor) -> torch.Tensor:
    """The share of each vector's squared length that lies in the span of its directions.

    Args:
        directions: (batch, k, input_size) with orthonormal rows, or (k, input_size) shared by
            all.
        vectors: (batch, input_size), e.g. the change a small shift makes to each image.
    Returns:
        (batch,) fractions in [0, 1]: ||V v||^2 / ||v||^2.
    """
    check_tensor("vectors", vectors)
    if directions.dim() == 2:
        directions = directions.expand(len(vectors), *directions.shape)
    if directions.dim() != 3 or directions.shape[0] != len(vectors) \
            or directions.shape[2] != vectors.shape[1]:
        raise ValueError(f"directions must be (batch, k, input_size) or (k, input_size) matching "
                         f"vectors {tuple(vectors.shape)}, got {tuple(directions.shape)}")
    projection = (directions @ vectors[:, :, None]).squeeze(2)  # (batch, k)
    return projection.pow(2).sum(1) / vectors.pow(2).sum(1).clamp_min(1e-12)


def small_changes(x: torch.Tensor, angle: float = 5.0,
                  image_shape: tuple = (28, 28)) -> dict:
    """How each image changes under three small transformations of the kind that keep it
    the same digit or garment: a one-pixel shift to the right, a rotation by ``angle`` degrees
    about the centre, and a thicker stroke (a 3 x 3 maximum filter, one pixel of growth).

    Args:
        x: (batch, pixels) in [0, 1] with pixels = h * w of ``image_shape``.
        angle: the rotation in degrees, > 0.
    Returns:
        {"shift": ..., "rotation": ..., "thickening": ...}: each (batch, pixels), the
        transformed image minus the image.
    """
    check_images("x", x)
    angle = check_positive("angle", angle)
    height, width = image_shape
    if x.shape[1] != height * width:
        raise ValueError(f"images of {x.shape[1]} pixels do not fit image_shape {image_shape}")
    images = x.reshape(len(x), 1, height, width)
    shifted = F.pad(images, (1, 0))[..., :width]                # one pixel right, zeros enter
    radians = math.radians(angle)
    rotation = torch.tensor([[math.cos(radians), -math.sin(radians), 0.0],
                             [math.sin(radians), math.cos(radians), 0.0]], dtype=x.dtype)
    grid = F.affine_grid(rotation.expand(len(x), 2, 3), list(images.shape), align_corners=False)
    rotated = F.grid_sample(images, grid.to(x.device), align_corners=False)
    thicker = F.max_pool2d(images, 3, stride=1, padding=1)     # each stroke grows a pixel
    return {name: (changed - images).reshape(len(x), -1)
            for name, changed in (("shift", shifted), ("rotation", rotated),
                                  ("thickening", thicker))}
