"""A convolutional VAE (chapter 11): chapter 4's convolutional encoder and decoder around the
VAE's Gaussian code, with one logit per pixel out, so :func:`aebook.models.negative_elbo` applies.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from .._checks import check_size, check_sizes
from .conv import NEGATIVE_SLOPE
from .vae import reparameterize

__all__ = ["ConvVAE"]


class ConvVAE(nn.Module):
    """x -> two stride-2 convolutions -> (mu, logvar) -> z -> dense -> two stride-2 transposed
    convolutions -> logits.

    Args:
        latent_size: dimensions of z.
        channels: feature maps after the first and the second convolution.
        image_size: side of the square images, a multiple of 4.

    Shapes (defaults): x (batch, 784) -> (batch, 1, 28, 28) -> (batch, 16, 14, 14)
    -> (batch, 32, 7, 7) -> mu, logvar (batch, 20); z (batch, 20) -> (batch, 32, 7, 7)
    -> (batch, 16, 14, 14) -> (batch, 1, 28, 28) -> logits (batch, 784).
    """

    def __init__(self, latent_size: int = 20, channels: Sequence[int] = (16, 32),
                 image_size: int = 28):
        super().__init__()
        check_size("latent_size", latent_size)
        channels = check_sizes("channels", channels)
        if len(channels) != 2:
            raise ValueError(f"channels must hold two ints, got {len(channels)}")
        if check_size("image_size", image_size) % 4:
            raise ValueError(f"image_size must be a multiple of 4, got {image_size}")
        first, second = channels
        side = image_size // 4
        self.encoder = nn.Sequential(
            nn.Unflatten(1, (1, image_size, image_size)),
            nn.Conv2d(1, first, 3, stride=2, padding=1), nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.Conv2d(first, second, 3, stride=2, padding=1), nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.Flatten())                                          # (batch, second * side * side)
        self.to_mu = nn.Linear(second * side * side, latent_size)
        self.to_logvar = nn.Linear(second * side * side, latent_size)
        self.decoder = nn.Sequential(
            nn.Linear(latent_size, second * side * side), nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.Unflatten(1, (second, side, side)),
            nn.ConvTranspose2d(second, first, 4, stride=2, padding=1), nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.ConvTranspose2d(first, 1, 4, stride=2, padding=1),
            nn.Flatten())                                          # logits (batch, 784)

    def encode(self, x: torch.Tensor) -> tuple:
        """x: (batch, image_size**2) in [0, 1] -> (mu, logvar), each (batch, latent_size)."""
        hidden = self.encoder(x)
        return self.to_mu(hidden), self.to_logvar(hidden)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """z: (batch, latent_size) -> logits: (batch, image_size**2)."""
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> tuple:
        """x -> (logits, mu, logvar), with one z sampled per image."""
        mu, logvar = self.encode(x)
        return self.decode(reparameterize(mu, logvar)), mu, logvar
