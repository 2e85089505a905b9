"""aebook: the helper package of the book *Autoencoders, interactively*.

Each module serves one concern and each chapter shows its own code before importing the twin
from here: ``data`` (MNIST / Fashion-MNIST in memory, offline first), ``models``, ``losses``,
``pca``, ``train`` (the one training loop), ``viz`` (figures), ``widgets`` (sliders that work
live and in the rendered book), and one module per chapter topic: ``noise`` (corruptions),
``probe`` (linear probes on codes), ``sparsity`` (the k schedule and the measurements on
sparse codes and filters), ``ppca`` (probabilistic PCA, the exact latent model) and
``estimators`` (pathwise and score-function gradients).
"""






from __future__ import annotations

import torch

from . import (
    beta_vae,
    classifier,
    codebook,
    contractive,
    data,
    disentanglement,
    estimators,
    interpretability,
    losses,
    models,
    noise,
    pca,
    ppca,
    probe,
    quality,
    sparsity,
    train,
    vae_diagnostics,
    vae_training,
    viz,
    widgets,
)
from .data import ImageData, load_data
from .train import evaluate, map_batches, pick_device, seed_everything
from .widgets import Frame, LatentPad, SliderView

__all__ = ["setup", "load_data", "ImageData", "evaluate", "map_batches", "pick_device",
           "seed_everything", "Frame", "LatentPad", "SliderView", "beta_vae", "classifier",
           "codebook", "contractive", "data", "disentanglement", "estimators", "interpretability",
           "losses", "models", "noise", "pca", "ppca", "probe", "quality", "sparsity", "train",
           "vae_diagnostics", "vae_training", "viz", "widgets"]
__version__ = "0.1.0"


def setup(seed: int = 0) -> torch.device:
    """The one set-up call at the top of each chapter: seed everything, pick the device
    (CUDA when present), apply the book's plotting style. Returns the device."""
    seed_everything(seed)
    viz.use_book_style()
    device = pick_device()
    print(f"aebook {__version__}, torch {torch.__version__}, device: {device}")
    return device
