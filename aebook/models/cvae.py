"""The conditional VAE (chapter 11, Sohn et al. 2015): the class label enters encoder and decoder.

Encoder and decoder each see the label as a one-hot vector concatenated to their input, so the
decoder draws p(x | z, y) and the code z is free to hold what the label does not say (the style:
thickness, slant, size). Same layout and names as :class:`aebook.models.VAE`.
"""
from __future__ import annotations

import torch
from torch import nn

from .._checks import check_size
from .vae import reparameterize

__all__ = ["ConditionalVAE"]


class ConditionalVAE(nn.Module):
    """(x, y) -> encoder -> (mu, logvar) -> z -> decoder(z, y) -> logits.

    Args:
        latent_size: dimensions of z (2 to draw the latent space).
        hidden_size: width of the one hidden layer on each side.
        classes: number of classes; labels enter as one-hot rows of this width.
        input_size: pixels per image.

    Shapes: x (batch, 784) in [0, 1], y (batch, classes) one-hot -> logits (batch, 784),
    mu and logvar (batch, latent_size).
    """

    def __init__(self, latent_size: int = 2, hidden_size: int = 400, classes: int = 10,
                 input_size: int = 784):
        super().__init__()
        for name, value in (("latent_size", latent_size), ("hidden_size", hidden_size),
                            ("classes", classes), ("input_size", input_size)):
            check_size(name, value)
        self.classes = classes
        self.encoder = nn.Sequential(nn.Linear(input_size + classes, hidden_size), nn.ReLU())
        self.to_mu = nn.Linear(hidden_size, latent_size)
        self.to_logvar = nn.Linear(hidden_size, latent_size)
        self.decoder = nn.Sequential(nn.Linear(latent_size + classes, hidden_size), nn.ReLU(),
                                     nn.Linear(hidden_size, input_size))

    def encode(self, x: torch.Tensor, y: torch.Tensor) -> tuple:
        """x: (batch, input_size), y: (batch, classes) -> (mu, logvar), each (batch, latent_size)."""
        hidden = self.encoder(torch.cat([x, y], 1))
        return self.to_mu(hidden), self.to_logvar(hidden)

    def decode(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """z: (batch, latent_size), y: (batch, classes) -> logits (batch, input_size)."""
        return self.decoder(torch.cat([z, y], 1))

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> tuple:
        """(x, y) -> (logits, mu, logvar), with one z sampled per image."""
        mu, logvar = self.encode(x, y)
        return self.decode(reparameterize(mu, logvar), y), mu, logvar
