"""One training loop for every chapter: in-memory tensors, seeded, a progress bar, a history."""
from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ._checks import check_images, check_int, check_positive, check_size
from .losses import reconstruction_error

__all__ = ["seed_everything", "pick_device", "train", "evaluate", "map_batches",
           "History", "reconstruction_loss", "epochs_for_steps"]

LossFn = Callable[[nn.Module, torch.Tensor], torch.Tensor]


def seed_everything(seed: int = 0) -> None:
    """Seed Python, NumPy and torch (CPU and CUDA) so runs repeat."""
    check_int("seed", seed, minimum=0)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def pick_device(device: str | torch.device | None = None) -> torch.device:
    """The given device, else CUDA when present (Colab's GPU runtime), else the CPU."""
    if device is not None:
        if not isinstance(device, (str, torch.device)):
            raise TypeError(f"device must be a str or torch.device, got {type(device).__name__}")
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def epochs_for_steps(steps: int, n_images: int, batch_size: int = 128) -> int:
    """The epochs that give at least ``steps`` optimiser steps: a step budget makes a run on the
    5,000-image subset and one on the full 60,000 images comparably trained."""
    for name, value in (("steps", steps), ("n_images", n_images), ("batch_size", batch_size)):
        check_size(name, value)
    batches = (n_images + batch_size - 1) // batch_size
    return (steps + batches - 1) // batches


def reconstruction_loss(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The default loss: mean squared error between ``model(x)`` and ``x``."""
    return reconstruction_error(model(x), x)


def _adam(parameters, lr: float, weight_decay: float, fused: bool = True) -> torch.optim.Optimizer:
    """Adam, fused into one kernel where this torch supports it (CPU from torch 2.4) and
    ``fused`` asks for it: the same update, cheaper per step on small models."""
    parameters = list(parameters)
    if fused:
        try:
            return torch.optim.Adam(parameters, lr=lr, weight_decay=weight_decay, fused=True)
        except (RuntimeError, TypeError, ValueError):
            pass
    return torch.optim.Adam(parameters, lr=lr, weight_decay=weight_decay)


@dataclass
class History:
    """What :func:`train` returns: the mean training loss and the learning rate at the end of
    each epoch, and the time it took."""

    epoch_losses: list = field(default_factory=list)
    learning_rates: list = field(default_factory=list)
    seconds: float = 0.0
    images_per_second: float = 0.0

    @property
    def final_loss(self) -> float:
        return self.epoch_losses[-1]


def _progress_enabled(progress: bool | None) -> bool:
    if progress is not None:
        return bool(progress)
    # The book's build sets AEBOOK_PROGRESS=0: a bar is noise on a rendered page.
    return os.environ.get("AEBOOK_PROGRESS", "1") not in ("0", "false", "no")


def train(model: nn.Module, images: torch.Tensor, *, loss_fn: LossFn = reconstruction_loss,
          epochs: int = 5, batch_size: int = 128, lr: float = 1e-3, weight_decay: float = 0.0,
          schedule: str = "constant", fused: bool = True,
          seed: int = 0, device: str | torch.device | None = None,
          progress: bool | None = None, description: str = "training") -> History:
    """Train ``model`` with Adam on in-memory ``images`` (no DataLoader: batches are index slices).

    Args:
        model: any ``nn.Module``; ``loss_fn(model, batch)`` must return a scalar loss.
        images: (n, ...) float tensor, e.g. (n, 784) in [0, 1]; moved to ``device`` once.
        loss_fn: ``(model, x) -> scalar``; default: mean squared reconstruction error.
        epochs, batch_size, lr, weight_decay: the usual; the last batch may be smaller.
        schedule: ``"constant"`` or ``"cosine"`` (the learning rate falls to 0 by the last step,
            which lets short runs settle close to the optimum).
        fused: use Adam's fused kernel where torch has one (the default; False gives the
            plain ``torch.optim.Adam``, for comparisons).
        seed: seeds the initial shuffle order and anything random inside ``loss_fn``.
        device: default: CUDA when available, else CPU. The model is moved there.
        progress: show a ``tqdm.auto`` bar; default: on unless ``$AEBOOK_PROGRESS=0``.

    Returns:
        A :class:`History` with one mean loss per epoch.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    check_images("images", images, ndim=None)
    epochs, batch_size = check_size("epochs", epochs), check_size("batch_size", batch_size)
    check_positive("lr", lr)
    if schedule not in ("constant", "cosine"):
        raise ValueError(f"schedule must be 'constant' or 'cosine', got {schedule!r}")
    if not callable(loss_fn):
        raise TypeError("loss_fn must be callable as loss_fn(model, x) -> scalar tensor")
    device = pick_device(device)
    model.to(device).train()
    data = images.to(device)
    optimizer = _adam(model.parameters(), lr, weight_decay, fused)
    steps = epochs * ((len(data) + batch_size - 1) // batch_size)
    scheduler = (torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
                 if schedule == "cosine" else None)
    torch.manual_seed(seed)
    order_generator = torch.Generator().manual_seed(seed)
    history = History()
    start = time.perf_counter()
    bar = tqdm(total=steps, desc=description,
               disable=not _progress_enabled(progress), leave=False)
    for _ in range(epochs):
        order = torch.randperm(len(data), generator=order_generator).to(device)
        total, count = 0.0, 0
        for first in range(0, len(data), batch_size):
            batch = data[order[first:first + batch_size]]
            loss = loss_fn(model, batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            total += loss.item() * len(batch)
            count += len(batch)
            bar.update()
        history.epoch_losses.append(total / count)
        history.learning_rates.append(optimizer.param_groups[0]["lr"])
        bar.set_postfix(loss=f"{history.epoch_losses[-1]:.4g}")
    bar.close()
    model.eval()
    history.seconds = time.perf_counter() - start
    history.images_per_second = epochs * len(data) / max(history.seconds, 1e-9)
    return history


@torch.no_grad()
def map_batches(function: Callable[[torch.Tensor], torch.Tensor], images: torch.Tensor, *,
                batch_size: int = 1024, device: str | torch.device | None = None) -> torch.Tensor:
    """Apply ``function`` (e.g. ``model.encode``) batch by batch without gradients.

    Args:
        images: (n, ...) tensor. Returns: the outputs concatenated on the CPU, (n, ...).
    """
    if not callable(function):
        raise TypeError("function must be callable")
    check_images("images", images, ndim=None)
    check_size("batch_size", batch_size)
    device = pick_device(device)
    return torch.cat([function(images[first:first + batch_size].to(device)).cpu()
                      for first in range(0, len(images), batch_size)])


@torch.no_grad()
def evaluate(model: nn.Module, images: torch.Tensor, *, loss_fn: LossFn = reconstruction_loss,
             batch_size: int = 1024, seed: int = 0, device: str | torch.device | None = None) -> float:
    """Mean of ``loss_fn`` over ``images`` (weighted by batch size), in eval mode.

    A ``loss_fn`` that samples (a VAE's) draws from torch's generator seeded with ``seed``
    inside a fork of the random state: the same number every call, and the caller's random
    stream is left where it was."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    check_images("images", images, ndim=None)
    check_size("batch_size", batch_size)
    device = pick_device(device)
    model.to(device).eval()
    total = 0.0
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        for first in range(0, len(images), batch_size):
            batch = images[first:first + batch_size].to(device)
            total += loss_fn(model, batch).item() * len(batch)
    return total / len(images)
