"""What a VAE's code carries (chapter 10): the KL term per latent dimension, active units
(Burda et al. 2016), and the KL per dimension drawn as a small bar image for a widget.
"""
from __future__ import annotations

import numpy as np
import torch

from ._checks import check_positive, check_size, is_int

__all__ = ["kl_per_dimension", "latent_activity", "active_units", "kl_bars_image"]

ACTIVE_RGB = (31, 119, 180)    # matplotlib's C0: an active unit's bar
INACTIVE_RGB = (190, 190, 190)  # grey: an inactive unit's bar


def _check_codes(name: str, value: torch.Tensor) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if value.dim() != 2 or len(value) == 0:
        raise ValueError(f"{name} must be (batch, latent_size) with batch >= 1, "
                         f"got shape {tuple(value.shape)}")
    return value


def kl_per_dimension(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(q(z_j|x) || N(0, 1)) of each latent dimension j, averaged over the images, in nats.

    The KL term of a diagonal Gaussian is a sum over dimensions, so these add up to the mean
    KL term: ``kl_per_dimension(mu, logvar).sum() == kl_divergence(mu, logvar).mean()``.

    Args:
        mu, logvar: (batch, latent_size), the encoder's outputs for a set of images.
    Returns:
        (latent_size,) nats.
    """
    _check_codes("mu", mu), _check_codes("logvar", logvar)
    if mu.shape != logvar.shape:
        raise ValueError(f"mu and logvar must have the same shape, got "
                         f"{tuple(mu.shape)} and {tuple(logvar.shape)}")
    return 0.5 * (mu.pow(2) + logvar.exp() - logvar - 1).mean(0)


def latent_activity(mu: torch.Tensor) -> torch.Tensor:
    """Cov_x(E_q[z_j]): how much the posterior mean of each dimension j varies across images.

    Args:
        mu: (batch, latent_size), E_q[z | x] for each image x (batch >= 2).
    Returns:
        (latent_size,) sample variances.
    """
    _check_codes("mu", mu)
    if len(mu) < 2:
        raise ValueError("mu must hold at least two images to have a variance")
    return mu.var(0)


def active_units(mu: torch.Tensor, threshold: float = 0.01) -> int:
    """The number of active units: dimensions with Cov_x(E_q[z_j]) > threshold (Burda et al. 2016).

    An inactive unit's posterior mean is the same for every image: it carries no information
    about x, and the KL term then pushes its posterior onto the prior.

    Args:
        mu: (batch, latent_size). threshold: 0.01 as in Burda et al.
    """
    threshold = check_positive("threshold", threshold)
    return int((latent_activity(mu) > threshold).sum())


def kl_bars_image(kl, active=None, *, top: float | None = None, height: int = 48,
                  bar_width: int = 6, gap: int = 2) -> np.ndarray:
    """One bar per latent dimension, its height the dimension's KL: an RGB image for a widget.

    Args:
        kl: (latent_size,) non-negative nats, e.g. from :func:`kl_per_dimension`.
        active: (latent_size,) bools; active units are drawn blue, the others grey
            (default: all blue).
        top: the KL drawn as a full-height bar (default: the largest value); larger values
            are clipped, so several images share one scale.
        height, bar_width, gap: sizes in pixels.
    Returns:
        (height, latent_size * (bar_width + gap) + gap, 3) uint8, white background.
    """
    if isinstance(kl, torch.Tensor):
        kl = kl.detach().cpu().numpy()
    kl = np.asarray(kl, dtype=np.float64)
    if kl.ndim != 1 or kl.size == 0 or not np.all(np.isfinite(kl)) or np.any(kl < 0):
        raise ValueError("kl must be a non-empty 1-D array of finite, non-negative values")
    active = np.ones(kl.size, bool) if active is None else np.asarray(
        active.cpu() if isinstance(active, torch.Tensor) else active, dtype=bool)
    if active.shape != kl.shape:
        raise ValueError(f"active must have one entry per dimension ({kl.size}), got {active.shape}")
    top = float(kl.max()) if top is None else check_positive("top", top)
    height, bar_width = check_size("height", height), check_size("bar_width", bar_width)
    if not is_int(gap) or gap < 0:
        raise ValueError(f"gap must be a non-negative int, got {gap!r}")
    image = np.full((height, kl.size * (bar_width + gap) + gap, 3), 255, np.uint8)
    image[-1] = 0  # a baseline: a dimension at 0 nats still shows where its bar would stand
    fractions = np.clip(kl / top, 0, 1) if top > 0 else np.zeros_like(kl)
    for index, (fraction, is_active) in enumerate(zip(fractions, active)):
        rows = int(round(fraction * (height - 1)))
        left = gap + index * (bar_width + gap)
        if rows:
            image[height - 1 - rows:height - 1, left:left + bar_width] = (
                ACTIVE_RGB if is_active else INACTIVE_RGB)
    return image
