"""Sparse autoencoders for interpretability (chapter 13): a dictionary of directions in a
network's hidden layer, read with few latents at a time.

Both models code a hidden-layer activation x (not an image) as x_hat = W_dec z + b_dec, with
the decoder's columns (one direction per latent) of unit length, so that a latent's size is
its activation alone. They differ in how the code z is made sparse: the TopK model keeps the k
largest latents (Gao et al. 2024, the k-sparse selection of Makhzani & Frey 2014); the L1 model
is a ReLU layer that a penalty on |z| makes sparse (Bricken et al. 2023).
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import check_size
from .sparse import _check_k, k_sparse

__all__ = ["TopKSparseAutoencoder", "L1SparseAutoencoder"]


class _SparseDictionary(nn.Module):
    """What both sparse autoencoders share: encoder, unit-norm decoder columns, decoder bias."""

    def __init__(self, input_size: int, latent_size: int):
        super().__init__()
        check_size("input_size", input_size)
        check_size("latent_size", latent_size)
        self.encoder = nn.Linear(input_size, latent_size)
        # Start the decoder as the encoder's transpose (Gao et al. 2024, section 2.4): each
        # latent first draws the direction it reads, which keeps fewer latents dead.
        self.decoder_direction = nn.Parameter(self.encoder.weight.detach().t().clone())
        self.decoder_bias = nn.Parameter(torch.zeros(input_size))

    @property
    def decoder_weight(self) -> torch.Tensor:
        """(input_size, latent_size): the dictionary, each column of length 1.

        Normalising in the forward pass (a parametrisation) keeps every column at unit length
        after every step, without a projection after the optimiser: without it a penalty on
        |z| could be dodged by shrinking z and growing the columns."""
        return F.normalize(self.decoder_direction, dim=0)

    def pre_activation(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> (batch, latent_size), before any sparsity."""
        return self.encoder(x - self.decoder_bias)

    def decode(self, code: torch.Tensor) -> torch.Tensor:
        """code: (batch, latent_size) -> reconstruction: (batch, input_size), linear."""
        return F.linear(code, self.decoder_weight, self.decoder_bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> reconstruction: (batch, input_size)."""
        return self.decode(self.encode(x))


class TopKSparseAutoencoder(_SparseDictionary):
    """The TopK sparse autoencoder of Gao et al. (2024): z = ReLU(TopK(W_enc (x - b_dec) + b_enc)).

    ``aebook.models.k_sparse`` keeps the k largest pre-activations, as in chapter 3; the ReLU
    after it zeroes a kept one that is negative, so a code has at most k non-zero latents, and
    exactly k whenever its k largest pre-activations are positive (nearly always once trained).

    Args:
        input_size: the width of the hidden layer the autoencoder reads.
        latent_size: the number of latents (the dictionary's size; overcomplete: several
            times ``input_size``).
        k: the latents each code keeps, in [1, latent_size].
    """

    def __init__(self, input_size: int = 128, latent_size: int = 1024, k: int = 16):
        super().__init__(input_size, latent_size)
        self.k = _check_k(k, latent_size)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> code: (batch, latent_size), at most k non-zero, >= 0."""
        return F.relu(k_sparse(self.pre_activation(x), self.k))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> reconstruction: (batch, input_size).

        The same as ``decode(encode(x))``, but the decoder sums only the k kept columns of
        each row (``embedding_bag``, weighted by the kept values) instead of multiplying a
        mostly-zero code by all of them: faster to train on a CPU when k is small."""
        pre_activation = self.pre_activation(x)                               # (batch, latents)
        values, indices = pre_activation.topk(_check_k(self.k, pre_activation.shape[1]), dim=1)
        return F.embedding_bag(indices, self.decoder_weight.t(), per_sample_weights=F.relu(values),
                               mode="sum") + self.decoder_bias


class L1SparseAutoencoder(_SparseDictionary):
    """The ReLU sparse autoencoder of Bricken et al. (2023): z = ReLU(W_enc (x - b_dec) + b_enc).

    Nothing in the model is sparse: train it with the squared error plus a penalty
    ``l1_weight * aebook.losses.l1_sparsity(z)``, which the unit-norm decoder columns make
    meaningful (a latent cannot shrink its activation by growing its column).

    Args:
        input_size: the width of the hidden layer the autoencoder reads.
        latent_size: the number of latents.
    """

    def __init__(self, input_size: int = 128, latent_size: int = 1024):
        super().__init__(input_size, latent_size)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> code: (batch, latent_size), >= 0."""
        return F.relu(self.pre_activation(x))
