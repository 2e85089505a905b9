"""Corruptions for denoising autoencoders (chapter 2); the denoising criterion that trains on
them is ``aebook.losses.denoising_loss``.

Each corruption takes images ``x`` in [0, 1] and a ``noise_ratio`` in [0, 1] (0: the image
unchanged, 1: nothing of it left), draws its randomness from ``generator`` (the global torch
RNG when ``None``), and works on a whole batch at once. How ``noise_ratio`` maps to each kind:

- ``"masking"``: each pixel is set to 0 with probability ``noise_ratio`` (Vincent et al. 2010);
- ``"gaussian"``: add Gaussian noise of standard deviation ``sigma = noise_ratio``, then clip to [0, 1];
- ``"salt-and-pepper"``: each pixel, with probability ``noise_ratio``, becomes 0 or 1 by a fair coin;
- ``"patch"``: one square patch per image, covering about ``noise_ratio`` of its area at a
  random place, is replaced by uniform noise in [0, 1] (the source text's "random regions").

The same generator seed gives nested corruptions across noise ratios: the pixels masked at 0.2
include those masked at 0.1, the Gaussian noise is the same draw scaled, the patch grows in place.
"""
from __future__ import annotations

import torch

from ._checks import check_fraction, check_images

__all__ = ["KINDS", "masking_noise", "gaussian_noise", "salt_and_pepper_noise", "patch_noise",
           "corrupt"]

KINDS = ("masking", "gaussian", "salt-and-pepper", "patch")


def _check(x, noise_ratio, generator) -> float:
    check_images("x", x, ndim=None)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {type(generator).__name__}")
    return check_fraction("noise_ratio", noise_ratio)


def _uniform(shape, x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """Uniform [0, 1) draws of ``shape`` on x's device, from the generator's own device."""
    device = generator.device if generator is not None else x.device
    return torch.rand(shape, generator=generator, device=device).to(x.device)


def masking_noise(x: torch.Tensor, noise_ratio: float,
                  generator: torch.Generator | None = None) -> torch.Tensor:
    """Set each pixel to 0 with probability ``noise_ratio``: x (batch, ...) -> same shape."""
    noise_ratio = _check(x, noise_ratio, generator)
    keep = _uniform(x.shape, x, generator) >= noise_ratio  # erased with probability noise_ratio
    return x * keep


def gaussian_noise(x: torch.Tensor, noise_ratio: float,
                   generator: torch.Generator | None = None, clip: bool = True) -> torch.Tensor:
    """x + sigma * eps with eps ~ N(0, I) and sigma = noise_ratio, clipped to [0, 1] so the
    result is still an image: x (batch, ...) -> same shape.

    ``clip=False`` keeps the noise as drawn, zero-mean on every pixel: the corruption that
    Alain & Bengio (2014) analyse (chapter on contractive autoencoders)."""
    sigma = _check(x, noise_ratio, generator)
    if not isinstance(clip, bool):
        raise TypeError(f"clip must be a bool, got {type(clip).__name__}")
    device = generator.device if generator is not None else x.device
    eps = torch.randn(x.shape, generator=generator, device=device, dtype=x.dtype).to(x.device)
    noisy = x + sigma * eps
    return noisy.clamp(0.0, 1.0) if clip else noisy


def salt_and_pepper_noise(x: torch.Tensor, noise_ratio: float,
                          generator: torch.Generator | None = None) -> torch.Tensor:
    """With probability ``noise_ratio`` each pixel becomes 0 (pepper) or 1 (salt), chosen by a
    fair coin: x (batch, ...) -> same shape."""
    noise_ratio = _check(x, noise_ratio, generator)
    hit = _uniform(x.shape, x, generator) < noise_ratio
    salt = (_uniform(x.shape, x, generator) < 0.5).to(x.dtype)
    return torch.where(hit, salt, x)


def patch_noise(x: torch.Tensor, noise_ratio: float, generator: torch.Generator | None = None,
                image_shape: tuple = (28, 28)) -> torch.Tensor:
    """Replace one square patch per image by uniform noise in [0, 1].

    The patch's sides are ``round(sqrt(noise_ratio) * h)`` by ``round(sqrt(noise_ratio) * w)``,
    so it covers about ``noise_ratio`` of the image; its place is uniform over the image.

    Args:
        x: (batch, pixels) with pixels = h * w of ``image_shape``, or (batch, ..., h, w).
    Returns:
        The corrupted images, shaped like x.
    """
    noise_ratio = _check(x, noise_ratio, generator)
    if x.dim() < 2:
        raise ValueError(f"x must be (batch, pixels) or (batch, ..., h, w), got shape {tuple(x.shape)}")
    if x.dim() == 2:
        height, width = image_shape
        if height * width != x.shape[1]:
            raise ValueError(f"images of {x.shape[1]} pixels do not fit image_shape {image_shape}")
    else:
        height, width = x.shape[-2:]
    images = x.reshape(len(x), -1, height, width)  # (batch, channels, h, w)
    side = noise_ratio ** 0.5
    patch_height, patch_width = round(side * height), round(side * width)
    # Fractions, not integers, for the corner: one seed then gives a patch that grows in place.
    corner = _uniform((2, len(x)), x, generator)
    top = (corner[0] * (height - patch_height + 1)).long().clamp(max=height - patch_height)
    left = (corner[1] * (width - patch_width + 1)).long().clamp(max=width - patch_width)
    rows = torch.arange(height, device=x.device)
    columns = torch.arange(width, device=x.device)
    inside_rows = (rows >= top[:, None]) & (rows < top[:, None] + patch_height)  # (batch, h)
    inside_columns = (columns >= left[:, None]) & (columns < left[:, None] + patch_width)
    inside = (inside_rows[:, :, None] & inside_columns[:, None, :])[:, None]  # (batch, 1, h, w)
    fill = _uniform(images.shape, x, generator).to(x.dtype)
    return torch.where(inside, fill, images).reshape(x.shape)


_CORRUPTIONS = {"masking": masking_noise, "gaussian": gaussian_noise,
                "salt-and-pepper": salt_and_pepper_noise, "patch": patch_noise}


def corrupt(x: torch.Tensor, kind: str, noise_ratio: float,
            generator: torch.Generator | None = None) -> torch.Tensor:
    """Apply the corruption named ``kind`` (one of :data:`KINDS`) at ``noise_ratio``.

    Args:
        x: (batch, 784) in [0, 1] (or (batch, ..., 28, 28)).
        kind: "masking", "gaussian", "salt-and-pepper" or "patch".
        noise_ratio: in [0, 1]; see the module's docstring for what it means for each kind.
        generator: the source of randomness; ``None``: the global torch RNG.
    Returns:
        The corrupted images, shaped like x.
    """
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a str, one of {KINDS}, got {type(kind).__name__}")
    if kind not in _CORRUPTIONS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return _CORRUPTIONS[kind](x, noise_ratio, generator)
