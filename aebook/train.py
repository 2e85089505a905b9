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
from torch.nn import functional as F
from tqdm.auto import tqdm

from ._checks import (
    check_images,
    check_int,
    check_labels,
    check_positive,
    check_size,
    is_int,
    require_tensor,
)
from .losses import reconstruction_loss, vae_loss
from .models import VAE, MLPClassifier

__all__ = ["seed_everything", "pick_device", "train", "evaluate", "map_batches",
           "History", "epochs_for_steps", "kl_warmup", "scheduled_k", "train_vae",
           "DEFAULT_STEPS", "train_classifier", "restart_dead_codes"]

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


def kl_warmup(step: int, warmup_steps: int) -> float:
    """The KL weight of a linear warm-up: 0 at step 0, rising to 1 at ``warmup_steps`` and after.

    Bowman et al. (2016) start training as a plain autoencoder and raise the KL weight slowly, so
    the encoder learns a useful code before the KL term can switch it off.

    Args:
        step: the optimiser step, >= 0. warmup_steps: steps to reach weight 1, > 0.
    """
    check_int("step", step, minimum=0)
    warmup_steps = check_size("warmup_steps", warmup_steps)
    return min(1.0, step / warmup_steps)


def scheduled_k(k: int, step: int, total_steps: int, k_start: int = 100) -> int:
    """The k to train with at ``step``: from ``max(k, k_start)`` down to ``k`` linearly over the
    first half of the ``total_steps``, then ``k``. Starting dense gives every unit gradients
    early, which keeps units from dying (Makhzani & Frey 2014, section 3.2)."""
    k, total_steps, k_start = (check_size(name, value) for name, value in
                               (("k", k), ("total_steps", total_steps), ("k_start", k_start)))
    if not is_int(step) or step < 0:
        raise ValueError(f"step must be a non-negative int, got {step!r}")
    start = max(k, k_start)
    fraction = min(step / max(total_steps / 2, 1), 1.0)
    return int(round(start + (k - start) * fraction))


DEFAULT_STEPS = 900


def train_vae(images: torch.Tensor, code_size: int = 20, *, likelihood: str = "bernoulli",
              sigma: float = 1.0, steps: int = DEFAULT_STEPS, seed: int = 0,
              loss_fn: Callable | None = None, device=None, description: str | None = None) -> tuple:
    """A freshly initialised :class:`aebook.models.VAE`, trained with Adam (1e-3, batches of 128).

    The same arguments give the same weights (on the same device): the initialisation and the
    batch order follow ``seed``.

    Args:
        images: (n, 784) float in [0, 1], the training images.
        code_size: dimensions of z.
        likelihood, sigma: the decoder's likelihood, see :func:`aebook.losses.vae_loss`.
        steps: at least this many optimiser steps (whole epochs).
        seed: seeds the initial weights, the batch order and the sampled z.
        loss_fn: ``loss_fn(model, x) -> scalar`` to train on instead of ``vae_loss``.
        device: where to train (default: CUDA when present).
    Returns:
        (model, history): the trained VAE in eval mode and the :class:`aebook.train.History`.
    """
    check_images("images", images)
    code_size, steps = check_size("code_size", code_size), check_size("steps", steps)
    if not is_int(seed):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    loss_fn = vae_loss(likelihood, sigma) if loss_fn is None else loss_fn
    if not callable(loss_fn):
        raise TypeError("loss_fn must be callable as loss_fn(model, x) -> scalar tensor")
    torch.manual_seed(seed)
    model = VAE(code_size, input_size=images.shape[1])
    epochs = epochs_for_steps(steps, len(images))
    history: History = train(model, images, loss_fn=loss_fn, epochs=epochs, seed=seed,
                             device=device,
                             description=description or f"VAE, {code_size}-D, {likelihood}")
    return model, history


def train_classifier(images: torch.Tensor, labels: torch.Tensor, *, hidden_size: int = 128,
                     steps: int = 1000, batch_size: int = 128, lr: float = 2e-3,
                     schedule: str = "cosine", seed: int = 0, device=None,
                     progress: bool | None = None) -> MLPClassifier:
    """Train an :class:`MLPClassifier` with cross-entropy for about ``steps`` Adam steps,
    through the book's one training loop ``aebook.train.train``.

    Args:
        images: (n, pixels) float, e.g. in [0, 1].
        labels: (n,) int class indices; the classes are 0 .. labels.max().
        steps: the step budget; the epochs are rounded up so both data set sizes get it.
        schedule: the learning rate's, ``"cosine"`` or ``"constant"`` (see ``train``).
        seed: seeds the initial weights and the batch order.
    Returns:
        The trained classifier, in eval mode, on ``device``.
    """
    check_images("images", images)
    labels = check_labels("labels", labels, len(images))
    check_size("steps", steps)
    check_size("batch_size", batch_size)
    torch.manual_seed(seed)
    model = MLPClassifier(hidden_size, images.shape[1], int(labels.max()) + 1)
    # train() batches rows of one tensor: the label rides along as a last column
    packed = torch.cat([images.float(), labels[:, None].float()], 1)  # (n, pixels + 1)

    def loss_fn(model, batch):
        return F.cross_entropy(model(batch[:, :-1]), batch[:, -1].long())

    train(model, packed, loss_fn=loss_fn, epochs=epochs_for_steps(steps, len(images), batch_size),
          batch_size=batch_size, lr=lr, schedule=schedule, seed=seed, device=device,
          progress=progress, description="classifier")
    return model


def restart_dead_codes(codebook: torch.Tensor, vectors: torch.Tensor,
                       counts: torch.Tensor) -> torch.Tensor:
    """A new codebook in which each row with ``counts == 0`` is replaced by an encoder output
    drawn at random (torch's global generator) from ``vectors``; used rows stay.

    A dead row is nearest to no encoder output, so neither the codebook loss nor the
    commitment loss ever moves it; placing it on an actual encoder output makes it the
    nearest row of at least that vector, and it starts to learn.

    Args:
        codebook: (K, D) the codebook rows.
        vectors: (n, D) encoder outputs, e.g. of the current batch.
        counts: (K,) how often each row was chosen recently.
    Returns:
        (K, D) the new codebook (a new tensor; no gradient).
    """
    for name, value in (("codebook", codebook), ("vectors", vectors), ("counts", counts)):
        require_tensor(name, value)
    if codebook.dim() != 2 or vectors.dim() != 2 or vectors.shape[1] != codebook.shape[1]:
        raise ValueError(f"codebook must be (K, D) and vectors (n, D), got "
                         f"{tuple(codebook.shape)} and {tuple(vectors.shape)}")
    if counts.shape != (len(codebook),):
        raise ValueError(f"counts must be ({len(codebook)},), got {tuple(counts.shape)}")
    if len(vectors) == 0:
        raise ValueError("vectors is empty")
    dead = counts == 0
    new = codebook.detach().clone()
    picks = torch.randint(len(vectors), (int(dead.sum()),), device=vectors.device)
    new[dead] = vectors.detach()[picks].to(new.dtype)
    return new
