"""The VQ-VAE's training loss (:func:`vq_vae_loss`); its codebook and commitment terms come from
:class:`aebook.models.VectorQuantizer`."""
from __future__ import annotations

import torch

from .._checks import check_same_shape, is_real
from .reconstruction import reconstruction_error

__all__ = ["vq_vae_loss"]


def vq_vae_loss(reconstruction: torch.Tensor, x: torch.Tensor, codebook_loss: torch.Tensor,
                commitment_loss: torch.Tensor, beta: float = 0.25) -> torch.Tensor:
    """The VQ-VAE's training loss (van den Oord et al. 2017, eq. 3), per-pixel mean squared error
    for the reconstruction term:

        ||x - decoder(e)||^2 + ||sg[z] - e||^2 + beta * ||z - sg[e]||^2

    Args:
        reconstruction, x: (batch, pixels).
        codebook_loss, commitment_loss: scalars from :class:`aebook.models.VectorQuantizer`.
        beta: the commitment weight (0.25 in the paper).
    Returns:
        a scalar.
    """
    check_same_shape("reconstruction", reconstruction, "x", x)
    if not is_real(beta) or beta < 0:
        raise ValueError(f"beta must be a non-negative number, got {beta!r}")
    return reconstruction_error(reconstruction, x) + codebook_loss + beta * commitment_loss
