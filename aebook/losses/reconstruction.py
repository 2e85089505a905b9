"""Reconstruction: the per-pixel squared error (:func:`reconstruction_error`), the default
``loss_fn`` of :func:`aebook.train.train` (:func:`reconstruction_loss`) and the denoising
criterion (:func:`denoising_loss`), a ``loss_fn`` too."""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from .._checks import check_fraction, check_same_shape, check_size
from ..noise import KINDS, corrupt

__all__ = ["reconstruction_error", "reconstruction_loss", "denoising_loss"]


def reconstruction_error(reconstruction: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Mean squared error per pixel, averaged over the batch: a scalar.

    Args:
        reconstruction, x: (batch, ...) of the same shape.
    """
    check_same_shape("reconstruction", reconstruction, "x", x)
    return ((reconstruction - x) ** 2).mean()


def reconstruction_loss(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The default ``loss_fn`` of :func:`aebook.train.train`: mean squared error between
    ``model(x)`` and ``x``, both (batch, ...)."""
    return reconstruction_error(model(x), x)


def denoising_loss(model: nn.Module, x: torch.Tensor, kinds: Sequence[str] = KINDS,
                   max_noise_ratio: float = 0.5, groups: int = 16) -> torch.Tensor:
    """The denoising criterion (Vincent et al. 2008): corrupt the batch, score the model's
    output against the CLEAN batch. A ``loss_fn`` for :func:`aebook.train.train`.

    The batch is split into ``groups`` equal parts; each part gets its own kind, drawn from
    ``kinds``, and its own noise ratio, drawn uniformly from [0, max_noise_ratio), so one
    step sees many corruptions (see :func:`aebook.noise.corrupt`). Randomness comes from the
    global torch RNG (``train`` seeds it).

    Args:
        model: maps (batch, 784) to (batch, 784). x: (batch, 784) clean images in [0, 1].
    Returns:
        The mean squared error to x, a scalar.
    """
    if isinstance(kinds, str) or not kinds or any(kind not in KINDS for kind in kinds):
        raise ValueError(f"kinds must be a non-empty sequence of names from {KINDS}, got {kinds!r}")
    max_noise_ratio = check_fraction("max_noise_ratio", max_noise_ratio)
    groups = check_size("groups", groups)
    pieces = []
    for piece in x.chunk(groups):  # (batch / groups, 784) each
        kind = kinds[torch.randint(len(kinds), ()).item()]
        noise_ratio = max_noise_ratio * torch.rand(()).item()
        pieces.append(corrupt(piece, kind, noise_ratio))
    return reconstruction_error(model(torch.cat(pieces)), x)
