"""A linear probe: how much of the class a code carries where a linear classifier can read it.

Multinomial logistic regression trained in torch on fixed features (codes or raw pixels), then
scored on held-out features. Chapter 3 compares the probe on k-sparse codes with the probe on
the raw pixels.
"""
from __future__ import annotations

import torch
from torch.nn import functional as F

from ._checks import check_images, check_real, check_size

__all__ = ["linear_probe"]


def _check_labels(name: str, labels, n: int) -> torch.Tensor:
    if not isinstance(labels, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of class indices, got {type(labels).__name__}")
    if labels.dtype not in (torch.int64, torch.int32, torch.int16, torch.uint8):
        raise TypeError(f"{name} must hold integer class indices, got dtype {labels.dtype}")
    if labels.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one label per row, got {tuple(labels.shape)}")
    if labels.min() < 0:
        raise ValueError(f"{name} must be non-negative class indices")
    return labels.long()


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
    check_images("train_features", train_features)
    check_images("test_features", test_features)
    if train_features.shape[1] != test_features.shape[1]:
        raise ValueError(f"train_features and test_features must have the same number of columns, "
                         f"got {train_features.shape[1]} and {test_features.shape[1]}")
    train_labels = _check_labels("train_labels", train_labels, len(train_features))
    test_labels = _check_labels("test_labels", test_labels, len(test_features))
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
