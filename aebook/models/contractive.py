"""The contractive autoencoder (Rifai et al., ICML 2011): one sigmoid layer, tied weights."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import check_size
from .ae import Autoencoder

__all__ = ["ContractiveAutoencoder"]


class ContractiveAutoencoder(Autoencoder):
    """x -> code = sigmoid(W x + b) -> reconstruction = sigmoid(W^T code + c).

    The decoder reuses the encoder's weights (tied, as in Rifai et al. 2011): a decoder of its
    own could undo a contracting encoder by growing its weights, while the tied one cannot grow
    them without making the encoder's Jacobian larger too. Nothing in the model makes it
    contractive: the loss does (``aebook.losses.contractive_loss``); trained with the plain
    or the denoising loss it is a plain or a denoising autoencoder of the same shape.

    Args:
        code_size: the number of sigmoid hidden units, the code's width.
        input_size: pixels per image.
    """

    def __init__(self, code_size: int = 256, input_size: int = 784):
        super().__init__()
        check_size("code_size", code_size)
        check_size("input_size", input_size)
        self.encoder = nn.Linear(input_size, code_size)
        self.decoder_bias = nn.Parameter(torch.zeros(input_size))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) in [0, 1] -> code: (batch, code_size) in (0, 1)."""
        return torch.sigmoid(self.encoder(x))

    def decode(self, code: torch.Tensor) -> torch.Tensor:
        """code: (batch, code_size) -> reconstruction: (batch, input_size) in (0, 1)."""
        return torch.sigmoid(F.linear(code, self.encoder.weight.t(), self.decoder_bias))
