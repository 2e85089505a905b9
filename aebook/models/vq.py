"""The vector-quantised autoencoder (VQ-VAE, van den Oord et al. 2017): discrete codes.

An encoder maps an image to a small grid of vectors; each vector snaps to its nearest row of a
learned codebook, so the image becomes a grid of tokens (row indices); the decoder draws the
image back from the codebook rows. Gradients pass the rounding step straight through.

:func:`quantize_uniform` is the other quantiser of chapter 12: it rounds each number of a
continuous code to one of 2**bits levels, so a continuous code can be priced in bits too.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import check_size, check_sizes
from .ae import Autoencoder
from .conv import NEGATIVE_SLOPE, downsampling_layers, upsampling_layers

__all__ = ["VectorQuantizer", "VQVAE", "quantize_uniform"]


class VectorQuantizer(nn.Module):
    """Nearest-neighbour quantisation against a codebook of ``codebook_size`` vectors.

    Args:
        codebook_size: K, the number of codebook rows (tokens).
        vector_size: D, the length of each encoder output vector and each codebook row.

    ``forward(z)`` with z (batch, D, h, w), the encoder's output, returns

    - ``quantized``: (batch, D, h, w), numerically the codebook row nearest to each vector of z,
      but with the gradient of the identity with respect to z (the straight-through estimator);
    - ``tokens``: (batch, h, w) int64, the index of that row;
    - ``codebook_loss``: mean ||sg[z] - e||^2, which moves the chosen rows towards z;
    - ``commitment_loss``: mean ||z - sg[e]||^2, which keeps z near its chosen row
      (sg: stop-gradient, ``detach``).
    """

    def __init__(self, codebook_size: int = 256, vector_size: int = 8):
        super().__init__()
        check_size("codebook_size", codebook_size)
        check_size("vector_size", vector_size)
        self.codebook = nn.Embedding(codebook_size, vector_size)  # (K, D)
        # the initialisation of the reference implementation: small, around zero
        self.codebook.weight.data.uniform_(-1 / codebook_size, 1 / codebook_size)

    def forward(self, z: torch.Tensor) -> tuple:
        if not isinstance(z, torch.Tensor) or z.dim() != 4:
            raise ValueError(f"z must be a (batch, vector_size, h, w) tensor, got "
                             f"{type(z).__name__} {tuple(getattr(z, 'shape', ()))}")
        if z.shape[1] != self.codebook.embedding_dim:
            raise ValueError(f"z must have {self.codebook.embedding_dim} channels, got {z.shape[1]}")
        batch, _, height, width = z.shape
        vectors = z.permute(0, 2, 3, 1).reshape(-1, z.shape[1])       # (batch*h*w, D)
        distances = torch.cdist(vectors, self.codebook.weight)         # (batch*h*w, K)
        tokens = distances.argmin(1)                                    # nearest row
        quantized = self.codebook(tokens).view(batch, height, width, -1).permute(0, 3, 1, 2)
        codebook_loss = F.mse_loss(quantized, z.detach())    # e -> sg[z]
        commitment_loss = F.mse_loss(z, quantized.detach())  # z -> sg[e]
        quantized = z + (quantized - z).detach()              # value e, gradient of the identity
        return quantized, tokens.view(batch, height, width), codebook_loss, commitment_loss


class VQVAE(Autoencoder):
    """Encoder 28 x 28 -> a 7 x 7 grid of D-vectors -> tokens -> decoder 7 x 7 -> 28 x 28.

    The encoder is chapter 4's two stride-2 convolutions followed by a 1 x 1 convolution to
    ``vector_size`` channels (no dense layer: each of the 49 cells keeps its own vector); the
    decoder mirrors it with a 3 x 3 convolution and two stride-2 transposed convolutions.

    Args:
        codebook_size: K, tokens per position; an image costs 49 * log2(K) bits.
        vector_size: D, channels of the encoder's output grid.
        channels: feature maps after the first and the second convolution.

    Shapes: x (batch, 784) in [0, 1] -> ``encode`` -> z (batch, D, 7, 7), continuous, before
    quantisation -> tokens (batch, 7, 7) -> ``decode`` of the quantised grid (batch, D, 7, 7)
    -> reconstruction (batch, 784) in [0, 1]. ``forward`` returns
    (reconstruction, tokens, codebook_loss, commitment_loss).
    """

    def __init__(self, codebook_size: int = 256, vector_size: int = 8, channels=(16, 32)):
        super().__init__()
        first, second = check_sizes("channels", channels)
        self.encoder = nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)),                                     # (batch, 1, 28, 28)
            *downsampling_layers(first, second),                              # (batch, 32, 7, 7)
            nn.Conv2d(second, vector_size, 1))                                # (batch, D, 7, 7)
        self.quantizer = VectorQuantizer(codebook_size, vector_size)
        self.decoder = nn.Sequential(
            nn.Conv2d(vector_size, second, 3, padding=1), nn.LeakyReLU(NEGATIVE_SLOPE),
            *upsampling_layers(second, first),                                # (batch, 1, 28, 28)
            nn.Sigmoid(), nn.Flatten())                                       # (batch, 784)

    def decode_tokens(self, tokens: torch.Tensor) -> torch.Tensor:
        """tokens: (batch, 7, 7) int64 in [0, K) -> images: (batch, 784) in [0, 1]."""
        return self.decode(self.quantizer.codebook(tokens).permute(0, 3, 1, 2))

    def forward(self, x: torch.Tensor) -> tuple:
        quantized, tokens, codebook_loss, commitment_loss = self.quantizer(self.encode(x))
        return self.decode(quantized), tokens, codebook_loss, commitment_loss


def quantize_uniform(code: torch.Tensor, low: torch.Tensor, high: torch.Tensor,
                     bits: int) -> torch.Tensor:
    """Round each number of a continuous code to the nearest of 2**bits evenly spaced levels
    from ``low`` to ``high`` (values outside are clipped first): ``bits`` bits per number.

    Args:
        code: (batch, code_size).
        low, high: (code_size,) or scalars, the range of each number (e.g. over training codes).
        bits: bits per number.
    Returns:
        (batch, code_size), each value one of the levels.
    """
    check_size("bits", bits)
    if not isinstance(code, torch.Tensor) or not code.is_floating_point():
        raise TypeError("code must be a floating-point torch.Tensor")
    low, high = torch.as_tensor(low, dtype=code.dtype), torch.as_tensor(high, dtype=code.dtype)
    if not bool((high > low).all()):
        raise ValueError("high must exceed low for every number of the code")
    steps = 2 ** bits - 1  # 2**bits levels, steps intervals between them
    position = (torch.minimum(torch.maximum(code, low), high) - low) / (high - low)
    return low + torch.round(position * steps) / steps * (high - low)
