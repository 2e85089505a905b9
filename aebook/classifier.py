"""A small image classifier, trained in a few seconds, to judge generated images: a sample a
good classifier labels with confidence looks like a member of some class.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import check_images, check_positive, check_size
from .train import pick_device

__all__ = ["train_classifier"]


def train_classifier(images: torch.Tensor, labels: torch.Tensor, *, hidden_size: int = 256,
                     steps: int = 600, batch_size: int = 128, lr: float = 2e-3, seed: int = 0,
                     device: str | torch.device | None = None) -> nn.Module:
    """Train a one-hidden-layer MLP (pixels -> hidden_size -> ReLU -> classes) with Adam and
    cross-entropy for ``steps`` steps on random batches.

    Args:
        images: (n, pixels) float in [0, 1].
        labels: (n,) int64 class indices in [0, classes); classes = labels.max() + 1.
        hidden_size, steps, batch_size, lr: the usual; seed: initial weights and batches.
    Returns:
        the trained model in eval mode, on the CPU: (batch, pixels) -> logits (batch, classes).
    """
    check_images("images", images)
    if not isinstance(labels, torch.Tensor) or labels.dtype != torch.int64:
        raise TypeError("labels must be an int64 torch.Tensor")
    if labels.shape != (len(images),):
        raise ValueError(f"labels must be ({len(images)},), got {tuple(labels.shape)}")
    if labels.min() < 0:
        raise ValueError("labels must be non-negative class indices")
    for name, value in (("hidden_size", hidden_size), ("steps", steps), ("batch_size", batch_size)):
        check_size(name, value)
    check_positive("lr", lr)
    device = pick_device(device)
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(images.shape[1], hidden_size), nn.ReLU(),
                          nn.Linear(hidden_size, int(labels.max()) + 1)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    images, labels = images.to(device), labels.to(device)
    for _ in range(steps):
        batch = torch.randint(len(images), (batch_size,), generator=generator).to(device)
        loss = F.cross_entropy(model(images[batch]), labels[batch])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    return model.eval().cpu()
