"""Losses shared across chapters. Each chapter shows its loss inline first; these are the twins."""
from __future__ import annotations

import torch

from ._checks import as_covariance, as_vector_batch, check_fraction, is_real

__all__ = ["reconstruction_error", "kl_divergence", "gaussian_kl",
           "l1_sparsity", "kl_sparsity", "vq_vae_loss"]


def _check_pair(reconstruction: torch.Tensor, x: torch.Tensor) -> None:
    for name, value in (("reconstruction", reconstruction), ("x", x)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if reconstruction.shape != x.shape:
        raise ValueError(f"reconstruction and x must have the same shape, got "
                         f"{tuple(reconstruction.shape)} and {tuple(x.shape)}")


def reconstruction_error(reconstruction: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Mean squared error per pixel, averaged over the batch: a scalar.

    Args:
        reconstruction, x: (batch, ...) of the same shape.
    """
    _check_pair(reconstruction, x)
    return ((reconstruction - x) ** 2).mean()


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, diag(exp(logvar))) || N(0, I)) for each row, in nats.

    KL = 1/2 * sum_j (mu_j^2 + sigma_j^2 - log sigma_j^2 - 1)   (Kingma & Welling 2014, App. B)

    Args:
        mu, logvar: (batch, latent_size).
    Returns:
        (batch,) KL divergences.
    """
    if mu.shape != logvar.shape:
        raise ValueError(f"mu and logvar must have the same shape, got "
                         f"{tuple(mu.shape)} and {tuple(logvar.shape)}")
    return 0.5 * (mu.pow(2) + logvar.exp() - logvar - 1).sum(-1)


def gaussian_kl(mean_q: torch.Tensor, covariance_q: torch.Tensor,
                mean_p: torch.Tensor, covariance_p: torch.Tensor) -> torch.Tensor:
    """KL(N(mean_q, covariance_q) || N(mean_p, covariance_p)) in nats.

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


def l1_sparsity(code: torch.Tensor) -> torch.Tensor:
    """Mean absolute activation, sum over units averaged over the batch: code (batch, units) -> scalar."""
    return code.abs().sum(-1).mean()


def kl_sparsity(code: torch.Tensor, rho: float = 0.05, eps: float = 1e-6) -> torch.Tensor:
    """sum_j KL(Bernoulli(rho) || Bernoulli(rho_hat_j)), rho_hat_j the batch mean of unit j.

    Args:
        code: (batch, units) activations in [0, 1] (e.g. after a sigmoid).
        rho: the target average activation, in (0, 1).
    """
    check_fraction("rho", rho)
    rho_hat = code.mean(0).clamp(eps, 1 - eps)
    return (rho * torch.log(rho / rho_hat)
            + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))).sum()


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
    _check_pair(reconstruction, x)
    if not is_real(beta) or beta < 0:
        raise ValueError(f"beta must be a non-negative number, got {beta!r}")
    return reconstruction_error(reconstruction, x) + codebook_loss + beta * commitment_loss
