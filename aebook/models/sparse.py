"""Sparse autoencoders (chapter 3): the k-sparse autoencoder and the sparsity-penalty autoencoder.

The training schedule for k and the measurements the chapter makes on the filters live in
:mod:`aebook.sparsity`; this module holds only the models and the top-k selection they use."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import check_images, check_size, is_int
from .ae import Autoencoder

__all__ = ["k_sparse", "KSparseAutoencoder", "SparseAutoencoder"]


def _check_k(k, units: int) -> int:
    """k: an int in [1, units]."""
    if not is_int(k):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    if not 1 <= k <= units:
        raise ValueError(f"k must be in [1, {units}] (the number of hidden units), got {k}")
    return int(k)


def k_sparse(pre_activation: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k largest entries of each row and set the others to zero.

    Ties: ``torch.topk`` returns exactly k indices per row and only those are scattered back,
    so exactly k entries are kept even when values tie at the k-th place (which of the tied
    units wins is up to ``topk``). A kept entry that is itself zero stays zero, so a row has at
    most k non-zero entries, and exactly k when the kept values are non-zero.
    Gradients flow back through the kept entries only.

    Args:
        pre_activation: (batch, units) hidden activations before selection.
        k: how many to keep, in [1, units].
    Returns:
        code: (batch, units), the same dtype and device.
    """
    check_images("pre_activation", pre_activation)
    k = _check_k(k, pre_activation.shape[1])
    values, indices = pre_activation.topk(k, dim=1)  # (batch, k) each
    return torch.zeros_like(pre_activation).scatter(1, indices, values)


class KSparseAutoencoder(nn.Module):
    """The k-sparse autoencoder of Makhzani & Frey (ICLR 2014).

    x -> W (x - b') + b (linear hidden units) -> keep the k largest -> code -> W^T code + b'
    (linear output). The decoder reuses the encoder's weights (tied), so each hidden unit has
    one filter: row j of ``encoder.weight``, both the pattern it detects and the pattern it
    draws. Subtracting the decoder's bias b' before encoding changes nothing the model can
    express (W (x - b') + b is affine in x, like the paper's W x + b), but with b' started at
    the mean image the units code deviations from the mean from the first step, which trains
    faster.

    Args:
        k: how many hidden units each code keeps (may be changed later, e.g. by a schedule).
        hidden_size: the number of hidden units (overcomplete: more than the pixels).
        input_size: pixels per image.
    """

    def __init__(self, k: int = 25, hidden_size: int = 1000, input_size: int = 784):
        super().__init__()
        check_size("hidden_size", hidden_size)
        check_size("input_size", input_size)
        self.k = _check_k(k, hidden_size)
        self.encoder = nn.Linear(input_size, hidden_size)
        self.decoder_bias = nn.Parameter(torch.zeros(input_size))

    def encode(self, x: torch.Tensor, k: int | None = None) -> torch.Tensor:
        """x: (batch, input_size) -> code: (batch, hidden_size) with k kept units per row.

        ``k`` defaults to ``self.k``; the paper encodes with ``alpha * k`` units (alpha >= 1)
        when the codes feed a classifier."""
        return k_sparse(self.encoder(x - self.decoder_bias), self.k if k is None else k)

    def decode(self, code: torch.Tensor) -> torch.Tensor:
        """code: (batch, hidden_size) -> reconstruction: (batch, input_size), linear."""
        return F.linear(code, self.encoder.weight.t(), self.decoder_bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> reconstruction: (batch, input_size).

        The same as ``decode(encode(x))``, but the decoder touches only the k kept filters of
        each image (``embedding_bag`` sums them, weighted by the kept values) instead of
        multiplying a mostly-zero code by all of them: about a third less work per training
        step on a CPU when k is a small fraction of the units."""
        pre_activation = self.encoder(x - self.decoder_bias)                 # (batch, hidden)
        values, indices = pre_activation.topk(_check_k(self.k, pre_activation.shape[1]), dim=1)
        return F.embedding_bag(indices, self.encoder.weight, per_sample_weights=values,
                               mode="sum") + self.decoder_bias

    @property
    def filters(self) -> torch.Tensor:
        """(hidden_size, input_size): the tied weights, one filter per hidden unit."""
        return self.encoder.weight


class SparseAutoencoder(Autoencoder):
    """An overcomplete autoencoder (by default 1,000 hidden units for 784 pixels) with sigmoid
    hidden units in (0, 1), for sparsity penalties.

    Nothing in the model makes it sparse: the loss does, with ``aebook.losses.l1_sparsity`` or
    ``aebook.losses.kl_sparsity`` on ``encode(x)`` (Ng's CS294A notes, 2011). ``encode``,
    ``decode`` and ``forward`` come from :class:`aebook.models.Autoencoder`.

    Args:
        hidden_size: the number of hidden units (more than ``input_size``: overcomplete).
        input_size: pixels per image.

    Shapes: x (batch, input_size) in [0, 1] -> code (batch, hidden_size) in (0, 1)
    -> reconstruction (batch, input_size) in (0, 1).
    """

    def __init__(self, hidden_size: int = 1000, input_size: int = 784):
        super().__init__()
        check_size("hidden_size", hidden_size)
        check_size("input_size", input_size)
        self.encoder = nn.Sequential(nn.Linear(input_size, hidden_size), nn.Sigmoid())
        self.decoder = nn.Sequential(nn.Linear(hidden_size, input_size), nn.Sigmoid())
