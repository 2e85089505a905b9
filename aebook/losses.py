"""Every objective of the book, each formula once; each chapter shows its loss inline first.

- reconstruction: :func:`reconstruction_error`, :func:`reconstruction_loss`, :func:`denoising_loss`;
- penalties on a code: :func:`l1_sparsity`, :func:`kl_sparsity`, :func:`contractive_penalty`
  (and :func:`contractive_loss`);
- the VAE's: :func:`kl_per_dimension` (the KL of a diagonal Gaussian to N(0, I), the formula's
  one home), :func:`kl_divergence` (its sum), :func:`free_bits_kl`, :func:`gaussian_kl`,
  :func:`negative_elbo` (with ``beta``: the β-VAE's loss too) and :func:`vae_loss`; then
  :func:`vq_vae_loss`;
- the adversarial autoencoder's: :func:`discriminator_loss` (prior samples against codes) and
  :func:`fooling_loss` (the encoder's: codes taken for prior samples).

``reconstruction_loss``, ``denoising_loss`` and ``contractive_loss`` take ``(model, x)`` and
return a scalar, a ``loss_fn`` for :func:`aebook.train.train`; ``vae_loss(...)`` makes one. The
others score tensors.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import (
    as_covariance,
    as_vector_batch,
    check_fraction,
    check_positive,
    check_real,
    check_same_shape,
    check_size,
    check_tensor,
    check_vae_outputs,
    is_real,
)
from .noise import KINDS, corrupt

__all__ = ["reconstruction_error", "reconstruction_loss", "denoising_loss", "l1_sparsity",
           "kl_sparsity", "contractive_penalty", "contractive_loss", "kl_per_dimension",
           "kl_divergence", "free_bits_kl", "gaussian_kl", "negative_elbo", "vae_loss",
           "discriminator_loss", "fooling_loss",
           "vq_vae_loss", "LIKELIHOODS"]

LIKELIHOODS = ("bernoulli", "gaussian")
REDUCTIONS = ("none", "mean")  # of negative_elbo: one loss per image, or their batch mean


def reconstruction_error(reconstruction: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Mean squared error per pixel, averaged over the batch: a scalar.

    Args:
        reconstruction, x: (batch, ...) of the same shape.
    """
    check_same_shape("reconstruction", reconstruction, "x", x)
    return ((reconstruction - x) ** 2).mean()


def reconstruction_loss(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The default ``loss_fn`` of :func:`aebook.train.train`: mean squared error between
    ``model(x)`` and ``x``, both (batch, ...)."""
    return reconstruction_error(model(x), x)


def denoising_loss(model: nn.Module, x: torch.Tensor, kinds: Sequence[str] = KINDS,
                   max_noise_ratio: float = 0.5, groups: int = 16) -> torch.Tensor:
    """The denoising criterion (Vincent et al. 2008): corrupt the batch, score the model's
    output against the CLEAN batch. A ``loss_fn`` for :func:`aebook.train.train`.

    The batch is split into ``groups`` equal parts; each part gets its own kind, drawn from
    ``kinds``, and its own noise ratio, drawn uniformly from [0, max_noise_ratio), so one
    step sees many corruptions (see :func:`aebook.noise.corrupt`). Randomness comes from the
    global torch RNG (``train`` seeds it).

    Args:
        model: maps (batch, 784) to (batch, 784). x: (batch, 784) clean images in [0, 1].
    Returns:
        The mean squared error to x, a scalar.
    """
    if isinstance(kinds, str) or not kinds or any(kind not in KINDS for kind in kinds):
        raise ValueError(f"kinds must be a non-empty sequence of names from {KINDS}, got {kinds!r}")
    max_noise_ratio = check_fraction("max_noise_ratio", max_noise_ratio)
    groups = check_size("groups", groups)
    pieces = []
    for piece in x.chunk(groups):  # (batch / groups, 784) each
        kind = kinds[torch.randint(len(kinds), ()).item()]
        noise_ratio = max_noise_ratio * torch.rand(()).item()
        pieces.append(corrupt(piece, kind, noise_ratio))
    return reconstruction_error(model(torch.cat(pieces)), x)


def l1_sparsity(code: torch.Tensor) -> torch.Tensor:
    """Mean absolute activation, sum over units averaged over the batch:
    code (batch, code_size) -> scalar."""
    return code.abs().sum(-1).mean()


def kl_sparsity(code: torch.Tensor, rho: float = 0.05, eps: float = 1e-6) -> torch.Tensor:
    """sum_j KL(Bernoulli(rho) || Bernoulli(rho_hat_j)), rho_hat_j the batch mean of unit j.

    Args:
        code: (batch, code_size) activations in [0, 1] (e.g. after a sigmoid).
        rho: the target average activation, in (0, 1).
    Returns:
        A scalar.
    """
    check_fraction("rho", rho)
    rho_hat = code.mean(0).clamp(eps, 1 - eps)
    return (rho * torch.log(rho / rho_hat)
            + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))).sum()


def contractive_penalty(code: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """||J_f(x)||_F^2 of a sigmoid encoder ``code = sigmoid(W x + b)``, for each image, in
    closed form (Rifai et al., ICML 2011): J = diag(code (1 - code)) W, so ||J||_F^2 =
    sum_j (code_j (1 - code_j))^2 sum_i W_ji^2, one product and no autograd through a Jacobian.

    Args:
        code: (batch, code_size) = sigmoid(W x + b), in (0, 1).
        weight: (code_size, input_size), the encoder's W.
    Returns:
        (batch,) squared Frobenius norms of the Jacobians d code / d x.
    """
    check_tensor("code", code), check_tensor("weight", weight)
    if weight.shape[0] != code.shape[1]:
        raise ValueError(f"weight must be (code_size, input_size) with code_size = {code.shape[1]} "
                         f"(the code's width, its hidden units), got shape {tuple(weight.shape)}")
    slope = code * (1 - code)                      # (batch, code_size): sigmoid'(W x + b)
    return slope.pow(2) @ weight.pow(2).sum(1)     # sum_j slope_j^2 * ||W_j||^2


def contractive_loss(model: nn.Module, x: torch.Tensor,
                     penalty_weight: float = 1e-3) -> torch.Tensor:
    """Per-pixel mean squared error + penalty_weight * mean ||J_f(x)||_F^2 (Rifai et al. 2011).

    A ``loss_fn`` for :func:`aebook.train.train` once ``penalty_weight`` is bound (e.g. with
    ``functools.partial``). ``model`` needs ``encode``, ``decode`` and a sigmoid encoder whose
    weight is ``model.encoder.weight``, as :class:`aebook.models.ContractiveAutoencoder`.

    Args:
        x: (batch, input_size) in [0, 1]. penalty_weight: lambda >= 0.
    Returns:
        A scalar.
    """
    if not is_real(penalty_weight) or penalty_weight < 0:
        raise ValueError(f"penalty_weight must be a number >= 0, got {penalty_weight!r}")
    code = model.encode(x)
    penalty = contractive_penalty(code, model.encoder.weight).mean()
    return reconstruction_error(model.decode(code), x) + penalty_weight * penalty


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


def vq_vae_loss(reconstruction: torch.Tensor, x: torch.Tensor, codebook_loss: torch.Tensor,
                commitment_loss: torch.Tensor, beta: float = 0.25) -> torch.Tensor:
    """The VQ-VAE's training loss (van den Oord et al. 2017, eq. 3), per-pixel mean squared error
    for the reconstruction term:

        ||x - decoder(e)||^2 + ||sg[z] - e||^2 + beta * ||z - sg[e]||^2

    Args:
        reconstruction, x: (batch, pixels).
        codebook_loss, commitment_loss: scalars from :class:`aebook.models.VectorQuantizer`.
        beta: the commitment weight (0.25 in the paper).
    Returns:
        a scalar.
    """
    check_same_shape("reconstruction", reconstruction, "x", x)
    if not is_real(beta) or beta < 0:
        raise ValueError(f"beta must be a non-negative number, got {beta!r}")
    return reconstruction_error(reconstruction, x) + codebook_loss + beta * commitment_loss


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """The adversarial autoencoder's discriminator loss (Makhzani et al. 2016): binary cross
    entropy with prior samples labelled 1 and the encoder's codes labelled 0.

    Args:
        real_logits: (batch,) the discriminator's logits for prior samples.
        fake_logits: (batch,) its logits for the encoder's codes.
    Returns:
        a scalar: the two batch means, summed.
    """
    real_logits, fake_logits = check_tensor("real_logits", real_logits, 1), check_tensor(
        "fake_logits", fake_logits, 1)
    return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def fooling_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """The adversarial autoencoder's encoder loss: binary cross entropy that asks the
    discriminator to call the codes prior samples (label 1). fake_logits: (batch,) -> scalar."""
    fake_logits = check_tensor("fake_logits", fake_logits, 1)
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
