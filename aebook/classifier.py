"""A small classifier to look inside (chapter 13): one hidden layer of ReLU units whose
activations a sparse autoencoder then explains."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_images, check_size
from .probe import _check_labels
from .train import epochs_for_steps, train

__all__ = ["MLPClassifier", "train_classifier", "accuracy"]


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


def train_classifier(images: torch.Tensor, labels: torch.Tensor, *, hidden_size: int = 128,
                     steps: int = 1000, batch_size: int = 128, lr: float = 2e-3, seed: int = 0,
                     device=None, progress: bool | None = None) -> MLPClassifier:
    """Train an :class:`MLPClassifier` with cross-entropy for about ``steps`` Adam steps
    (cosine schedule), through the book's one training loop ``aebook.train.train``.

    Args:
        images: (n, pixels) float, e.g. in [0, 1].
        labels: (n,) int class indices.
        steps: the step budget; the epochs are rounded up so both data set sizes get it.
    Returns:
        The trained classifier, in eval mode.
    """
    check_images("images", images)
    labels = _check_labels("labels", labels, len(images))
    check_size("steps", steps)
    check_size("batch_size", batch_size)
    torch.manual_seed(seed)
    model = MLPClassifier(hidden_size, images.shape[1], int(labels.max()) + 1)
    # train() batches rows of one tensor: the label rides along as a last column
    packed = torch.cat([images.float(), labels[:, None].float()], 1)  # (n, pixels + 1)

    def loss_fn(model, batch):
        return F.cross_entropy(model(batch[:, :-1]), batch[:, -1].long())

    train(model, packed, loss_fn=loss_fn, epochs=epochs_for_steps(steps, len(images), batch_size),
          batch_size=batch_size, lr=lr, schedule="cosine", seed=seed, device=device,
          progress=progress, description="classifier")
    return model


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The fraction of rows whose largest logit is the label: logits (n, classes), labels (n,)."""
    check_images("logits", logits)
    labels = _check_labels("labels", labels, len(logits))
    return (logits.argmax(1) == labels.to(logits.device)).float().mean().item()
