"""Variational autoencoders (chapters 5 to 11): the reparameterization trick and three models
that share one base.

Each model follows pytorch/examples ``vae/main.py`` (Kingma & Welling 2014): an encoder to the
mean and log-variance of a diagonal Gaussian q(z|x), a sample of z by the reparameterization
trick, a decoder to one logit per pixel; ``torch.sigmoid(logits)`` is the mean image. They
differ only in the layers :class:`VAEBase` runs:

- :class:`VAE`: one dense hidden layer on each side (784-400-20 by default);
- :class:`ConvVAE`: chapter 4's convolutions on each side;
- :class:`ConditionalVAE` (Sohn et al. 2015): the class label, one-hot, joins the input of
  encoder and decoder, so the decoder draws p(x | z, y) and z is free to hold the style.

Their loss is ``aebook.losses.negative_elbo``; ``aebook.metrics.importance_weighted_bound``
measures how tight it is.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from .._checks import check_same_shape, check_size
from .conv import (
    NEGATIVE_SLOPE,
    _check_channels,
    _check_image_size,
    downsampling_layers,
    upsampling_layers,
)

__all__ = ["reparameterize", "VAEBase", "VAE", "ConvVAE", "ConditionalVAE"]


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """A sample z ~ N(mu, diag(exp(logvar))) as z = mu + sigma * epsilon, epsilon ~ N(0, I).

    The randomness sits in epsilon alone, so gradients reach ``mu`` and ``logvar``.

    Args:
        mu, logvar: (batch, code_size).
    Returns:
        z: (batch, code_size).
    """
    check_same_shape("mu", mu, "logvar", logvar)
    std = torch.exp(0.5 * logvar)
    epsilon = torch.randn_like(std)
    return mu + epsilon * std


class VAEBase(nn.Module):
    """What every VAE here shares: x -> ``encoder`` -> (``to_mu``, ``to_logvar``) -> z
    -> ``decoder`` -> logits. Subclasses build the four parts.

    ``y`` is the condition of a conditional model, (batch, classes) one-hot, joined to the
    input of encoder and decoder by :meth:`condition`; an unconditional model takes none.
    """

    def condition(self, inputs: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        """What the encoder or decoder reads: ``inputs`` alone (no condition here)."""
        if y is not None:
            raise TypeError(f"{type(self).__name__} takes no condition y")
        return inputs

    def encode(self, x: torch.Tensor, y: torch.Tensor | None = None) -> tuple:
        """x: (batch, input_size) in [0, 1] -> (mu, logvar), each (batch, code_size)."""
        hidden = self.encoder(self.condition(x, y))
        return self.to_mu(hidden), self.to_logvar(hidden)

    def reparameterize(self, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        """(mu, logvar) -> z: (batch, code_size), see :func:`reparameterize`."""
        return reparameterize(mu, logvar)

    def decode(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """z: (batch, code_size) -> logits: (batch, input_size); sigmoid gives the mean image."""
        return self.decoder(self.condition(z, y))

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> tuple:
        """x: (batch, input_size) -> (logits, mu, logvar), with one z sampled per image."""
        mu, logvar = self.encode(x, y)
        z = self.reparameterize(mu, logvar)
        return self.decode(z, y), mu, logvar


class VAE(VAEBase):
    """x -> ReLU hidden layer -> (mu, logvar) -> z = mu + sigma * epsilon -> ReLU hidden layer
    -> logits.

    Args:
        code_size: dimensions of z (20 in pytorch/examples; 2 to draw the latent space).
        hidden_size: width of the one hidden layer on each side.
        input_size: pixels per image.
    """

    def __init__(self, code_size: int = 20, hidden_size: int = 400, input_size: int = 784):
        super().__init__()
        for name, value in (("code_size", code_size), ("hidden_size", hidden_size),
                            ("input_size", input_size)):
            check_size(name, value)
        self.encoder = nn.Sequential(nn.Linear(input_size, hidden_size), nn.ReLU())
        self.to_mu = nn.Linear(hidden_size, code_size)
        self.to_logvar = nn.Linear(hidden_size, code_size)
        self.decoder = nn.Sequential(nn.Linear(code_size, hidden_size), nn.ReLU(),
                                     nn.Linear(hidden_size, input_size))


class ConvVAE(VAEBase):
    """x -> two stride-2 convolutions -> (mu, logvar) -> z -> dense -> two stride-2 transposed
    convolutions -> logits (chapter 11).

    Args:
        code_size: dimensions of z.
        channels: feature maps after the first and the second convolution.
        image_size: side of the square images, a multiple of 4.

    Shapes (defaults): x (batch, 784) -> (batch, 1, 28, 28) -> (batch, 16, 14, 14)
    -> (batch, 32, 7, 7) -> mu, logvar (batch, 20); z (batch, 20) -> (batch, 32, 7, 7)
    -> (batch, 16, 14, 14) -> (batch, 1, 28, 28) -> logits (batch, 784).
    """

    def __init__(self, code_size: int = 20, channels: Sequence[int] = (16, 32),
                 image_size: int = 28):
        super().__init__()
        check_size("code_size", code_size)
        first, second = _check_channels(channels)
        side = _check_image_size(image_size) // 4
        self.encoder = nn.Sequential(
            nn.Unflatten(1, (1, image_size, image_size)),
            *downsampling_layers(first, second),
            nn.Flatten())                                          # (batch, second * side * side)
        self.to_mu = nn.Linear(second * side * side, code_size)
        self.to_logvar = nn.Linear(second * side * side, code_size)
        self.decoder = nn.Sequential(
            nn.Linear(code_size, second * side * side), nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.Unflatten(1, (second, side, side)),
            *upsampling_layers(second, first),
            nn.Flatten())                                          # logits (batch, 784)


class ConditionalVAE(VAEBase):
    """(x, y) -> encoder -> (mu, logvar) -> z -> decoder(z, y) -> logits (chapter 11).

    Encoder and decoder each see the label as a one-hot row concatenated to their input, z
    first: ``encode(x, y)``, ``decode(z, y)``, ``forward(x, y)``.

    Args:
        code_size: dimensions of z (2 to draw the latent space).
        hidden_size: width of the one hidden layer on each side.
        classes: number of classes; labels enter as one-hot rows of this width.
        input_size: pixels per image.

    Shapes: x (batch, 784) in [0, 1], y (batch, classes) one-hot -> logits (batch, 784),
    mu and logvar (batch, code_size).
    """

    def __init__(self, code_size: int = 2, hidden_size: int = 400, classes: int = 10,
                 input_size: int = 784):
        super().__init__()
        for name, value in (("code_size", code_size), ("hidden_size", hidden_size),
                            ("classes", classes), ("input_size", input_size)):
            check_size(name, value)
        self.classes = classes
        self.encoder = nn.Sequential(nn.Linear(input_size + classes, hidden_size), nn.ReLU())
        self.to_mu = nn.Linear(hidden_size, code_size)
        self.to_logvar = nn.Linear(hidden_size, code_size)
        self.decoder = nn.Sequential(nn.Linear(code_size + classes, hidden_size), nn.ReLU(),
                                     nn.Linear(hidden_size, input_size))

    def condition(self, inputs: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        """inputs (batch, n) and y (batch, classes) -> (batch, n + classes)."""
        if y is None:
            raise TypeError("ConditionalVAE needs the labels y, (batch, classes) one-hot")
        return torch.cat([inputs, y], 1)
