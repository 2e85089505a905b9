"""A small classifier that judges images (chapters 7, 11 and 12), and the network whose hidden
layer chapter 13's sparse autoencoders explain. Its recipe is ``aebook.train.train_classifier``;
what it says about images, ``aebook.metrics.predict``, ``accuracy`` and ``confidence``."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import check_size

__all__ = ["MLPClassifier"]


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
