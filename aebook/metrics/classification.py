"""What a classifier says about images (chapters 7, 11 to 13): class probabilities, accuracy,
and how sure it is. The classifier is e.g. :class:`aebook.models.MLPClassifier`, trained by
``aebook.train.train_classifier``."""
from __future__ import annotations

import torch
from torch import nn

from .._checks import check_images, check_labels, check_tensor
from ..train import map_batches

__all__ = ["predict", "accuracy", "confidence"]


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
    check_tensor("scores", scores)
    labels = check_labels("labels", labels, len(scores))
    return (scores.argmax(1) == labels.to(scores.device)).float().mean().item()


def confidence(classifier: nn.Module, images: torch.Tensor, *, device=None) -> torch.Tensor:
    """How sure the classifier is of each image: its largest class probability,
    images (n, pixels) -> (n,) in (0, 1] on the CPU. A generated image that the classifier
    recognises as clearly as a real one scores as high."""
    return predict(classifier, images, device=device).max(1).values
