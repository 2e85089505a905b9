"""A small classifier that judges images, and the one whose hidden layer chapter 13 reads.

Chapters 11 to 13 each train one in the chapter, on the real training images, then use it as a
judge (is a generated "7" recognised as a 7? how sure is it?) or, in chapter 13, as the network
whose hidden layer a sparse autoencoder explains.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_images, check_size
from .train import _check_settings, _fit, map_batches

__all__ = ["MLPClassifier", "train_classifier", "predict", "accuracy"]


class MLPClassifier(nn.Module):
    """x -> ReLU(W1 x + b1) (the hidden layer) -> W2 h + b2 (class scores, logits).

    Args:
        hidden_size: the width of the hidden layer.
        input_size: pixels per image.
        classes: the number of classes.
    """

    def __init__(self, hidden_size: int = 128, input_size: int = 784, classes: int = 10):
        super().__init__()
        for name, value in (("hidden_size", hidden_size), ("input_size", input_size),
                            ("classes", classes)):
            check_size(name, value)
        self.first = nn.Linear(input_size, hidden_size)
        self.head = nn.Linear(hidden_size, classes)

    def hidden(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> the hidden layer's activations: (batch, hidden_size) >= 0."""
        return F.relu(self.first(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> logits: (batch, classes)."""
        return self.head(self.hidden(x))


def _check_labels(name: str, labels, n: int) -> torch.Tensor:
    if not isinstance(labels, torch.Tensor) or labels.dtype not in (torch.int64, torch.int32,
                                                                     torch.int16, torch.uint8):
        raise TypeError(f"{name} must be a tensor of integer class indices")
    if labels.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one per row, got {tuple(labels.shape)}")
    if n and labels.min() < 0:
        raise ValueError(f"{name} must be non-negative class indices, got {labels.min()}")
    return labels.long()


def train_classifier(images: torch.Tensor, labels: torch.Tensor, *, hidden_size: int = 128,
                     steps: int = 1000, batch_size: int = 128, lr: float = 2e-3,
                     schedule: str = "cosine", seed: int = 0, device=None,
                     progress: bool | None = None) -> MLPClassifier:
    """Train an :class:`MLPClassifier` with cross-entropy for ``steps`` Adam steps, through the
    book's one training loop (``aebook.train``), images and labels batched together.

    Args:
        images: (n, pixels) float, e.g. in [0, 1].
        labels: (n,) int class indices; the classes are 0 .. labels.max().
        steps: optimiser steps.
        schedule: the learning rate's, ``"cosine"`` or ``"constant"`` (see ``train``).
        seed: seeds the initial weights and the batch order.
    Returns:
        The trained classifier, in eval mode, on ``device``.
    """
    check_images("images", images)
    labels = _check_labels("labels", labels, len(images))
    _check_settings(steps=steps, loss_fn=_cross_entropy, batch_size=batch_size, lr=lr,
                    schedule=schedule, seed=seed)
    torch.manual_seed(seed)
    model = MLPClassifier(hidden_size, images.shape[1], int(labels.max()) + 1)
    _fit(model, (images, labels), steps=steps, loss_fn=_cross_entropy, batch_size=batch_size,
         lr=lr, weight_decay=0.0, schedule=schedule, fused=True, seed=seed, device=device,
         log_every=None, progress=progress, description="classifier")
    return model


def _cross_entropy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The classifier's training loss: images (batch, pixels), labels (batch,) -> a scalar."""
    return F.cross_entropy(model(images), labels)


def predict(classifier: nn.Module, images: torch.Tensor, *, device=None) -> torch.Tensor:
    """Class probabilities: images (n, pixels) -> (n, classes) on the CPU, rows summing to 1."""
    if not isinstance(classifier, nn.Module):
        raise TypeError(f"classifier must be a torch.nn.Module, got {type(classifier).__name__}")
    check_images("images", images)
    device = next(classifier.parameters()).device if device is None else torch.device(device)
    classifier.to(device).eval()
    return map_batches(lambda x: torch.softmax(classifier(x), 1), images, device=device)


def accuracy(scores: torch.Tensor, labels: torch.Tensor) -> float:
    """The fraction of rows whose largest score is the label.

    Args:
        scores: (n, classes) logits or probabilities (e.g. :func:`predict`'s).
        labels: (n,) int class indices.
    """
    check_images("scores", scores)
    labels = _check_labels("labels", labels, len(scores))
    return (scores.argmax(1) == labels.to(scores.device)).float().mean().item()
