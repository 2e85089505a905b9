"""Penalties on a code: the sparsity penalties (:func:`l1_sparsity`, :func:`kl_sparsity`) and the
contractive penalty (:func:`contractive_penalty`), with the contractive autoencoder's
``loss_fn`` (:func:`contractive_loss`)."""
from __future__ import annotations

import torch
from torch import nn

from .._checks import check_fraction, check_tensor, is_real
from .reconstruction import reconstruction_error

__all__ = ["l1_sparsity", "kl_sparsity", "contractive_penalty", "contractive_loss"]


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
