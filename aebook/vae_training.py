"""Training the book's VAE (chapters 6 to 8): one seeded recipe, so a later chapter that needs
the model of an earlier one retrains the same weights within its time budget.

The recipe is pytorch/examples ``vae/main.py``'s: Adam at a learning rate of 1e-3, batches of
128, the mean negative ELBO of a batch (one z per image) as the loss, here for a fixed budget of
optimiser steps so that a run on the 4,000-image MNIST subset and one on the 60,000 Fashion-MNIST
images are equally trained. Chapter 10 trains smaller VAEs faster with the same function.
"""
from __future__ import annotations

from typing import Callable

import torch

from ._checks import check_images, check_positive, check_size
from .models.vae import LIKELIHOODS, VAE, negative_elbo
from .train import History, _check_settings, _fit

__all__ = ["vae_loss", "train_vae", "DEFAULT_STEPS"]

DEFAULT_STEPS = 900


def vae_loss(likelihood: str = "bernoulli", sigma: float = 1.0) -> Callable:
    """The training loss ``loss_fn(model, x)``: the mean over the batch of each image's negative
    ELBO in nats (see :func:`aebook.models.negative_elbo`), with one z sampled per image.

    Args:
        likelihood: ``"bernoulli"`` or ``"gaussian"``. sigma: the Gaussian's standard deviation.
    """
    if likelihood not in LIKELIHOODS:
        raise ValueError(f"likelihood must be one of {LIKELIHOODS}, got {likelihood!r}")
    sigma = check_positive("sigma", sigma)

    def loss_fn(model: VAE, x: torch.Tensor) -> torch.Tensor:  # x: (batch, 784) -> scalar
        logits, mu, logvar = model(x)
        return negative_elbo(logits, x, mu, logvar, likelihood, sigma).mean()

    return loss_fn


def train_vae(images: torch.Tensor, latent_size: int = 20, *, hidden_size: int = 400,
              likelihood: str = "bernoulli", sigma: float = 1.0, steps: int = DEFAULT_STEPS,
              lr: float = 1e-3, schedule: str = "constant", batch_size: int = 128, seed: int = 0,
              loss_fn: Callable | None = None, device=None, progress: bool | None = None,
              description: str | None = None) -> tuple:
    """A freshly initialised :class:`aebook.models.VAE`, trained with Adam for ``steps`` steps.

    The defaults are pytorch/examples' recipe (784-400-20, Adam 1e-3, batches of 128, constant
    rate); chapter 10's smaller, faster sweeps change ``hidden_size``, ``lr`` and ``schedule``.
    The same arguments give the same weights (on the same device): the initialisation and the
    batch order follow ``seed``.

    Args:
        images: (n, 784) float in [0, 1], the training images.
        latent_size: dimensions of z. hidden_size: the width of the one hidden layer each side.
        likelihood, sigma: the decoder's likelihood, see :func:`vae_loss`.
        steps: optimiser steps. lr, schedule, batch_size: see :func:`aebook.train.train`.
        seed: seeds the initial weights, the batch order and the sampled z.
        loss_fn: ``loss_fn(model, x) -> scalar`` to train on instead of :func:`vae_loss`.
        device: where to train (default: CUDA when present).
        progress, description: the progress bar's switch and label.
    Returns:
        (model, history): the trained VAE in eval mode and the :class:`aebook.train.History`.
    """
    # Each argument is checked once: images here (as (n, pixels) images: the model's input size
    # is read from them), the loop's settings by _check_settings, and _fit checks nothing again.
    check_images("images", images)
    latent_size = check_size("latent_size", latent_size)
    hidden_size = check_size("hidden_size", hidden_size)
    loss_fn = vae_loss(likelihood, sigma) if loss_fn is None else loss_fn
    _check_settings(steps=steps, loss_fn=loss_fn, batch_size=batch_size, lr=lr,
                    schedule=schedule, seed=seed)
    torch.manual_seed(seed)
    model = VAE(latent_size, hidden_size=hidden_size, input_size=images.shape[1])
    history: History = _fit(model, (images,), steps=steps, loss_fn=loss_fn, batch_size=batch_size,
                            lr=lr, weight_decay=0.0, schedule=schedule, fused=True, seed=seed,
                            device=device, log_every=None, progress=progress,
                            description=description or f"VAE, {latent_size}-D, {likelihood}")
    return model, history
