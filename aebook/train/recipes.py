"""The recipes that more than one chapter retrains with, on the one loop of
:mod:`aebook.train.loop`: :func:`train_vae` and :func:`train_classifier`; and the VQ-VAE's
training remedy :func:`restart_dead_codes`."""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import check_images, check_labels, check_size, require_tensor
from ..losses import vae_loss
from ..models import VAE, MLPClassifier
from .loop import _check_settings, _fit

__all__ = ["DEFAULT_STEPS", "train_vae", "train_classifier", "restart_dead_codes"]

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
