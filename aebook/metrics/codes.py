"""Measurements of codes: which units a code uses, how much of the data it carries, and what
each unit responds to. A code here is any (n, code_size) array of a model's codes, latents or
hidden activations over n images.

- units in use: :func:`dead_units` (zero on every row; chapters 3 and 13), the VAE's
  :func:`latent_activity` and :func:`active_units` (Burda et al. 2016; chapter 10);
- what a code tells about the class: :func:`knn_accuracy` (its k nearest training codes;
  chapter 7) and :func:`linear_probe` (a linear classifier; chapters 3 and 11);
- where codes lie: :func:`aggregate_posterior_log_density`, the density of the training
  codes around a point (chapter 7);
- what a unit responds to: :func:`top_activating`, :func:`class_purity` and
  :func:`mean_class_purity` (chapter 13).
"""
from __future__ import annotations

import math

import torch
from torch.nn import functional as F

from .._checks import check_labels, check_positive, check_real, check_size, check_tensor

__all__ = ["dead_units", "latent_activity", "active_units", "knn_accuracy", "linear_probe",
           "aggregate_posterior_log_density", "top_activating", "class_purity", "mean_class_purity"]


def dead_units(codes: torch.Tensor) -> torch.Tensor:
    """The units that no code uses: zero in every row.

    Args:
        codes: (n, code_size), e.g. the k-sparse codes of the training images.
    Returns:
        (code_size,) bool, True for a dead unit; ``.float().mean()`` is the fraction dead.
    """
    check_tensor("codes", codes)
    return (codes != 0).any(0).logical_not()


def latent_activity(mu: torch.Tensor) -> torch.Tensor:
    """Cov_x(E_q[z_j]): how much the posterior mean of each dimension j varies across images.

    Args:
        mu: (batch, code_size), E_q[z | x] for each image x (batch >= 2).
    Returns:
        (code_size,) sample variances.
    """
    check_tensor("mu", mu)
    if len(mu) < 2:
        raise ValueError("mu must hold at least two images to have a variance")
    return mu.var(0)


def active_units(mu: torch.Tensor, threshold: float = 0.01) -> int:
    """The number of active units: dimensions with Cov_x(E_q[z_j]) > threshold (Burda et al. 2016).

    An inactive unit's posterior mean is the same for every image: it carries no information
    about x, and the KL term then pushes its posterior onto the prior.

    Args:
        mu: (batch, code_size). threshold: 0.01 as in Burda et al.
    """
    threshold = check_positive("threshold", threshold)
    return int((latent_activity(mu) > threshold).sum())


@torch.no_grad()
def knn_accuracy(train_codes: torch.Tensor, train_labels: torch.Tensor, test_codes: torch.Tensor,
                 test_labels: torch.Tensor, k: int = 5, chunk: int = 512) -> float:
    """Fraction of test codes whose k nearest training codes (Euclidean) vote for their class.

    Ties in the vote go to the smallest class index.

    Args:
        train_codes: (n, d). train_labels: (n,). test_codes: (m, d). test_labels: (m,).
    Returns:
        The accuracy in [0, 1].
    """
    check_tensor("train_codes", train_codes)
    check_tensor("test_codes", test_codes)
    train_labels = check_labels("train_labels", train_labels, len(train_codes))
    test_labels = check_labels("test_labels", test_labels, len(test_codes))
    k = check_size("k", k)
    if k > len(train_codes) or train_codes.shape[1] != test_codes.shape[1]:
        raise ValueError("k must not exceed the training codes, and both sets need the same d")
    classes = int(max(train_labels.max(), test_labels.max())) + 1
    correct = 0
    for first in range(0, len(test_codes), chunk):
        distances = torch.cdist(test_codes[first:first + chunk], train_codes)  # (chunk, n)
        neighbours = train_labels[distances.topk(k, largest=False).indices]  # (chunk, k)
        votes = F.one_hot(neighbours, classes).sum(1)  # (chunk, classes)
        correct += (votes.argmax(1) == test_labels[first:first + chunk]).sum().item()
    return correct / len(test_codes)


def linear_probe(train_features: torch.Tensor, train_labels: torch.Tensor,
                 test_features: torch.Tensor, test_labels: torch.Tensor, *,
                 weight_decay: float = 1e-2, steps: int = 50, seed: int = 0) -> float:
    """Fit multinomial logistic regression on the training features; return test accuracy.

    The features are standardised with the training mean and standard deviation (so units on
    different scales, or pixels, train alike), then a linear layer is fitted to the mean cross-
    entropy plus ``weight_decay * |W|^2 / 2`` by full-batch L-BFGS, which on this convex loss
    needs no learning rate to tune.

    Args:
        train_features: (n_train, features) float, e.g. codes or pixels.
        train_labels: (n_train,) int class indices.
        test_features: (n_test, features) float, same features.
        test_labels: (n_test,) int class indices.
        weight_decay: the L2 penalty on the weights (not the biases), >= 0.
        steps: L-BFGS iterations.
        seed: seeds the (zero-mean, small) initial weights.
    Returns:
        The fraction of test rows classified correctly, in [0, 1].
    """
    check_tensor("train_features", train_features)
    check_tensor("test_features", test_features)
    if train_features.shape[1] != test_features.shape[1]:
        raise ValueError(f"train_features and test_features must have the same number of columns, "
                         f"got {train_features.shape[1]} and {test_features.shape[1]}")
    train_labels = check_labels("train_labels", train_labels, len(train_features))
    test_labels = check_labels("test_labels", test_labels, len(test_features))
    check_real("weight_decay", weight_decay, minimum=0)
    steps = check_size("steps", steps)
    classes = int(max(train_labels.max(), test_labels.max())) + 1

    train_features, test_features = train_features.detach().float(), test_features.detach().float()
    mean = train_features.mean(0)
    std = train_features.std(0).clamp_min(1e-6)  # a unit that never fires stays 0, not NaN
    train_x = (train_features - mean) / std        # (n_train, features)
    test_x = (test_features - mean) / std

    generator = torch.Generator().manual_seed(seed)
    weight = (torch.randn(train_x.shape[1], classes, generator=generator) * 0.01).requires_grad_()
    bias = torch.zeros(classes, requires_grad=True)
    optimizer = torch.optim.LBFGS([weight, bias], max_iter=steps, history_size=20,
                                  line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = (F.cross_entropy(train_x @ weight + bias, train_labels)
                + 0.5 * weight_decay * weight.pow(2).sum())
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        predictions = (test_x @ weight + bias).argmax(1)
    return (predictions == test_labels).float().mean().item()


@torch.no_grad()
def aggregate_posterior_log_density(z: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
                                    chunk: int = 1024) -> torch.Tensor:
    """log q(z) = log (1/N) sum_i N(z; mu_i, diag(exp(logvar_i))), in nats.

    The average of the encoder's Gaussians over N training images: where it is low, few
    training codes lie near z and the decoder has seen little there.

    Args:
        z: (m, d) points. mu, logvar: (N, d) the encoder's outputs for N training images.
        chunk: rows of z handled at once (memory: chunk x N floats).
    Returns:
        (m,) float64 log density at each point.
    """
    for name, value in (("z", z), ("mu", mu), ("logvar", logvar)):
        check_tensor(name, value)
    if mu.shape != logvar.shape or z.shape[1] != mu.shape[1]:
        raise ValueError(f"z must be (m, d) and mu, logvar (N, d) with the same d, got "
                         f"{tuple(z.shape)}, {tuple(mu.shape)}, {tuple(logvar.shape)}")
    check_size("chunk", chunk)
    z, mu, logvar = z.double(), mu.double(), logvar.double()  # float64: the expansion cancels
    inverse_variance = torch.exp(-logvar)  # (N, d)
    # log N(z; mu_i, diag s_i^2) = -1/2 [d log 2pi + sum_j logvar_ij + sum_j (z_j - mu_ij)^2 / s_ij^2],
    # and sum_j (z_j - mu_ij)^2 / s_ij^2 = z^2 . a_i - 2 z . (mu_i a_i) + mu_i^2 . a_i with a = 1/s^2:
    # three matrix products instead of a (chunk, N, d) tensor.
    constant = -0.5 * (z.shape[1] * math.log(2 * math.pi) + logvar.sum(1)
                       + (mu.pow(2) * inverse_variance).sum(1))  # (N,)
    parts = []
    for first in range(0, len(z), chunk):
        block = z[first:first + chunk]  # (chunk, d)
        exponent = (block @ (mu * inverse_variance).T
                    - 0.5 * block.pow(2) @ inverse_variance.T)  # (chunk, N)
        parts.append(torch.logsumexp(constant + exponent, 1) - math.log(len(mu)))
    return torch.cat(parts)


def top_activating(activations: torch.Tensor, count: int = 10) -> torch.Tensor:
    """The rows on which each unit is largest, largest first.

    Args:
        activations: (n, units), e.g. latents or neurons over n test images.
        count: rows per unit, at most n.
    Returns:
        (units, count) row indices.
    """
    check_tensor("activations", activations)
    count = check_size("count", count)
    if count > len(activations):
        raise ValueError(f"count must be at most the {len(activations)} rows, got {count}")
    return activations.topk(count, dim=0).indices.T


def class_purity(activations: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The share of each unit's total activation that falls on one class, the class that
    gets the most: 1 for a unit that fires only on images of one class, about 1/classes for
    one that fires alike on every class.

    purity_j = max_c sum_{i: label_i = c} a_ij / sum_i a_ij, over the n rows.

    Args:
        activations: (n, units), non-negative (ReLU neurons or sparse latents).
        labels: (n,) int class indices.
    Returns:
        (units,) purities in [1/classes, 1]; NaN for a unit that is zero on every row.
    """
    check_tensor("activations", activations)
    labels = check_labels("labels", labels, len(activations))
    if (activations < 0).any():
        raise ValueError("activations must be non-negative (ReLU neurons or sparse latents)")
    one_hot = F.one_hot(labels.to(activations.device), int(labels.max()) + 1)
    mass = activations.double().T @ one_hot.double()  # (units, classes): activation per class
    total = mass.sum(1)
    purity = mass.max(1).values / total.clamp_min(1e-300)
    return torch.where(total > 0, purity, torch.full_like(purity, float("nan"))).float()


def mean_class_purity(activations: torch.Tensor, labels: torch.Tensor,
                      min_active: int = 8) -> tuple[float, int]:
    """The mean :func:`class_purity` of the units that are non-zero on at least ``min_active``
    rows, and how many units that is.

    A unit that fires on a few rows only is pure by chance (one that fires on a single image
    has purity 1), so averaging over every unit that ever fires rewards rare units. Counting
    only the units active on ``min_active`` rows or more compares unit sets on equal terms.

    Args:
        activations: (n, units), non-negative.
        labels: (n,) int class indices.
        min_active: the fewest rows a unit must be non-zero on to count, >= 1.
    Returns:
        (mean purity, units counted); the mean is NaN when no unit counts.
    """
    check_tensor("activations", activations)
    min_active = check_size("min_active", min_active)
    counted = (activations != 0).sum(0) >= min_active  # (units,)
    purity = class_purity(activations[:, counted], labels)
    return (purity.mean().item() if len(purity) else float("nan")), int(counted.sum())
