"""The β-VAE loss (Higgins et al. 2017) and two remedies for posterior collapse (chapter 10):
KL warm-up (Bowman et al. 2016) and free bits (Kingma et al. 2016).

All terms are in nats; the reconstruction term is the Bernoulli one of
:func:`aebook.models.negative_elbo`, so ``beta = 1`` gives the negative ELBO.
"""
from __future__ import annotations

import torch
from torch.nn import functional as F

from ._checks import check_size, check_vae_outputs, is_int, is_real
from .losses import kl_divergence

__all__ = ["beta_vae_loss", "free_bits_kl", "kl_warmup"]


def _check_tensors(**tensors) -> None:
    for name, value in tensors.items():
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")


def _check_non_negative(name: str, value) -> float:
    if not is_real(value):
        raise TypeError(f"{name} must be a non-negative number, got {type(value).__name__}")
    if not value >= 0:
        raise ValueError(f"{name} must be a non-negative number, got {value}")
    return float(value)


def beta_vae_loss(logits: torch.Tensor, x: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
                  beta: float = 1.0) -> torch.Tensor:
    """-log p(x|z) + beta * KL(q(z|x) || N(0, I)) for each image, in nats (Bernoulli p(x|z)).

    beta = 1 is the negative ELBO; beta > 1 charges each nat of rate (the KL term) beta nats.

    Args:
        logits: (batch, pixels) the decoder's output for a sample z of q(z|x).
        x: (batch, pixels) in [0, 1].
        mu, logvar: (batch, latent_size) the parameters of q(z|x).
        beta: the weight of the KL term, >= 0.
    Returns:
        (batch,) loss per image; ``.mean()`` is a training loss.
    """
    check_vae_outputs(logits, x, mu, logvar)
    beta = _check_non_negative("beta", beta)
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    return reconstruction + beta * kl_divergence(mu, logvar)


def free_bits_kl(mu: torch.Tensor, logvar: torch.Tensor, free_bits: float) -> torch.Tensor:
    """The KL term with free bits: sum_j max(free_bits, mean over the batch of KL_j), in nats.

    Below ``free_bits`` nats a latent dimension's KL costs nothing and gets no gradient, so the
    encoder is not pushed to switch the dimension off (Kingma et al. 2016 apply the clamp per
    group of latents, averaged over the minibatch; here each dimension is a group).

    Args:
        mu, logvar: (batch, latent_size).
        free_bits: lambda, the nats per dimension granted free, >= 0 (0: the plain KL).
    Returns:
        A scalar: the batch's KL term (to add to the batch's mean reconstruction term).
    """
    _check_tensors(mu=mu, logvar=logvar)
    if mu.shape != logvar.shape or mu.dim() != 2:
        raise ValueError(f"mu and logvar must both be (batch, latent_size), got "
                         f"{tuple(mu.shape)} and {tuple(logvar.shape)}")
    free_bits = _check_non_negative("free_bits", free_bits)
    per_dimension = 0.5 * (mu.pow(2) + logvar.exp() - logvar - 1).mean(0)  # (latent_size,)
    return per_dimension.clamp_min(free_bits).sum()


def kl_warmup(step: int, warmup_steps: int) -> float:
    """The KL weight of a linear warm-up: 0 at step 0, rising to 1 at ``warmup_steps`` and after.

    Bowman et al. (2016) start training as a plain autoencoder and raise the KL weight slowly, so
    the encoder learns a useful code before the KL term can switch it off.

    Args:
        step: the optimiser step, >= 0. warmup_steps: steps to reach weight 1, > 0.
    """
    if not is_int(step):
        raise TypeError(f"step must be a non-negative int, got {type(step).__name__}")
    if step < 0:
        raise ValueError(f"step must be a non-negative int, got {step}")
    warmup_steps = check_size("warmup_steps", warmup_steps)
    return min(1.0, step / warmup_steps)
