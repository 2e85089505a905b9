"""A small image classifier, trained on real images, to judge generated ones.

Chapter 11 asks it whether a conditional VAE's samples of class c look like class c; any chapter
that needs a fixed judge of images (or a trained network's hidden layer to study) can use it.
Training goes through the book's one loop, :func:`aebook.train.train`: each image row carries
its label in one extra column, so the loop's batches hold both.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_images, check_size
from .train import epochs_for_steps, map_batches, train

__all__ = ["Classifier", "train_classifier", "predict", "accuracy"]


class Classifier(nn.Module):
    """x (batch, input_size) in [0, 1] -> one hidden ReLU layer -> logits (batch, classes).

    Args:
        hidden_size: width of the hidden layer (``classifier.hidden(x)`` gives its activations).
        classes: number of classes.
        input_size: pixels per image.
    """

    def __init__(self, hidden_size: int = 256, classes: int = 10, input_size: int = 784):
        super().__init__()
        for name, value in (("hidden_size", hidden_size), ("classes", classes),
                            ("input_size", input_size)):
            check_size(name, value)
        self.hidden = nn.Sequential(nn.Linear(input_size, hidden_size), nn.ReLU())
        self.head = nn.Linear(hidden_size, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> logits: (batch, classes)."""
        return self.head(self.hidden(x))


def _check_labels(labels, n: int, classes: int) -> torch.Tensor:
    if not isinstance(labels, torch.Tensor) or labels.dtype not in (torch.int64, torch.int32,
                                                                     torch.int16, torch.uint8):
        raise TypeError("labels must be a tensor of integer class indices")
    if labels.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), one per image, got {tuple(labels.shape)}")
    if len(labels) and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"labels must lie in [0, {classes}), got [{labels.min()}, {labels.max()}]")
    return labels.long()


def train_classifier(images: torch.Tensor, labels: torch.Tensor, *, hidden_size: int = 256,
                     classes: int = 10, steps: int = 1000, batch_size: int = 128,
                     lr: float = 1e-3, seed: int = 0, device=None,
                     progress: bool | None = None) -> Classifier:
    """Train a :class:`Classifier` with Adam on the cross-entropy, for about ``steps`` steps.

    Args:
        images: (n, input_size) in [0, 1]. labels: (n,) integer class indices in [0, classes).
        steps: optimiser steps (rounded up to whole epochs, so both data set sizes train alike).
        seed: seeds the initial weights and the batch order.
    Returns:
        The trained classifier, in eval mode.
    """
    check_images("images", images)
    labels = _check_labels(labels, len(images), check_size("classes", classes))
    check_size("steps", steps)
    torch.manual_seed(seed)
    classifier = Classifier(hidden_size, classes, images.shape[1])
    rows = torch.cat([images, labels[:, None].to(images.dtype)], 1)  # label in the last column

    def loss_fn(model, batch):
        return F.cross_entropy(model(batch[:, :-1]), batch[:, -1].long())

    epochs = epochs_for_steps(steps, len(images), batch_size)
    train(classifier, rows, loss_fn=loss_fn, epochs=epochs, batch_size=batch_size, lr=lr,
          seed=seed, device=device, progress=progress, description="classifier")
    return classifier


def predict(classifier: nn.Module, images: torch.Tensor, *, device=None) -> torch.Tensor:
    """Class probabilities: images (n, input_size) -> (n, classes), rows summing to 1."""
    if not isinstance(classifier, nn.Module):
        raise TypeError(f"classifier must be a torch.nn.Module, got {type(classifier).__name__}")
    check_images("images", images)
    classifier.eval()
    return map_batches(lambda x: torch.softmax(classifier(x), 1), images, device=device)


def accuracy(classifier: nn.Module, images: torch.Tensor, labels: torch.Tensor, *,
             device=None) -> float:
    """The fraction of ``images`` whose most probable class is their label."""
    probabilities = predict(classifier, images, device=device)
    labels = _check_labels(labels, len(images), probabilities.shape[1])
    return (probabilities.argmax(1) == labels).float().mean().item()
