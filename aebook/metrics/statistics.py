"""How sure a measured number is.

- :func:`bootstrap_interval` (chapter 7): a percentile bootstrap confidence interval for any
  statistic of one or more paired samples, resampled together (the same rows each time).
"""
from __future__ import annotations

from typing import Callable

import torch

from .._checks import check_size, check_tensor

__all__ = ["bootstrap_interval"]


def bootstrap_interval(statistic: Callable, *samples: torch.Tensor, resamples: int = 1000,
                       level: float = 0.95, generator: torch.Generator | None = None) -> tuple:
    """A percentile bootstrap interval for ``statistic(*samples)`` (Efron 1979).

    Each resample draws n rows with replacement and passes the same rows of every sample to
    ``statistic`` (a paired bootstrap: the pairs stay together); the interval holds the middle
    ``level`` of the resampled statistics.

    Args:
        statistic: ``statistic(*samples) -> scalar`` (a float or a 0-d tensor).
        samples: one or more tensors with the same first size n (the rows resampled).
        resamples: how many resamples. level: the coverage, in (0, 1).
        generator: the random draws (default: torch's global generator).
    Returns:
        (low, high) floats.
    """
    if not samples:
        raise ValueError("bootstrap_interval needs at least one sample")
    for index, sample in enumerate(samples):
        check_tensor(f"samples[{index}]", sample, ndim=None)
    size = samples[0].shape[0]
    if size < 2 or any(sample.shape[0] != size for sample in samples):
        raise ValueError(f"samples must share a first size of at least 2, got "
                         f"{[tuple(sample.shape) for sample in samples]}")
    check_size("resamples", resamples)
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    rows = torch.randint(size, (resamples, size), generator=generator)  # (resamples, n)
    values = torch.tensor([float(statistic(*(sample[index] for sample in samples)))
                           for index in rows], dtype=torch.float64)
    tail = (1 - level) / 2
    low, high = torch.quantile(values, torch.tensor([tail, 1 - tail], dtype=torch.float64))
    return low.item(), high.item()
