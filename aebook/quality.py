"""Measures of codes and of generated images (chapter 6): how sharp an image is, how densely the
training codes cover a point of the latent space, and how well nearby codes predict a class.
(How confidently a classifier recognises an image: ``aebook.classifier.predict``.)

- :func:`gradient_energy`: the summed squared difference between neighbouring pixels; it falls
  when edges soften, so a blurred image has less of it than a sharp one.
- :func:`aggregate_posterior_log_density`: log q(z) = log mean_i N(z; mu_i, diag sigma_i^2), the
  density of the training codes around z (the "aggregate posterior").
- :func:`knn_accuracy`: the class of a test code read off its k nearest training codes.
"""
from __future__ import annotations

import math

import torch
from torch.nn import functional as F

from ._checks import check_images, check_size

__all__ = ["gradient_energy", "aggregate_posterior_log_density", "knn_accuracy"]


def _labels(name: str, labels, n: int) -> torch.Tensor:
    if not isinstance(labels, torch.Tensor) or labels.dtype.is_floating_point:
        raise TypeError(f"{name} must be an integer torch.Tensor of class indices")
    if labels.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {tuple(labels.shape)}")
    return labels.long()


def gradient_energy(images: torch.Tensor, side: int = 28) -> torch.Tensor:
    """Sum of squared differences between horizontally and vertically neighbouring pixels.

    Args:
        images: (n, side * side) float. side: the images' width and height.
    Returns:
        (n,) one value per image; 0 for a constant image.
    """
    check_images("images", images)
    check_size("side", side)
    if images.shape[1] != side * side:
        raise ValueError(f"images must be (n, {side * side}), got {tuple(images.shape)}")
    grid = images.reshape(-1, side, side)
    return ((grid[:, 1:] - grid[:, :-1]).pow(2).sum((1, 2))
            + (grid[:, :, 1:] - grid[:, :, :-1]).pow(2).sum((1, 2)))


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
        check_images(name, value)
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
    check_images("train_codes", train_codes)
    check_images("test_codes", test_codes)
    train_labels = _labels("train_labels", train_labels, len(train_codes))
    test_labels = _labels("test_labels", test_labels, len(test_codes))
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
