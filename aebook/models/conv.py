"""A convolutional autoencoder (chapter 4): strided convolutions down, transposed convolutions up.

It takes flat images, (batch, 784), like the MLP models, and reshapes inside, so
:func:`aebook.train.train` and :func:`aebook.train.evaluate` work on it unchanged.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from .._checks import check_images, check_size, check_sizes
from .ae import Autoencoder

__all__ = ["ConvAutoencoder", "NEGATIVE_SLOPE"]

# A leaky ReLU keeps a small gradient below zero, so no unit can "die" (stop learning for good),
# which plain ReLUs after the decoder's wide dense layer did in short, high learning-rate runs.
NEGATIVE_SLOPE = 0.1


class ConvAutoencoder(Autoencoder):
    """Two stride-2 convolutions (28 -> 14 -> 7), a dense layer to the code, and the mirror image
    up: a dense layer back to the 7 x 7 grid and two stride-2 transposed convolutions (7 -> 14 -> 28)
    with a sigmoid output in [0, 1].

    The transposed convolutions use a 4 x 4 kernel with stride 2: a kernel size divisible by the
    stride makes every output pixel receive the same number of kernel taps, the cheap guard against
    checkerboard artefacts (Odena et al., Distill 2016). Inputs and reconstructions are flat,
    (batch, image_size**2) in [0, 1], as for the MLP models.

    Args:
        code_size: width of the bottleneck.
        channels: feature maps after the first and the second convolution, e.g. (16, 32).
        image_size: side of the square input images, a multiple of 4 (28 for MNIST).

    Shapes (defaults): x (batch, 784) -> (batch, 1, 28, 28) -> (batch, 16, 14, 14)
    -> (batch, 32, 7, 7) -> code (batch, 16) -> ... -> reconstruction (batch, 784).
    """

    def __init__(self, code_size: int = 16, channels: Sequence[int] = (16, 32),
                 image_size: int = 28):
        super().__init__()
        check_size("code_size", code_size)
        channels = check_sizes("channels", channels)
        if len(channels) != 2:
            raise ValueError(f"channels must hold two ints (first and second convolution), "
                             f"got {len(channels)}")
        check_size("image_size", image_size)
        if image_size % 4:
            raise ValueError(f"image_size must be a multiple of 4 (two stride-2 layers), "
                             f"got {image_size}")
        first, second = channels
        side = image_size // 4  # 7 for 28 x 28 images
        self.image_size = image_size
        self.encoder = nn.Sequential(
            nn.Unflatten(1, (1, image_size, image_size)),           # (batch, 1, 28, 28)
            nn.Conv2d(1, first, 3, stride=2, padding=1),             # (batch, 16, 14, 14)
            nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.Conv2d(first, second, 3, stride=2, padding=1),        # (batch, 32, 7, 7)
            nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.Flatten(),                                            # (batch, 1568)
            nn.Linear(second * side * side, code_size))              # (batch, code_size)
        self.decoder = nn.Sequential(
            nn.Linear(code_size, second * side * side),              # (batch, 1568)
            nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.Unflatten(1, (second, side, side)),                   # (batch, 32, 7, 7)
            nn.ConvTranspose2d(second, first, 4, stride=2, padding=1),  # (batch, 16, 14, 14)
            nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.ConvTranspose2d(first, 1, 4, stride=2, padding=1),    # (batch, 1, 28, 28)
            nn.Sigmoid(),
            nn.Flatten())                                            # (batch, 784)

    def feature_maps(self, x: torch.Tensor) -> tuple:
        """The encoder's activations after each convolution.

        Args:
            x: (batch, image_size**2).
        Returns:
            (batch, first, image_size / 2, image_size / 2) and (batch, second, image_size / 4,
            image_size / 4), e.g. (batch, 16, 14, 14) and (batch, 32, 7, 7).
        """
        check_images("x", x)
        if x.shape[1] != self.image_size ** 2:
            raise ValueError(f"x must have {self.image_size ** 2} pixels per row, got {x.shape[1]}")
        first = self.encoder[:3](x)
        return first, self.encoder[3:5](first)
