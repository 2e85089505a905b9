"""Finite scalar quantisation (FSQ, Mentzer et al., ICLR 2024): a codebook with nothing to learn.

Each of a few channels is squashed into a bounded range and rounded to one of a handful of
levels; the gradient passes the rounding straight through. With levels (L_1, ..., L_d) the
implicit codebook is the grid of all prod(L_i) combinations, every one of them reachable, and
there is no codebook or commitment loss to balance.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from .._checks import check_sizes

__all__ = ["FiniteScalarQuantizer"]


class FiniteScalarQuantizer(nn.Module):
    """Round each channel of z to one of ``levels[i]`` values in [-1, 1], straight-through.

    Args:
        levels: L_i for each of the d channels, each at least 2; the codebook has prod(L_i)
            entries (the default (8, 8, 4): 256, 8 bits).

    ``forward(z)`` with z (batch, d, ...) (e.g. an encoder's (batch, d, h, w) grid) returns

    - ``quantized``: z's shape; channel i of each vector takes one of L_i evenly spaced values
      (-1, ..., 1 - 2 / L_i for even L_i; -1, ..., 1 for odd L_i), with the gradient of the
      bounding function tanh (the rounding is straight-through);
    - ``tokens``: (batch, ...) int64 in [0, prod(L_i)), the index of the grid point: the
      channels' level indices as the digits of a mixed-radix number, the first channel lowest.
    """

    def __init__(self, levels=(8, 8, 4)):
        super().__init__()
        levels = check_sizes("levels", levels)
        if not levels or min(levels) < 2:
            raise ValueError(f"levels must be a non-empty sequence of ints >= 2, got {levels}")
        self.levels = levels

    @property
    def codebook_size(self) -> int:
        return math.prod(self.levels)

    def forward(self, z: torch.Tensor) -> tuple:
        if not isinstance(z, torch.Tensor) or not z.is_floating_point() or z.dim() < 2:
            raise ValueError(f"z must be a floating-point (batch, {len(self.levels)}, ...) tensor, "
                             f"got {type(z).__name__} {tuple(getattr(z, 'shape', ()))}")
        if z.shape[1] != len(self.levels):
            raise ValueError(f"z must have {len(self.levels)} channels, one per level, got {z.shape[1]}")
        shape = (1, -1) + (1,) * (z.dim() - 2)  # broadcast over batch and positions
        levels = torch.tensor(self.levels, dtype=z.dtype, device=z.device).view(shape)
        half = (levels - 1) * (1 - 1e-3) / 2                    # half the bounded range
        offset = (levels % 2 == 0) * 0.5                         # even L: -L/2 .. L/2 - 1
        shift = torch.tan(offset / half)  # the paper's code (atanh meant; the two agree near 0)
        bounded = torch.tanh(z + shift) * half - offset
        rounded = bounded + (bounded.round() - bounded).detach()  # round, straight-through
        digits = (rounded.detach() + levels // 2).long()          # 0 .. L_i - 1 per channel
        basis = torch.cumprod(torch.tensor((1,) + self.levels[:-1]), 0).view(shape)
        tokens = (digits * basis.to(z.device)).sum(1)
        return rounded / (levels // 2), tokens
