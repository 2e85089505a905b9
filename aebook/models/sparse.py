"""Sparse autoencoders whose architecture keeps the code sparse: the top-k selection
:func:`k_sparse` and the three models built on it or beside it.

- :class:`KSparseAutoencoder` (chapter 3, Makhzani & Frey 2014): images, tied weights, keeps
  the k largest hidden units.
- :class:`TopKSparseAutoencoder` and :class:`L1SparseAutoencoder` (chapter 13): a dictionary of
  unit-length directions in a network's hidden layer. The TopK model keeps the k largest
  latents (Gao et al. 2024); the L1 model is a ReLU layer that a penalty on |z| makes sparse
  (Bricken et al. 2023).

An autoencoder made sparse by a penalty alone is :class:`aebook.models.ShallowAutoencoder`
trained with ``aebook.losses.l1_sparsity`` or ``kl_sparsity``; the k schedule that trains
k-sparse models is ``aebook.train.scheduled_k``.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import check_size, check_tensor, is_int

__all__ = ["k_sparse", "KSparseAutoencoder", "TopKSparseAutoencoder", "L1SparseAutoencoder"]


def _check_k(k, code_size: int) -> int:
    """k: an int in [1, code_size]."""
    if not is_int(k):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    if not 1 <= k <= code_size:
        raise ValueError(f"k must be in [1, {code_size}] (the number of hidden units), got {k}")
    return int(k)


def k_sparse(pre_activation: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k largest entries of each row and set the others to zero.

    Ties: ``torch.topk`` returns exactly k indices per row and only those are scattered back,
    so exactly k entries are kept even when values tie at the k-th place (which of the tied
    units wins is up to ``topk``). A kept entry that is itself zero stays zero, so a row has at
    most k non-zero entries, and exactly k when the kept values are non-zero.
    Gradients flow back through the kept entries only.

    Args:
        pre_activation: (batch, code_size) hidden activations before selection.
        k: how many to keep, in [1, code_size].
    Returns:
        code: (batch, code_size), the same dtype and device.
    """
    check_tensor("pre_activation", pre_activation)
    k = _check_k(k, pre_activation.shape[1])
    values, indices = pre_activation.topk(k, dim=1)  # (batch, k) each
    return torch.zeros_like(pre_activation).scatter(1, indices, values)


def _decode_top_k(pre_activation: torch.Tensor, k: int, filters: torch.Tensor,
                  bias: torch.Tensor, keep=None) -> torch.Tensor:
    """decode(k_sparse(pre_activation, k)) for a linear decoder with one filter per unit.

    The decoder touches only the k kept filters of each row (``embedding_bag`` sums them,
    weighted by the kept values, after ``keep`` when given) instead of multiplying a mostly-zero
    code by all of them: about a third less work per training step on a CPU when k is a small
    fraction of the units.

    Args:
        pre_activation: (batch, code_size). filters: (code_size, input_size). bias: (input_size,).
    Returns:
        (batch, input_size).
    """
    values, indices = pre_activation.topk(_check_k(k, pre_activation.shape[1]), dim=1)
    weights = values if keep is None else keep(values)
    return F.embedding_bag(indices, filters, per_sample_weights=weights, mode="sum") + bias


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
        code_size: the number of hidden units, the code's width (overcomplete: more than the
            pixels).
        input_size: pixels per image.
    """

    def __init__(self, k: int = 25, code_size: int = 1000, input_size: int = 784):
        super().__init__()
        check_size("code_size", code_size)
        check_size("input_size", input_size)
        self.k = _check_k(k, code_size)
        self.encoder = nn.Linear(input_size, code_size)
        self.decoder_bias = nn.Parameter(torch.zeros(input_size))

    def encode(self, x: torch.Tensor, k: int | None = None) -> torch.Tensor:
        """x: (batch, input_size) -> code: (batch, code_size) with k kept units per row.

        ``k`` defaults to ``self.k``; the paper encodes with ``alpha * k`` units (alpha >= 1)
        when the codes feed a classifier."""
        return k_sparse(self.encoder(x - self.decoder_bias), self.k if k is None else k)

    def decode(self, code: torch.Tensor) -> torch.Tensor:
        """code: (batch, code_size) -> reconstruction: (batch, input_size), linear."""
        return F.linear(code, self.encoder.weight.t(), self.decoder_bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> reconstruction: (batch, input_size); the same as
        ``decode(encode(x))``, computed on the kept filters only (see :func:`_decode_top_k`)."""
        return _decode_top_k(self.encoder(x - self.decoder_bias), self.k, self.encoder.weight,
                             self.decoder_bias)

    @property
    def filters(self) -> torch.Tensor:
        """(code_size, input_size): the tied weights, one filter per hidden unit."""
        return self.encoder.weight


class _SparseDictionary(nn.Module):
    """What both dictionary models share: encoder, unit-norm decoder columns, decoder bias.

    Both code a hidden-layer activation x (not an image) as x_hat = W_dec z + b_dec, with the
    decoder's columns (one direction per latent) of unit length, so that a latent's size is its
    activation alone."""

    def __init__(self, input_size: int, code_size: int):
        super().__init__()
        check_size("input_size", input_size)
        check_size("code_size", code_size)
        self.encoder = nn.Linear(input_size, code_size)
        # Start the decoder as the encoder's transpose (Gao et al. 2024, section 2.4): each
        # latent first draws the direction it reads, which keeps fewer latents dead.
        self.decoder_direction = nn.Parameter(self.encoder.weight.detach().t().clone())
        self.decoder_bias = nn.Parameter(torch.zeros(input_size))

    @property
    def decoder_weight(self) -> torch.Tensor:
        """(input_size, code_size): the dictionary, each column of length 1.

        Normalising in the forward pass (a parametrisation) keeps every column at unit length
        after every step, without a projection after the optimiser: without it a penalty on
        |z| could be dodged by shrinking z and growing the columns."""
        return F.normalize(self.decoder_direction, dim=0)

    def pre_activation(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> (batch, code_size), before any sparsity."""
        return self.encoder(x - self.decoder_bias)

    def decode(self, code: torch.Tensor) -> torch.Tensor:
        """code: (batch, code_size) -> reconstruction: (batch, input_size), linear."""
        return F.linear(code, self.decoder_weight, self.decoder_bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> reconstruction: (batch, input_size)."""
        return self.decode(self.encode(x))


class TopKSparseAutoencoder(_SparseDictionary):
    """The TopK sparse autoencoder of Gao et al. (2024): z = ReLU(TopK(W_enc (x - b_dec) + b_enc)).

    :func:`k_sparse` keeps the k largest pre-activations, as in chapter 3; the ReLU after it
    zeroes a kept one that is negative, so a code has at most k non-zero latents, and exactly k
    whenever its k largest pre-activations are positive (nearly always once trained).

    Args:
        input_size: the width of the hidden layer the autoencoder reads.
        code_size: the number of latents (the dictionary's size; overcomplete: several
            times ``input_size``).
        k: the latents each code keeps, in [1, code_size].
    """

    def __init__(self, input_size: int = 128, code_size: int = 1024, k: int = 16):
        super().__init__(input_size, code_size)
        self.k = _check_k(k, code_size)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> code: (batch, code_size), at most k non-zero, >= 0."""
        return F.relu(k_sparse(self.pre_activation(x), self.k))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> reconstruction: (batch, input_size); the same as
        ``decode(encode(x))``, computed on the kept columns only (see :func:`_decode_top_k`)."""
        return _decode_top_k(self.pre_activation(x), self.k, self.decoder_weight.t(),
                             self.decoder_bias, keep=F.relu)


class L1SparseAutoencoder(_SparseDictionary):
    """The ReLU sparse autoencoder of Bricken et al. (2023): z = ReLU(W_enc (x - b_dec) + b_enc).

    Nothing in the model is sparse: train it with the squared error plus a penalty
    ``l1_weight * aebook.losses.l1_sparsity(z)``, which the unit-norm decoder columns make
    meaningful (a latent cannot shrink its activation by growing its column).

    Args:
        input_size: the width of the hidden layer the autoencoder reads.
        code_size: the number of latents.
    """

    def __init__(self, input_size: int = 128, code_size: int = 1024):
        super().__init__(input_size, code_size)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> code: (batch, code_size), >= 0."""
        return F.relu(self.pre_activation(x))
