"""The variational autoencoder (chapters 5 to 8) and its loss, the negative ELBO per image in nats.

The model follows pytorch/examples ``vae/main.py`` (784-400-20, Kingma & Welling 2014): an
encoder to the mean and log-variance of a diagonal Gaussian q(z|x), a sample of z by the
reparameterization trick, a decoder to one logit per pixel.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import check_positive, check_size, check_vae_outputs, is_real
from ..losses import kl_divergence

__all__ = ["VAE", "reparameterize", "negative_elbo", "importance_weighted_bound", "LIKELIHOODS"]

LIKELIHOODS = ("bernoulli", "gaussian")


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """A sample z ~ N(mu, diag(exp(logvar))) as z = mu + sigma * epsilon, epsilon ~ N(0, I).

    The randomness sits in epsilon alone, so gradients reach ``mu`` and ``logvar``.

    Args:
        mu, logvar: (batch, latent_size).
    Returns:
        z: (batch, latent_size).
    """
    for name, value in (("mu", mu), ("logvar", logvar)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if mu.shape != logvar.shape:
        raise ValueError(f"mu and logvar must have the same shape, got "
                         f"{tuple(mu.shape)} and {tuple(logvar.shape)}")
    std = torch.exp(0.5 * logvar)
    epsilon = torch.randn_like(std)
    return mu + epsilon * std


class VAE(nn.Module):
    """x -> encoder -> (mu, logvar) -> z = mu + sigma * epsilon -> decoder -> logits.

    The decoder gives one logit per pixel; ``torch.sigmoid(logits)`` is the mean image of
    p(x|z) under either likelihood of :func:`negative_elbo`.

    Args:
        latent_size: dimensions of z (20 in pytorch/examples; 2 to draw the latent space).
        hidden_size: width of the one hidden layer on each side.
        input_size: pixels per image.
    """

    def __init__(self, latent_size: int = 20, hidden_size: int = 400, input_size: int = 784):
        super().__init__()
        for name, value in (("latent_size", latent_size), ("hidden_size", hidden_size),
                            ("input_size", input_size)):
            check_size(name, value)
        self.encoder = nn.Sequential(nn.Linear(input_size, hidden_size), nn.ReLU())
        self.to_mu = nn.Linear(hidden_size, latent_size)
        self.to_logvar = nn.Linear(hidden_size, latent_size)
        self.decoder = nn.Sequential(nn.Linear(latent_size, hidden_size), nn.ReLU(),
                                     nn.Linear(hidden_size, input_size))

    def encode(self, x: torch.Tensor) -> tuple:
        """x: (batch, input_size) in [0, 1] -> (mu, logvar), each (batch, latent_size)."""
        hidden = self.encoder(x)
        return self.to_mu(hidden), self.to_logvar(hidden)

    def reparameterize(self, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        """(mu, logvar) -> z: (batch, latent_size), see :func:`reparameterize`."""
        return reparameterize(mu, logvar)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """z: (batch, latent_size) -> logits: (batch, input_size); sigmoid gives the mean image."""
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> tuple:
        """x: (batch, input_size) -> (logits, mu, logvar), with one z sampled per image."""
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def _check_loss_arguments(logits, x, mu, logvar, likelihood, sigma) -> float:
    check_vae_outputs(logits, x, mu, logvar)
    if likelihood not in LIKELIHOODS:
        raise ValueError(f"likelihood must be one of {LIKELIHOODS}, got {likelihood!r}")
    if not is_real(sigma):
        raise TypeError(f"sigma must be a positive number, got {type(sigma).__name__}")
    return check_positive("sigma", sigma)


def negative_elbo(logits: torch.Tensor, x: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
                  likelihood: str = "bernoulli", sigma: float = 1.0) -> torch.Tensor:
    """-ELBO = -log p(x|z) + KL(q(z|x) || N(0, I)) for each image, in nats, with one z per image.

    - ``"bernoulli"``: -log p(x|z) = binary cross-entropy of x against sigmoid(logits), summed
      over pixels (pytorch/examples; a true log-likelihood only for binary pixels).
    - ``"gaussian"``: p(x|z) = N(x; sigmoid(logits), sigma^2 I), so
      -log p(x|z) = ||x - mean||^2 / (2 sigma^2) + pixels * log(sqrt(2 pi) sigma):
      the squared error, weighted by 1 / (2 sigma^2), plus a constant.

    Args:
        logits: (batch, pixels) the decoder's output for a sample z of q(z|x).
        x: (batch, pixels) in [0, 1].
        mu, logvar: (batch, latent_size) the parameters of q(z|x).
        likelihood: ``"bernoulli"`` or ``"gaussian"``.
        sigma: the Gaussian likelihood's standard deviation per pixel (ignored for Bernoulli).
    Returns:
        (batch,) negative ELBO per image; ``.mean()`` is a training loss.
    """
    sigma = _check_loss_arguments(logits, x, mu, logvar, likelihood, sigma)
    if likelihood == "bernoulli":
        reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    else:
        squared_error = (x - torch.sigmoid(logits)).pow(2).sum(1)
        constant = x.shape[1] * 0.5 * math.log(2 * math.pi * sigma ** 2)
        reconstruction = squared_error / (2 * sigma ** 2) + constant
    return reconstruction + kl_divergence(mu, logvar)


def importance_weighted_bound(decode, x: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
                              samples: int = 100) -> torch.Tensor:
    """The importance-weighted bound L_K of Burda et al. (2016), Bernoulli likelihood, in nats:

        L_K = log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x),   z_k ~ q(z|x) = N(mu, diag(exp(logvar))).

    E[L_1] is the ELBO; E[L_K] rises with K towards log p(x), so E[L_K] - ELBO is a lower
    bound on the gap KL(q(z|x) || p(z|x)).

    Args:
        decode: z (samples, batch, latent_size) -> logits (samples, batch, pixels), e.g. ``model.decode``.
        x: (batch, pixels) in [0, 1]. mu, logvar: (batch, latent_size), from ``model.encode(x)``.
        samples: K, the number of z per image.
    Returns:
        (batch,) L_K of each image.
    """
    if not callable(decode):
        raise TypeError("decode must be callable as decode(z) -> logits")
    check_size("samples", samples)
    for name, value in (("x", x), ("mu", mu), ("logvar", logvar)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if mu.shape != logvar.shape or mu.dim() != 2 or x.dim() != 2 or len(mu) != len(x):
        raise ValueError(f"x must be (batch, pixels) and mu, logvar (batch, latent_size), got "
                         f"{tuple(x.shape)}, {tuple(mu.shape)} and {tuple(logvar.shape)}")
    std = torch.exp(0.5 * logvar)
    z = mu + std * torch.randn_like(mu.expand(samples, *mu.shape))  # (K, batch, latent_size)
    logits = decode(z)  # (K, batch, pixels)
    log_p_x_given_z = -F.binary_cross_entropy_with_logits(
        logits, x.expand_as(logits), reduction="none").sum(-1)  # (K, batch)
    log_prior = torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(-1)
    log_q = torch.distributions.Normal(mu, std).log_prob(z).sum(-1)
    return torch.logsumexp(log_p_x_given_z + log_prior - log_q, 0) - math.log(samples)
