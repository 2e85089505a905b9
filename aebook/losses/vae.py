"""The VAE's objectives: :func:`kl_per_dimension` (the KL of a diagonal Gaussian to N(0, I), the
formula's one home), :func:`kl_divergence` (its sum), :func:`free_bits_kl`, :func:`gaussian_kl`
(full covariances), :func:`negative_elbo` (with ``beta``: the β-VAE's loss too) and
:func:`vae_loss`, which makes the training ``loss_fn``."""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import (
    as_covariance,
    as_vector_batch,
    check_positive,
    check_real,
    check_same_shape,
    check_vae_outputs,
)

__all__ = ["kl_per_dimension", "kl_divergence", "free_bits_kl", "gaussian_kl", "negative_elbo",
           "vae_loss", "LIKELIHOODS"]

LIKELIHOODS = ("bernoulli", "gaussian")
REDUCTIONS = ("none", "mean")  # of negative_elbo: one loss per image, or their batch mean


def kl_per_dimension(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(q(z_j|x) || N(0, 1)) of each code dimension j, averaged over the images, in nats:
    KL_j = 1/2 (mu_j^2 + sigma_j^2 - log sigma_j^2 - 1) (Kingma & Welling 2014, App. B).

    The KL of a diagonal Gaussian is a sum over dimensions, so these add up to the mean KL
    term: ``kl_per_dimension(mu, logvar).sum() == kl_divergence(mu, logvar).mean()``.

    Args:
        mu, logvar: (batch, code_size), the encoder's outputs for a set of images.
    Returns:
        (code_size,) nats.
    """
    terms = _kl_terms(mu, logvar)
    if terms.dim() != 2 or len(terms) == 0:
        raise ValueError(f"mu and logvar must both be (batch, code_size) with batch >= 1, "
                         f"got {tuple(mu.shape)}")
    return terms.mean(0)


def _kl_terms(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL_j of :func:`kl_per_dimension` for each image and dimension, the formula's one home:
    mu, logvar (..., code_size) -> (..., code_size)."""
    check_same_shape("mu", mu, "logvar", logvar)
    return 0.5 * (mu.pow(2) + logvar.exp() - logvar - 1)


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, diag(exp(logvar))) || N(0, I)) for each row, in nats: the sum over the code's
    dimensions of :func:`kl_per_dimension`'s terms.

    Args:
        mu, logvar: (batch, code_size).
    Returns:
        (batch,) KL divergences.
    """
    return _kl_terms(mu, logvar).sum(-1)


def free_bits_kl(mu: torch.Tensor, logvar: torch.Tensor, free_bits: float) -> torch.Tensor:
    """The KL term with free bits: sum_j max(free_bits, mean over the batch of KL_j), in nats.

    Below ``free_bits`` nats a code dimension's KL costs nothing and gets no gradient, so the
    encoder is not pushed to switch the dimension off (Kingma et al. 2016 apply the clamp per
    group of latents, averaged over the minibatch; here each dimension is a group).

    Args:
        mu, logvar: (batch, code_size).
        free_bits: lambda, the nats per dimension granted free, >= 0 (0: the plain KL).
    Returns:
        A scalar: the batch's KL term (to add to the batch's mean reconstruction term).
    """
    per_dimension = kl_per_dimension(mu, logvar)  # checks mu and logvar first
    return per_dimension.clamp_min(check_real("free_bits", free_bits, minimum=0)).sum()


def gaussian_kl(mean_q: torch.Tensor, covariance_q: torch.Tensor,
                mean_p: torch.Tensor, covariance_p: torch.Tensor) -> torch.Tensor:
    """KL(N(mean_q, covariance_q) || N(mean_p, covariance_p)) in nats, full covariances.

    KL = 1/2 [tr(P^-1 Q) + (m_p - m_q)^T P^-1 (m_p - m_q) - d + log det P - log det Q]

    Args:
        mean_q, mean_p: (d,) or (batch, d). covariance_q, covariance_p: (d, d) or (batch, d, d).
    Returns:
        (batch,) float64.
    """
    size = mean_q.shape[-1] if isinstance(mean_q, torch.Tensor) else 0
    mean_q, mean_p = as_vector_batch("mean_q", mean_q, size), as_vector_batch("mean_p", mean_p, size)
    covariance_q = as_covariance("covariance_q", covariance_q, size)
    covariance_p = as_covariance("covariance_p", covariance_p, size)
    chol_p, chol_q = torch.linalg.cholesky(covariance_p), torch.linalg.cholesky(covariance_q)
    difference = (mean_p - mean_q).unsqueeze(-1)  # (batch, d, 1)
    chol_p_b = chol_p.expand(len(difference), size, size) if chol_p.dim() == 2 else chol_p
    trace = torch.cholesky_solve(covariance_q, chol_p).diagonal(dim1=-2, dim2=-1).sum(-1)
    mahalanobis = torch.cholesky_solve(difference, chol_p_b).mul(difference).sum((-2, -1))
    log_det_p = 2 * chol_p.diagonal(dim1=-2, dim2=-1).log().sum(-1)
    log_det_q = 2 * chol_q.diagonal(dim1=-2, dim2=-1).log().sum(-1)
    return 0.5 * (trace + mahalanobis - size + log_det_p - log_det_q)


def _check_likelihood(likelihood: str, sigma) -> float:
    if likelihood not in LIKELIHOODS:
        raise ValueError(f"likelihood must be one of {LIKELIHOODS}, got {likelihood!r}")
    return check_positive("sigma", sigma)


def negative_elbo(logits: torch.Tensor, x: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
                  likelihood: str = "bernoulli", sigma: float = 1.0, beta: float = 1.0,
                  reduction: str = "none") -> torch.Tensor:
    """-log p(x|z) + beta * KL(q(z|x) || N(0, I)) for each image, in nats, one z per image.

    ``beta = 1`` (the default) is the negative ELBO; ``beta > 1`` charges each nat of rate
    (the KL term) beta nats: the β-VAE of Higgins et al. (2017).

    - ``"bernoulli"``: -log p(x|z) = binary cross-entropy of x against sigmoid(logits), summed
      over pixels (pytorch/examples; a true log-likelihood only for binary pixels).
    - ``"gaussian"``: p(x|z) = N(x; sigmoid(logits), sigma^2 I), so
      -log p(x|z) = ||x - mean||^2 / (2 sigma^2) + pixels * log(sqrt(2 pi) sigma):
      the squared error, weighted by 1 / (2 sigma^2), plus a constant.

    Args:
        logits: (batch, pixels) the decoder's output for a sample z of q(z|x).
        x: (batch, pixels) in [0, 1].
        mu, logvar: (batch, code_size) the parameters of q(z|x).
        likelihood: ``"bernoulli"`` or ``"gaussian"``.
        sigma: the Gaussian likelihood's standard deviation per pixel (ignored for Bernoulli).
        beta: the weight of the KL term, >= 0.
        reduction: ``"none"``: one loss per image; ``"mean"``: their mean over the batch, the
            training loss, summed over the whole batch at once (the same number as
            ``.mean()`` of the per-image losses, with one pass over the pixels fewer).
    Returns:
        (batch,) loss per image, or a scalar for ``reduction="mean"``.
    """
    check_vae_outputs(logits, x, mu, logvar)
    sigma = _check_likelihood(likelihood, sigma)
    beta = check_real("beta", beta, minimum=0)
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    per_image = reduction == "none"

    def total(terms: torch.Tensor) -> torch.Tensor:  # (batch, n) -> (batch,), or the batch's sum
        return terms.sum(1) if per_image else terms.sum()

    if likelihood == "bernoulli":
        bce = F.binary_cross_entropy_with_logits
        # the batch's total is summed inside the loss kernel: no (batch, pixels) tensor kept
        reconstruction = (bce(logits, x, reduction="none").sum(1) if per_image
                          else bce(logits, x, reduction="sum"))
    else:
        constant = x.shape[1] * 0.5 * math.log(2 * math.pi * sigma ** 2)
        reconstruction = (total((x - torch.sigmoid(logits)).pow(2)) / (2 * sigma ** 2)
                          + constant * (1 if per_image else len(x)))
    kl = total(_kl_terms(mu, logvar))
    loss = reconstruction + (kl if beta == 1 else beta * kl)  # beta = 1: no extra pass
    return loss if per_image else loss / len(x)


def vae_loss(likelihood: str = "bernoulli", sigma: float = 1.0) -> Callable:
    """The training loss ``loss_fn(model, x)``: the mean over the batch of each image's negative
    ELBO in nats (see :func:`negative_elbo`), with one z sampled per image.

    Args:
        likelihood: ``"bernoulli"`` or ``"gaussian"``. sigma: the Gaussian's standard deviation.
    """
    sigma = _check_likelihood(likelihood, sigma)

    def loss_fn(model: nn.Module, x: torch.Tensor) -> torch.Tensor:  # x: (batch, 784) -> scalar
        logits, mu, logvar = model(x)
        return negative_elbo(logits, x, mu, logvar, likelihood, sigma, reduction="mean")

    return loss_fn
