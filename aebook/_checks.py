"""Argument checks shared by the public functions: clear errors naming what was expected.

Private to the package. Tensors have three checks, by what they hold: :func:`check_images` for
images, :func:`check_tensor` for any other floating-point array (weights, codes, scores,
activations) and :func:`check_labels` for class indices; :func:`require_tensor` only asks for a
``torch.Tensor``."""
from __future__ import annotations

import numbers
from typing import Sequence

import torch

__all__ = ["is_int", "is_real", "check_int", "check_real", "check_size", "check_sizes",
           "check_fraction", "check_positive", "require_tensor", "check_same_shape", "check_tensor",
           "check_images",
           "check_labels", "as_vector_batch", "as_covariance", "check_vae_outputs"]

LABEL_DTYPES = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)


def is_int(value) -> bool:
    """An integer, and not a bool (``True`` is an ``int`` to Python, never a size to us)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value) -> bool:
    """A real number, and not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_int(name: str, value, minimum: int | None = None) -> int:
    """An int, at least ``minimum`` when given."""
    what = {None: "an int", 0: "a non-negative int", 1: "a positive int"}.get(
        minimum, f"an int >= {minimum}")
    if not is_int(value):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be {what}, got {value}")
    return int(value)


def check_real(name: str, value, minimum: float | None = None) -> float:
    """A real number, at least ``minimum`` when given."""
    what = {None: "a number", 0: "a non-negative number"}.get(minimum, f"a number >= {minimum}")
    if not is_real(value):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    if minimum is not None and not value >= minimum:
        raise ValueError(f"{name} must be {what}, got {value}")
    return float(value)


def check_size(name: str, value) -> int:
    """A positive int (bool excluded)."""
    if not is_int(value):
        raise TypeError(f"{name} must be a positive int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int, got {value}")
    return int(value)


def check_sizes(name: str, values: Sequence[int]) -> tuple:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of positive ints, got {type(values).__name__}")
    return tuple(check_size(f"{name}[{index}]", value) for index, value in enumerate(values))


def check_positive(name: str, value) -> float:
    if not is_real(value):
        raise TypeError(f"{name} must be a positive number, got {type(value).__name__}")
    if not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value}")
    return float(value)


def check_fraction(name: str, value) -> float:
    """A number in [0, 1]."""
    if not is_real(value):
        raise TypeError(f"{name} must be a number in [0, 1], got {type(value).__name__}")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value}")
    return float(value)


def require_tensor(name: str, value) -> torch.Tensor:
    """A ``torch.Tensor`` of any dtype and shape."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    return value


def check_same_shape(first_name: str, first, second_name: str, second) -> None:
    """Two tensors of one shape, e.g. a reconstruction and its input, or mu and logvar."""
    require_tensor(first_name, first), require_tensor(second_name, second)
    if first.shape != second.shape:
        raise ValueError(f"{first_name} and {second_name} must have the same shape, got "
                         f"{tuple(first.shape)} and {tuple(second.shape)}")


def check_tensor(name: str, value, ndim: int | None = 2) -> torch.Tensor:
    """A floating-point tensor with ``ndim`` dimensions (None: any), at least one row: weights,
    codes, scores, activations. (batch, features) by default."""
    require_tensor(name, value)
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    if ndim is not None and value.dim() != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(value.shape)}")
    if len(value) == 0:
        raise ValueError(f"{name} is empty")
    return value


def check_images(name: str, images, ndim: int | None = 2) -> torch.Tensor:
    """Images: a floating-point tensor, (batch, pixels) by default, (batch, 1, h, w) with
    ``ndim=4``, any shape with ``ndim=None``; at least one image. Other tensors take
    :func:`check_tensor`, whose errors these are."""
    return check_tensor(name, images, ndim)


def check_labels(name: str, labels, n: int) -> torch.Tensor:
    """Class indices, one per row of ``n`` rows: an integer tensor of shape (n,), >= 0.

    Returns:
        The labels as int64, ready for ``F.one_hot`` and ``F.cross_entropy``.
    """
    require_tensor(name, labels)
    if labels.dtype not in LABEL_DTYPES:
        raise TypeError(f"{name} must hold integer class indices, got dtype {labels.dtype}")
    if labels.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one label per row, "
                         f"got {tuple(labels.shape)}")
    if n and labels.min() < 0:
        raise ValueError(f"{name} must be non-negative class indices, got {labels.min().item()}")
    return labels.long()


def as_vector_batch(name: str, value: torch.Tensor, size: int) -> torch.Tensor:
    """(size,) or (batch, size) -> float64 (batch, size)."""
    value = require_tensor(name, value).double()
    value = value[None] if value.dim() == 1 else value
    if value.dim() != 2 or value.shape[1] != size:
        raise ValueError(f"{name} must be ({size},) or (batch, {size}), got {tuple(value.shape)}")
    return value


def as_covariance(name: str, value: torch.Tensor, size: int) -> torch.Tensor:
    """(size, size) or (batch, size, size) -> float64, checked symmetric positive definite."""
    value = require_tensor(name, value).double()
    if value.dim() not in (2, 3) or value.shape[-2:] != (size, size):
        raise ValueError(f"{name} must be ({size}, {size}) or (batch, {size}, {size}), "
                         f"got {tuple(value.shape)}")
    if not torch.allclose(value, value.transpose(-1, -2), atol=1e-10):
        raise ValueError(f"{name} must be symmetric")
    if torch.linalg.cholesky_ex(value).info.any():
        raise ValueError(f"{name} must be positive definite")
    return value


def check_vae_outputs(logits, x, mu, logvar) -> None:
    """What a VAE loss takes: logits and x (batch, pixels), mu and logvar (batch, code_size)."""
    for name, value in (("logits", logits), ("x", x), ("mu", mu), ("logvar", logvar)):
        require_tensor(name, value)
    if logits.shape != x.shape or x.dim() != 2:
        raise ValueError(f"logits and x must both be (batch, pixels), got "
                         f"{tuple(logits.shape)} and {tuple(x.shape)}")
    if mu.shape != logvar.shape or mu.dim() != 2 or len(mu) != len(x):
        raise ValueError(f"mu and logvar must both be (batch, code_size) with batch {len(x)}, "
                         f"got {tuple(mu.shape)} and {tuple(logvar.shape)}")
