"""Plain autoencoders on flattened images: the base every autoencoder here shares, linear
(chapter 1's link to PCA), MLP, and the one-hidden-layer autoencoder of the denoising and
sparse chapters."""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from .._checks import check_size, check_sizes

__all__ = ["Autoencoder", "LinearAutoencoder", "MLPAutoencoder", "ShallowAutoencoder"]


class Autoencoder(nn.Module):
    """What every autoencoder here shares: ``self.encoder`` maps an input to its code and
    ``self.decoder`` maps a code to its reconstruction; subclasses build the two."""

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) -> code: (batch, code_size)."""
        return self.encoder(x)

    def decode(self, code: torch.Tensor) -> torch.Tensor:
        """code: (batch, code_size) -> reconstruction: (batch, input_size)."""
        return self.decoder(code)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


class LinearAutoencoder(Autoencoder):
    """x -> encoder (affine) -> code -> decoder (affine) -> reconstruction; no activation.

    With a squared-error loss its optimum spans PCA's principal subspace (Baldi & Hornik, 1989).

    Args:
        code_size: width of the bottleneck.
        input_size: pixels per image (784 for 28 x 28).
    """

    def __init__(self, code_size: int = 16, input_size: int = 784):
        super().__init__()
        check_size("code_size", code_size)
        check_size("input_size", input_size)
        self.encoder = nn.Linear(input_size, code_size)
        self.decoder = nn.Linear(code_size, input_size)


def _mlp(sizes: Sequence[int]) -> list:
    """Linear layers with a ReLU after each but the last."""
    layers = []
    for index, (size_in, size_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(size_in, size_out))
        if index < len(sizes) - 2:
            layers.append(nn.ReLU())
    return layers


class MLPAutoencoder(Autoencoder):
    """A non-linear autoencoder: ReLU hidden layers, a linear code, a sigmoid output in [0, 1].

    Args:
        code_size: width of the bottleneck.
        hidden_sizes: widths of the encoder's hidden layers; the decoder mirrors them.
        input_size: pixels per image.
    """

    def __init__(self, code_size: int = 16, hidden_sizes: Sequence[int] = (256,),
                 input_size: int = 784):
        super().__init__()
        check_size("code_size", code_size)
        check_size("input_size", input_size)
        hidden_sizes = check_sizes("hidden_sizes", hidden_sizes)
        self.encoder = nn.Sequential(*_mlp([input_size, *hidden_sizes, code_size]))
        self.decoder = nn.Sequential(*_mlp([code_size, *reversed(hidden_sizes), input_size]),
                                     nn.Sigmoid())


class ShallowAutoencoder(Autoencoder):
    """One hidden layer of sigmoid units, and that layer is the code (Vincent et al., 2008).

    x -> code = sigmoid(W x + b), (batch, code_size) in (0, 1)
      -> reconstruction = sigmoid(W' code + b'), (batch, input_size) in (0, 1).

    With ``code_size`` above ``input_size`` the code is overcomplete: nothing in the
    architecture forces compression or sparsity. The loss does: chapter 2 trains it on
    corrupted inputs (``aebook.losses.denoising_loss``), chapter 3 adds a sparsity penalty
    on ``encode(x)`` (``aebook.losses.l1_sparsity`` or ``kl_sparsity``, Ng's CS294A notes,
    2011), which makes it a sparse autoencoder. Row j of ``filters`` is what hidden unit j
    responds to.

    Args:
        code_size: hidden units, i.e. numbers in the code (1,000 for 784 pixels: overcomplete).
        input_size: numbers per input (784 for 28 x 28 images; 2 for points in the plane).
    """

    def __init__(self, code_size: int = 1000, input_size: int = 784):
        super().__init__()
        check_size("code_size", code_size)
        check_size("input_size", input_size)
        self.encoder = nn.Sequential(nn.Linear(input_size, code_size), nn.Sigmoid())
        self.decoder = nn.Sequential(nn.Linear(code_size, input_size), nn.Sigmoid())

    @property
    def filters(self) -> torch.Tensor:
        """(code_size, input_size): the first layer's weights, one filter per hidden unit."""
        return self.encoder[0].weight
