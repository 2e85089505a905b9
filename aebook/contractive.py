"""Contractive autoencoders (Rifai et al., ICML 2011): the Jacobian penalty in closed form, and
the measurements of the chapter (singular directions of the Jacobian, what they capture).

For a sigmoid encoder ``code = sigmoid(W x + b)`` the Jacobian of the code with respect to the
input is ``J = diag(code * (1 - code)) W`` (hidden x input), so

    ||J||_F^2 = sum_j (code_j (1 - code_j))^2 sum_i W_ji^2,

a cost of one (batch, hidden) x (hidden,) product, no autograd through a Jacobian needed.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_images, check_positive, check_size, is_real
from .losses import reconstruction_error

__all__ = ["contractive_penalty", "contractive_loss", "encoder_jacobian", "singular_directions",
           "captured_fraction", "small_changes"]


def _check_weight(code: torch.Tensor, weight: torch.Tensor) -> None:
    check_images("code", code)
    check_images("weight", weight)
    if weight.shape[0] != code.shape[1]:
        raise ValueError(f"weight must be (hidden, input) with hidden = {code.shape[1]} (the "
                         f"code's width), got shape {tuple(weight.shape)}")


def contractive_penalty(code: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """||J_f(x)||_F^2 of a sigmoid encoder, for each image, in closed form.

    Args:
        code: (batch, hidden) = sigmoid(W x + b), in (0, 1).
        weight: (hidden, input), the encoder's W.
    Returns:
        (batch,) squared Frobenius norms of the Jacobians d code / d x.
    """
    _check_weight(code, weight)
    slope = code * (1 - code)                      # (batch, hidden): sigmoid'(W x + b)
    return slope.pow(2) @ weight.pow(2).sum(1)     # sum_j slope_j^2 * ||W_j||^2


def contractive_loss(model: nn.Module, x: torch.Tensor,
                     penalty_weight: float = 1e-3) -> torch.Tensor:
    """Per-pixel mean squared error + penalty_weight * mean ||J_f(x)||_F^2 (Rifai et al. 2011).

    A ``loss_fn`` for :func:`aebook.train.train` once ``penalty_weight`` is bound (e.g. with
    ``functools.partial``). ``model`` needs ``encode``, ``decode`` and a sigmoid encoder whose
    weight is ``model.encoder.weight``, as :class:`aebook.models.ContractiveAutoencoder`.

    Args:
        x: (batch, input) in [0, 1]. penalty_weight: lambda >= 0.
    Returns:
        A scalar.
    """
    if not is_real(penalty_weight) \
            or penalty_weight < 0:
        raise ValueError(f"penalty_weight must be a number >= 0, got {penalty_weight!r}")
    code = model.encode(x)
    penalty = contractive_penalty(code, model.encoder.weight).mean()
    return reconstruction_error(model.decode(code), x) + penalty_weight * penalty


@torch.no_grad()
def encoder_jacobian(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """d code / d x of a sigmoid encoder in closed form: diag(code (1 - code)) W.

    Args:
        model: with ``encode`` and ``encoder.weight`` (hidden, input).
        x: (batch, input).
    Returns:
        (batch, hidden, input) Jacobians.
    """
    check_images("x", x)
    code = model.encode(x)                                     # (batch, hidden)
    return (code * (1 - code))[:, :, None] * model.encoder.weight[None]


def singular_directions(jacobian: torch.Tensor, k: int = 10) -> tuple:
    """Singular values of each Jacobian and its k top right singular vectors.

    The right singular vectors are the input directions that move the code most. They come
    from the small Gram matrix J J^T (hidden x hidden) rather than a full SVD, which is several
    times cheaper for a few hundred images: J J^T = U S^2 U^T, and v_i = J^T u_i / s_i.

    Args:
        jacobian: (batch, hidden, input) with hidden <= input.
        k: how many directions to return, at most hidden.
    Returns:
        singular_values: (batch, hidden), largest first;
        directions: (batch, k, input), orthonormal rows, the top k right singular vectors.
    """
    if not isinstance(jacobian, torch.Tensor) or jacobian.dim() != 3:
        raise ValueError("jacobian must be a (batch, hidden, input) tensor")
    hidden, inputs = jacobian.shape[1:]
    if hidden > inputs:
        raise ValueError(f"jacobian must have hidden <= input, got {hidden} > {inputs}")
    k = check_size("k", k)
    if k > hidden:
        raise ValueError(f"k must be at most hidden = {hidden}, got {k}")
    gram = (jacobian @ jacobian.transpose(1, 2)).double()      # (batch, hidden, hidden)
    eigenvalues, vectors = torch.linalg.eigh(gram)              # ascending
    singular_values = eigenvalues.clamp_min(0).sqrt().flip(1)  # (batch, hidden), descending
    top = vectors.flip(2)[:, :, :k].to(jacobian.dtype)          # (batch, hidden, k)
    directions = (jacobian.transpose(1, 2) @ top).transpose(1, 2)  # (batch, k, input)
    directions = F.normalize(directions, dim=2)                # v_i = J^T u_i / s_i
    return singular_values.to(jacobian.dtype), directions


def captured_fraction(directions: torch.Tensor, vectors: torch.Tensor) -> torch.Tensor:
    """The share of each vector's squared length that lies in the span of its directions.

    Args:
        directions: (batch, k, input) with orthonormal rows (or (k, input), shared by all).
        vectors: (batch, input), e.g. the change a small shift makes to each image.
    Returns:
        (batch,) fractions in [0, 1]: ||V v||^2 / ||v||^2.
    """
    check_images("vectors", vectors)
    if directions.dim() == 2:
        directions = directions.expand(len(vectors), *directions.shape)
    if directions.dim() != 3 or directions.shape[0] != len(vectors) \
            or directions.shape[2] != vectors.shape[1]:
        raise ValueError(f"directions must be (batch, k, input) or (k, input) matching vectors "
                         f"{tuple(vectors.shape)}, got {tuple(directions.shape)}")
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
