"""How tight a VAE's bound is (chapter 8): the importance-weighted bound of Burda et al. (2016),
which rises from the ELBO towards log p(x) as it draws more samples of z per image."""
from __future__ import annotations

import math

import torch
from torch.nn import functional as F

from .._checks import check_size, require_tensor

__all__ = ["importance_weighted_bound"]


def importance_weighted_bound(decode, x: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
                              samples: int = 100) -> torch.Tensor:
    """The importance-weighted bound L_K of Burda et al. (2016), Bernoulli likelihood, in nats:

        L_K = log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x),   z_k ~ q(z|x) = N(mu, diag(exp(logvar))).

    E[L_1] is the ELBO; E[L_K] rises with K towards log p(x), so E[L_K] - ELBO is a lower
    bound on the gap KL(q(z|x) || p(z|x)).

    Args:
        decode: z (samples, batch, code_size) -> logits (samples, batch, pixels), e.g.
            ``model.decode``.
        x: (batch, pixels) in [0, 1]. mu, logvar: (batch, code_size), from ``model.encode(x)``.
        samples: K, the number of z per image.
    Returns:
        (batch,) L_K of each image.
    """
    if not callable(decode):
        raise TypeError("decode must be callable as decode(z) -> logits")
    check_size("samples", samples)
    for name, value in (("x", x), ("mu", mu), ("logvar", logvar)):
        require_tensor(name, value)
    if mu.shape != logvar.shape or mu.dim() != 2 or x.dim() != 2 or len(mu) != len(x):
        raise ValueError(f"x must be (batch, pixels) and mu, logvar (batch, code_size), got "
                         f"{tuple(x.shape)}, {tuple(mu.shape)} and {tuple(logvar.shape)}")
    std = torch.exp(0.5 * logvar)
    z = mu + std * torch.randn_like(mu.expand(samples, *mu.shape))  # (K, batch, code_size)
    logits = decode(z)  # (K, batch, pixels)
    log_p_x_given_z = -F.binary_cross_entropy_with_logits(
        logits, x.expand_as(logits), reduction="none").sum(-1)  # (K, batch)
    log_prior = torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(-1)
    log_q = torch.distributions.Normal(mu, std).log_prob(z).sum(-1)
    return torch.logsumexp(log_p_x_given_z + log_prior - log_q, 0) - math.log(samples)
