"""Training the book's VAE (chapters 6 to 8): one seeded recipe, so a later chapter that needs
the model of an earlier one retrains the same weights within its time budget.

The recipe is pytorch/examples ``vae/main.py``'s: Adam at a learning rate of 1e-3, batches of
128, the mean negative ELBO of a batch (one z per image) as the loss, here for a fixed budget of
optimiser steps so that a run on the 4,000-image MNIST subset and one on the 60,000 Fashion-MNIST
images are comparably trained.
"""
from __future__ import annotations

from typing import Callable

import torch

from ._checks import check_images, check_positive, check_size, is_int
from .models.vae import LIKELIHOODS, VAE, negative_elbo
from .train import History, epochs_for_steps, train

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


def train_vae(images: torch.Tensor, latent_size: int = 20, *, likelihood: str = "bernoulli",
              sigma: float = 1.0, steps: int = DEFAULT_STEPS, seed: int = 0,
              loss_fn: Callable | None = None, device=None, description: str | None = None) -> tuple:
    """A freshly initialised :class:`aebook.models.VAE`, trained with Adam (1e-3, batches of 128).

    The same arguments give the same weights (on the same device): the initialisation and the
    batch order follow ``seed``.

    Args:
        images: (n, 784) float in [0, 1], the training images.
        latent_size: dimensions of z.
        likelihood, sigma: the decoder's likelihood, see :func:`vae_loss`.
        steps: at least this many optimiser steps (whole epochs).
        seed: seeds the initial weights, the batch order and the sampled z.
        loss_fn: ``loss_fn(model, x) -> scalar`` to train on instead of :func:`vae_loss`.
        device: where to train (default: CUDA when present).
    Returns:
        (model, history): the trained VAE in eval mode and the :class:`aebook.train.History`.
    """
    check_images("images", images)
    latent_size, steps = check_size("latent_size", latent_size), check_size("steps", steps)
    if not is_int(seed):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    loss_fn = vae_loss(likelihood, sigma) if loss_fn is None else loss_fn
    if not callable(loss_fn):
        raise TypeError("loss_fn must be callable as loss_fn(model, x) -> scalar tensor")
    torch.manual_seed(seed)
    model = VAE(latent_size, input_size=images.shape[1])
    epochs = epochs_for_steps(steps, len(images))
    history: History = train(model, images, loss_fn=loss_fn, epochs=epochs, seed=seed,
                             device=device,
                             description=description or f"VAE, {latent_size}-D, {likelihood}")
    return model, history
