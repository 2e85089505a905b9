"""One training loop for every chapter: in-memory tensors, a step budget, seeded, a progress bar,
a history; the schedules chapters train with (KL warm-up, the k schedule); the recipes that more
than one chapter retrains with (``train_vae``, ``train_classifier``); and the VQ-VAE's
dead-code restart.

``train(model, images, labels, steps=900, loss_fn=...)`` takes any number of tensors with one row
per example (images, labels, conditions, ...), slices every one with the same batch indices and
calls ``loss_fn(model, *batch)``. The budget is in optimiser steps, not epochs, so a run on the
4,000-image MNIST subset and one on the 60,000 Fashion-MNIST images are equally trained.
"""
from __future__ import annotations

import math
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
    check_real,
    check_size,
    is_int,
    require_tensor,
)
from .losses import reconstruction_loss, vae_loss
from .models import VAE, MLPClassifier

__all__ = ["seed_everything", "pick_device", "train", "evaluate", "map_batches", "History",
           "SCHEDULES", "kl_warmup", "scheduled_k", "train_vae", "DEFAULT_STEPS",
           "train_classifier", "restart_dead_codes"]

LossFn = Callable[..., torch.Tensor]  # loss_fn(model, *batch) -> scalar tensor
SCHEDULES = ("constant", "cosine")


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


def _check_model(model) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")


def _check_tensors(tensors: tuple) -> tuple:
    """The data of train/evaluate/map_batches: at least one tensor, each (n, ...) with the same
    n >= 1; the first is what the model reads, so it must be floating-point."""
    if not tensors:
        raise TypeError("give at least one tensor, e.g. train(model, images, steps=...)")
    for index, value in enumerate(tensors):
        require_tensor(f"tensors[{index}]", value)
        if value.dim() == 0:
            raise ValueError(f"tensors[{index}] must have one row per example, got a scalar")
    if not tensors[0].is_floating_point():
        raise TypeError(f"tensors[0], the model's input, must be a floating-point tensor, "
                        f"got dtype {tensors[0].dtype}")
    n = len(tensors[0])
    if n == 0:
        raise ValueError("tensors[0] is empty")
    lengths = [len(value) for value in tensors]
    if any(length != n for length in lengths):
        raise ValueError(f"every tensor must have the same number of rows, got {lengths}")
    return tensors


def _check_loss(loss) -> None:
    if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
        shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
        raise TypeError(f"loss_fn must return a scalar tensor, got {shape}")


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


def _learning_rate(lr: float, schedule: str, step: int, steps: int) -> float:
    """The rate for optimiser step ``step`` (0-based) of ``steps``. Cosine (Loshchilov & Hutter
    2017, no restarts) falls from ``lr`` to 0 at ``step == steps``, which lets a short run settle
    close to the optimum; the closed form, so the last rate is exactly 0."""
    if schedule == "constant":
        return lr
    return 0.5 * lr * (1.0 + math.cos(math.pi * step / steps))


@dataclass
class History:
    """What :func:`train` returns: one entry per block of steps (a pass over the data unless
    ``log_every`` says otherwise), and the time the whole run took.

    Attributes:
        steps: optimiser steps done by the end of each block (the last is the budget).
        losses: the mean training loss over each block's batches, weighted by batch size.
        learning_rates: the rate after each block, i.e. the next step's (0 at the end of a
            cosine schedule).
        seconds, images_per_second: the run's wall time, and examples processed per second.
    """

    steps: list = field(default_factory=list)
    losses: list = field(default_factory=list)
    learning_rates: list = field(default_factory=list)
    seconds: float = 0.0
    images_per_second: float = 0.0

    @property
    def final_loss(self) -> float:
        """The last block's mean training loss."""
        return self.losses[-1]


def _progress_enabled(progress: bool | None) -> bool:
    if progress is not None:
        return bool(progress)
    # The book's build sets AEBOOK_PROGRESS=0: a bar is noise on a rendered page.
    return os.environ.get("AEBOOK_PROGRESS", "1") not in ("0", "false", "no")


def train(model: nn.Module, *tensors: torch.Tensor, steps: int,
          loss_fn: LossFn = reconstruction_loss, batch_size: int = 128, lr: float = 1e-3,
          weight_decay: float = 0.0, schedule: str = "constant", fused: bool = True,
          seed: int = 0, device: str | torch.device | None = None, log_every: int | None = None,
          progress: bool | None = None, description: str = "training") -> History:
    """Train ``model`` with Adam for ``steps`` optimiser steps on in-memory tensors.

    No DataLoader: each tensor moves to ``device`` once and a batch is an index slice of every
    tensor, the same rows of each. Each pass over the data draws a fresh seeded permutation;
    the last batch of a pass may be smaller, and the run stops after exactly ``steps`` steps,
    mid-pass if that is where the budget ends.

    Args:
        model: any ``nn.Module``; moved to ``device``, left in eval mode.
        *tensors: (n, ...) each, e.g. images (n, 784) float in [0, 1] and labels (n,) int.
            The first is the model's input and must be floating-point.
        steps: the number of optimiser steps (the budget; 1 step = 1 batch).
        loss_fn: ``loss_fn(model, *batch) -> scalar tensor``, ``batch`` holding one slice of
            each tensor, in order; default: the mean squared reconstruction error of one tensor.
        batch_size, lr, weight_decay: Adam's.
        schedule: ``"constant"`` or ``"cosine"`` (the rate falls to 0 over the ``steps``).
        fused: Adam's fused kernel where torch has one (default; False gives the plain
            ``torch.optim.Adam``, for comparisons).
        seed: seeds the batch order and anything random inside ``loss_fn``.
        device: default: CUDA when available, else CPU.
        log_every: steps per :class:`History` entry; default: one entry per pass over the data.
        progress: show a ``tqdm.auto`` bar; default: on unless ``$AEBOOK_PROGRESS=0``.
        description: the bar's label.

    Returns:
        A :class:`History`.
    """
    _check_model(model)
    _check_tensors(tensors)
    _check_settings(steps=steps, loss_fn=loss_fn, batch_size=batch_size, lr=lr,
                    weight_decay=weight_decay, schedule=schedule, seed=seed, log_every=log_every)
    return _fit(model, tensors, steps=steps, loss_fn=loss_fn, batch_size=batch_size, lr=lr,
                weight_decay=weight_decay, schedule=schedule, fused=fused, seed=seed,
                device=device, log_every=log_every, progress=progress, description=description)


def _check_settings(*, steps, loss_fn, batch_size=128, lr=1e-3, weight_decay=0.0,
                    schedule="constant", seed=0, log_every=None) -> None:
    """The checks of :func:`train`'s settings, for a recipe (``train_vae``) that checks its own
    data and then calls :func:`_fit`, so that nothing is checked twice."""
    check_size("steps", steps)
    check_size("batch_size", batch_size)
    check_positive("lr", lr)
    check_real("weight_decay", weight_decay, minimum=0)
    check_int("seed", seed, minimum=0)
    if log_every is not None:
        check_size("log_every", log_every)
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    if not callable(loss_fn):
        raise TypeError("loss_fn must be callable as loss_fn(model, *batch) -> scalar tensor")


def _fit(model: nn.Module, tensors, *, steps: int, loss_fn: LossFn, batch_size: int, lr: float,
         weight_decay: float, schedule: str, fused: bool, seed: int, device,
         log_every: int | None, progress: bool | None, description: str) -> History:
    """:func:`train`'s loop without its argument checks: for callers that made them (a recipe
    checks its data its own way, then :func:`_check_settings`)."""
    device = pick_device(device)
    model.to(device).train()
    data = [value.to(device) for value in tensors]
    n = len(data[0])
    optimizer = _adam(model.parameters(), lr, weight_decay, fused)
    group = optimizer.param_groups[0]
    torch.manual_seed(seed)
    # The batch order has its own generator, so what loss_fn draws does not change it.
    order_generator = torch.Generator().manual_seed(seed)
    history = History()
    # The block's losses stay on the device until the block ends: a .item() every step would
    # wait for the step to finish (a sync on a GPU) and costs a conversion on the CPU.
    block_losses, block_sizes = [], []
    bar = tqdm(total=steps, desc=description, disable=not _progress_enabled(progress), leave=False)
    start = time.perf_counter()
    step = seen = 0
    while step < steps:
        order = torch.randperm(n, generator=order_generator).to(device)
        for first in range(0, n, batch_size):
            index = order[first:first + batch_size]
            batch = [value.index_select(0, index) for value in data]
            group["lr"] = _learning_rate(lr, schedule, step, steps)
            loss = loss_fn(model, *batch)
            _check_loss(loss)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step, seen = step + 1, seen + len(index)
            block_losses.append(loss.detach())
            block_sizes.append(len(index))
            bar.update()
            end_of_pass = first + batch_size >= n
            if step == steps or (step % log_every == 0 if log_every else end_of_pass):
                history.steps.append(step)
                history.losses.append(_mean(block_losses, block_sizes))
                history.learning_rates.append(_learning_rate(lr, schedule, step, steps))
                block_losses, block_sizes = [], []
                bar.set_postfix(loss=f"{history.losses[-1]:.4g}")
            if step == steps:
                break
    bar.close()
    model.eval()
    history.seconds = time.perf_counter() - start
    history.images_per_second = seen / max(history.seconds, 1e-9)
    return history


def _mean(losses: list, sizes: list) -> float:
    """The mean of scalar loss tensors weighted by their batch sizes: one transfer to Python."""
    weights = torch.tensor(sizes, dtype=torch.float64, device=losses[0].device)
    return (torch.stack(losses).double() @ weights / weights.sum()).item()


def _batches(tensors: list, batch_size: int):
    """Consecutive slices of every tensor, the same rows of each: lists of (batch, ...)."""
    for first in range(0, len(tensors[0]), batch_size):
        yield [value[first:first + batch_size] for value in tensors]


@torch.no_grad()
def map_batches(function: Callable, *tensors: torch.Tensor, batch_size: int = 1024,
                device: str | torch.device | None = None):
    """Apply ``function`` (e.g. ``model.encode``) batch by batch, without gradients.

    Args:
        function: ``function(*batch)``, one slice of each tensor in order, returning a tensor
            (batch, ...) or a tuple of them (e.g. a VAE's ``encode``: ``(mu, logvar)``).
        *tensors: (n, ...) each; the first floating-point. Moved to ``device`` a batch at a time.
    Returns:
        The outputs concatenated along the first dimension, on the CPU: (n, ...), or a tuple of
        such tensors when ``function`` returns a tuple.
    """
    if not callable(function):
        raise TypeError("function must be callable")
    _check_tensors(tensors)
    check_size("batch_size", batch_size)
    device = pick_device(device)
    outputs = [function(*(value.to(device) for value in batch))
               for batch in _batches(list(tensors), batch_size)]
    if isinstance(outputs[0], tuple):
        return tuple(torch.cat([output[part].cpu() for output in outputs])
                     for part in range(len(outputs[0])))
    return torch.cat([output.cpu() for output in outputs])


@torch.no_grad()
def evaluate(model: nn.Module, *tensors: torch.Tensor, loss_fn: LossFn = reconstruction_loss,
             batch_size: int = 1024, seed: int = 0,
             device: str | torch.device | None = None) -> float:
    """Mean of ``loss_fn(model, *batch)`` over the rows of ``tensors`` (weighted by batch size),
    in eval mode: ``evaluate(model, images)``, ``evaluate(cvae, images, labels, loss_fn=...)``.

    A ``loss_fn`` that samples (a VAE's) draws from torch's generator seeded with ``seed``
    inside a fork of the random state: the same number every call, and the caller's random
    stream is left where it was."""
    _check_model(model)
    _check_tensors(tensors)
    check_size("batch_size", batch_size)
    check_int("seed", seed, minimum=0)
    if not callable(loss_fn):
        raise TypeError("loss_fn must be callable as loss_fn(model, *batch) -> scalar tensor")
    device = pick_device(device)
    model.to(device).eval()
    losses, sizes = [], []
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        for batch in _batches(list(tensors), batch_size):
            loss = loss_fn(model, *(value.to(device) for value in batch))
            _check_loss(loss)
            losses.append(loss)
            sizes.append(len(batch[0]))
    return _mean(losses, sizes)


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


def train_vae(images: torch.Tensor, code_size: int = 20, *, hidden_size: int = 400,
              likelihood: str = "bernoulli", sigma: float = 1.0, steps: int = DEFAULT_STEPS,
              lr: float = 1e-3, schedule: str = "constant", batch_size: int = 128, seed: int = 0,
              loss_fn: Callable | None = None, device=None, progress: bool | None = None,
              description: str | None = None) -> tuple:
    """A freshly initialised :class:`aebook.models.VAE`, trained with Adam for ``steps`` steps.

    The defaults are pytorch/examples' recipe (784-400-20, Adam 1e-3, batches of 128, a constant
    rate); chapter 10's smaller, faster sweeps set ``hidden_size``, ``lr`` and ``schedule``.
    The same arguments give the same weights (on the same device): the initialisation and the
    batch order follow ``seed``.

    Args:
        images: (n, 784) float in [0, 1], the training images.
        code_size: dimensions of z. hidden_size: the width of the one hidden layer each side.
        likelihood, sigma: the decoder's likelihood, see :func:`aebook.losses.vae_loss`.
        steps: optimiser steps. lr, schedule, batch_size: see :func:`train`.
        seed: seeds the initial weights, the batch order and the sampled z.
        loss_fn: ``loss_fn(model, x) -> scalar`` to train on instead of ``vae_loss``.
        device: where to train (default: CUDA when present).
        progress, description: the progress bar's switch and label.
    Returns:
        (model, history): the trained VAE in eval mode and its :class:`History`.
    """
    # Each argument is checked once: images here, as (n, pixels) images (the model's input size
    # is read from them), the loop's settings by _check_settings; _fit checks nothing again.
    check_images("images", images)
    code_size, hidden_size = check_size("code_size", code_size), check_size("hidden_size", hidden_size)
    loss_fn = vae_loss(likelihood, sigma) if loss_fn is None else loss_fn
    _check_settings(steps=steps, loss_fn=loss_fn, batch_size=batch_size, lr=lr,
                    schedule=schedule, seed=seed)
    torch.manual_seed(seed)
    model = VAE(code_size, hidden_size=hidden_size, input_size=images.shape[1])
    history = _fit(model, (images,), steps=steps, loss_fn=loss_fn, batch_size=batch_size, lr=lr,
                   weight_decay=0.0, schedule=schedule, fused=True, seed=seed, device=device,
                   log_every=None, progress=progress,
                   description=description or f"VAE, {code_size}-D, {likelihood}")
    return model, history


def train_classifier(images: torch.Tensor, labels: torch.Tensor, *, hidden_size: int = 128,
                     steps: int = 1000, batch_size: int = 128, lr: float = 2e-3,
                     schedule: str = "cosine", seed: int = 0, device=None,
                     progress: bool | None = None) -> MLPClassifier:
    """Train an :class:`aebook.models.MLPClassifier` with cross-entropy for ``steps`` Adam steps,
    through the book's one training loop, images and labels batched together.

    Args:
        images: (n, pixels) float, e.g. in [0, 1].
        labels: (n,) int class indices; the classes are 0 .. labels.max().
        steps: optimiser steps.
        schedule: the learning rate's, ``"cosine"`` or ``"constant"`` (see :func:`train`).
        seed: seeds the initial weights and the batch order.
    Returns:
        The trained classifier, in eval mode, on ``device``.
    """
    check_images("images", images)
    labels = check_labels("labels", labels, len(images))
    _check_settings(steps=steps, loss_fn=_cross_entropy, batch_size=batch_size, lr=lr,
                    schedule=schedule, seed=seed)
    torch.manual_seed(seed)
    model = MLPClassifier(hidden_size, images.shape[1], int(labels.max()) + 1)
    _fit(model, (images, labels), steps=steps, loss_fn=_cross_entropy, batch_size=batch_size,
         lr=lr, weight_decay=0.0, schedule=schedule, fused=True, seed=seed, device=device,
         log_every=None, progress=progress, description="classifier")
    return model


def _cross_entropy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The classifier's loss: images (batch, pixels) and labels (batch,) -> a scalar."""
    return F.cross_entropy(model(images), labels)


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
