"""How well each code dimension captures one known factor of variation (chapter 10):
the mutual information between latents and factors, and the mutual information gap (MIG) of
Chen et al. (2018), estimated on discretised posterior means as in Locatello et al. (2019).
"""
from __future__ import annotations

import torch

from .._checks import check_size, require_tensor

__all__ = ["discretize", "mutual_information_matrix", "factor_entropies", "mutual_information_gap"]


def _check_pair(codes: torch.Tensor, factors: torch.Tensor) -> None:
    require_tensor("codes", codes), require_tensor("factors", factors)
    if codes.dim() != 2 or factors.dim() != 2 or len(codes) != len(factors) or len(codes) < 2:
        raise ValueError(f"codes must be (n, code_size) and factors (n, n_factors) with the same "
                         f"n >= 2, got {tuple(codes.shape)} and {tuple(factors.shape)}")
    if factors.is_floating_point():
        raise TypeError("factors must be an integer tensor of discrete factor values")


def discretize(values: torch.Tensor, bins: int = 20) -> torch.Tensor:
    """Each column cut into ``bins`` equal-width bins over its range: (n, d) float -> (n, d) long.

    A constant column falls into bin 0 entirely.
    """
    if not isinstance(values, torch.Tensor) or values.dim() != 2:
        raise ValueError("values must be a (n, d) tensor")
    bins = check_size("bins", bins)
    low, high = values.min(0).values, values.max(0).values
    width = (high - low).clamp_min(1e-12)
    return ((values - low) / width * bins).long().clamp(0, bins - 1)


def _entropy(labels: torch.Tensor) -> torch.Tensor:
    probabilities = torch.unique(labels, return_counts=True)[1].double() / len(labels)
    return -(probabilities * probabilities.log()).sum()


def _mutual_information(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    # I(a; b) = H(a) + H(b) - H(a, b) for two discrete label vectors (n,), in nats.
    joint = torch.unique(torch.stack([a, b], 1), dim=0, return_inverse=True)[1]
    return (_entropy(a) + _entropy(b) - _entropy(joint)).clamp_min(0)


def mutual_information_matrix(codes: torch.Tensor, factors: torch.Tensor,
                              bins: int = 20) -> torch.Tensor:
    """I(z_j; v_k) between each discretised latent j and each factor k, in nats.

    Args:
        codes: (n, code_size) float, e.g. the posterior means E_q[z | x].
        factors: (n, n_factors) integers, the true factor values of the same n images.
        bins: equal-width bins per latent.
    Returns:
        (code_size, n_factors) float64.
    """
    _check_pair(codes, factors)
    binned = discretize(codes.detach().cpu().float(), bins)
    factors = factors.cpu()
    return torch.stack([torch.stack([_mutual_information(binned[:, j], factors[:, k])
                                     for k in range(factors.shape[1])])
                        for j in range(binned.shape[1])])


def factor_entropies(factors: torch.Tensor) -> torch.Tensor:
    """H(v_k) of each discrete factor: (n, n_factors) integers -> (n_factors,) nats."""
    if not isinstance(factors, torch.Tensor) or factors.dim() != 2 or factors.is_floating_point():
        raise ValueError("factors must be an (n, n_factors) integer tensor")
    return torch.stack([_entropy(factors[:, k].cpu()) for k in range(factors.shape[1])])


def mutual_information_gap(codes: torch.Tensor, factors: torch.Tensor,
                           bins: int = 20) -> torch.Tensor:
    """The MIG of each factor: (I(z_(1); v_k) - I(z_(2); v_k)) / H(v_k), z_(1) and z_(2) the two
    latents most informative about v_k (Chen et al. 2018). Its mean over factors is the MIG.

    1 means one latent alone carries all there is to know about the factor and no other latent
    carries any of it; near 0, the factor is spread over several latents (or carried by none).

    Args:
        codes: (n, code_size) float with code_size >= 2. factors: (n, n_factors) integers.
    Returns:
        (n_factors,) gaps in [0, 1].
    """
    _check_pair(codes, factors)
    if codes.shape[1] < 2:
        raise ValueError("the gap needs at least two latent dimensions")
    information = mutual_information_matrix(codes, factors, bins)  # (code_size, n_factors)
    top_two = information.topk(2, dim=0).values  # (2, n_factors)
    entropies = factor_entropies(factors).clamp_min(1e-12)
    return (top_two[0] - top_two[1]) / entropies
