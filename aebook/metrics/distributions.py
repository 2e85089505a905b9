"""Distances between two samples of points, e.g. a set of codes and draws from a prior
(chapter 10): the maximum mean discrepancy."""
from __future__ import annotations

from typing import Sequence

import torch

from .._checks import check_positive

__all__ = ["mmd"]


def mmd(x: torch.Tensor, y: torch.Tensor, bandwidths: Sequence[float] = (0.5, 1.0, 2.0)) -> float:
    """The squared maximum mean discrepancy between the samples ``x`` (n, d) and ``y`` (m, d)
    with a sum of Gaussian kernels exp(-|a - b|^2 / (2 h^2)) over ``bandwidths`` h, the biased
    (V-statistic) estimate: 0 for identical samples, larger the further the distributions lie
    apart."""
    for name, value in (("x", x), ("y", y)):
        if not isinstance(value, torch.Tensor) or value.ndim != 2 or len(value) == 0:
            raise ValueError(f"{name} must be a non-empty (n, d) tensor")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have the same width, got {x.shape[1]} and {y.shape[1]}")
    bandwidths = [check_positive("bandwidth", h) for h in bandwidths]
    if not bandwidths:
        raise ValueError("bandwidths must name at least one bandwidth")
    x, y = x.detach().double(), y.detach().double()

    def kernel(a, b):  # the mean of the kernel over all pairs
        distances = torch.cdist(a, b).pow(2)
        return sum(torch.exp(-distances / (2 * h * h)).mean() for h in bandwidths)

    return (kernel(x, x) + kernel(y, y) - 2 * kernel(x, y)).item()
