"""Argument checks shared by the public functions: clear errors naming what was expected."""
from __future__ import annotations

import numbers
from typing import Sequence

import torch

__all__ = ["check_size", "check_sizes", "check_fraction", "check_images", "check_positive"]


def check_size(name: str, value) -> int:
    """A positive int (bool excluded)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int, got {value}")
    return int(value)


def check_sizes(name: str, values: Sequence[int]) -> tuple:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of positive ints, got {type(values).__name__}")
    return tuple(check_size(f"{name}[{index}]", value) for index, value in enumerate(values))


def check_positive(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {type(value).__name__}")
    if not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value}")
    return float(value)


def check_fraction(name: str, value) -> float:
    """A number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in [0, 1], got {type(value).__name__}")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value}")
    return float(value)


def check_images(name: str, images, ndim: int | None = 2) -> torch.Tensor:
    """A floating-point tensor with ``ndim`` dimensions (2: (batch, pixels)), at least one row."""
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(images).__name__}")
    if not images.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {images.dtype}")
    if ndim is not None and images.dim() != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(images.shape)}")
    if len(images) == 0:
        raise ValueError(f"{name} is empty")
    return images
