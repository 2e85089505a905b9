"""Convolutional autoencoders (chapter 4): strided convolutions down, transposed convolutions up.

:class:`ConvAutoencoder` takes flat images, (batch, 784), like the MLP models, reshapes inside,
and puts a dense layer on either side of a code of ``code_size`` numbers, so its input size is
fixed. :class:`FullyConvAutoencoder` has no dense layer: its code is a stack of small maps and it
runs on images of any size whose sides are multiples of 4, (batch, 1, height, width).

Every convolutional model of the book (these two, ``ConvVAE`` and ``VQVAE``) goes down by
:func:`downsampling_layers` and up by :func:`upsampling_layers`, with leaky ReLUs of the one
:data:`NEGATIVE_SLOPE`.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from .._checks import check_images, check_size, check_sizes
from .ae import Autoencoder

__all__ = ["ConvAutoencoder", "FullyConvAutoencoder", "upsample", "downsampling_layers",
           "upsampling_layers", "UPSAMPLINGS", "NEGATIVE_SLOPE"]

# A leaky ReLU keeps a small gradient below zero, so no unit can "die" (stop learning for good),
# which plain ReLUs after the decoder's wide dense layer did in short, high learning-rate runs.
NEGATIVE_SLOPE = 0.1
UPSAMPLINGS = ("transposed", "resize")


def _check_channels(channels: Sequence[int]) -> tuple:
    """Two positive ints: the feature maps after the first and the second convolution."""
    channels = check_sizes("channels", channels)
    if len(channels) != 2:
        raise ValueError(f"channels must hold two ints (first and second convolution), "
                         f"got {len(channels)}")
    return channels


def _check_image_size(image_size: int) -> int:
    """A positive multiple of 4: the side of square images that two stride-2 layers halve twice."""
    if check_size("image_size", image_size) % 4:
        raise ValueError(f"image_size must be a multiple of 4 (two stride-2 layers), "
                         f"got {image_size}")
    return image_size


def downsampling_layers(first: int, second: int) -> list:
    """Two stride-2 3 x 3 convolutions, each followed by a leaky ReLU:
    (batch, 1, H, W) -> (batch, first, H/2, W/2) -> (batch, second, H/4, W/4)."""
    return [nn.Conv2d(1, first, 3, stride=2, padding=1), nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.Conv2d(first, second, 3, stride=2, padding=1), nn.LeakyReLU(NEGATIVE_SLOPE)]


def upsampling_layers(second: int, first: int, how: str = "transposed") -> list:
    """The mirror of :func:`downsampling_layers`, without a final activation:
    (batch, second, h, w) -> (batch, first, 2h, 2w) -> (batch, 1, 4h, 4w), see :func:`upsample`."""
    return [upsample(second, first, how), nn.LeakyReLU(NEGATIVE_SLOPE), upsample(first, 1, how)]


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
        first, second = _check_channels(channels)
        side = _check_image_size(image_size) // 4  # 7 for 28 x 28 images
        self.image_size = image_size
        self.encoder = nn.Sequential(
            nn.Unflatten(1, (1, image_size, image_size)),           # (batch, 1, 28, 28)
            *downsampling_layers(first, second),                     # (batch, 32, 7, 7)
            nn.Flatten(),                                            # (batch, 1568)
            nn.Linear(second * side * side, code_size))              # (batch, code_size)
        self.decoder = nn.Sequential(
            nn.Linear(code_size, second * side * side),              # (batch, 1568)
            nn.LeakyReLU(NEGATIVE_SLOPE),
            nn.Unflatten(1, (second, side, side)),                   # (batch, 32, 7, 7)
            *upsampling_layers(second, first),                       # (batch, 1, 28, 28)
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


def upsample(in_channels: int, out_channels: int, how: str = "transposed") -> nn.Module:
    """A layer that doubles the side of its input maps: (batch, in, h, w) -> (batch, out, 2h, 2w).

    ``"transposed"``: a stride-2 transposed convolution with a 4 x 4 kernel (even overlap);
    ``"resize"``: nearest-neighbour upsampling, then a 3 x 3 convolution ("resize-convolution",
    Odena et al., Distill 2016), which cannot overlap unevenly at all.
    """
    check_size("in_channels", in_channels)
    check_size("out_channels", out_channels)
    if how == "transposed":
        return nn.ConvTranspose2d(in_channels, out_channels, 4, stride=2, padding=1)
    if how == "resize":
        return nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"),
                             nn.Conv2d(in_channels, out_channels, 3, padding=1))
    raise ValueError(f"how must be one of {UPSAMPLINGS}, got {how!r}")


class FullyConvAutoencoder(Autoencoder):
    """A convolutional autoencoder without dense layers: every layer is a convolution, so no
    parameter depends on the image size and the same model runs on 28 x 28 and on 56 x 56 images.

    Encoder: two stride-2 3 x 3 convolutions and a 1 x 1 convolution down to ``code_channels``
    maps; the code is (batch, code_channels, height / 4, width / 4), one small vector per cell of
    a grid laid over the image. Decoder: a 1 x 1 convolution back up, then two :func:`upsample`
    layers and a sigmoid. Because every layer is a convolution, shifting the input by a multiple
    of 4 pixels (the total stride) shifts the code by whole cells and the reconstruction with it.

    Args:
        code_channels: maps in the code (2: a code of 2 x 7 x 7 = 98 numbers on 28 x 28 images).
        channels: feature maps after the first and the second convolution, e.g. (16, 32).
        upsampling: ``"transposed"`` or ``"resize"``, see :func:`upsample`.

    Shapes: x (batch, 1, H, W) in [0, 1] with H, W multiples of 4 -> (batch, 16, H/2, W/2)
    -> (batch, 32, H/4, W/4) -> code (batch, code_channels, H/4, W/4) -> ... -> reconstruction
    (batch, 1, H, W) in [0, 1].
    """

    def __init__(self, code_channels: int = 2, channels: Sequence[int] = (16, 32),
                 upsampling: str = "transposed"):
        super().__init__()
        check_size("code_channels", code_channels)
        first, second = _check_channels(channels)
        if upsampling not in UPSAMPLINGS:
            raise ValueError(f"upsampling must be one of {UPSAMPLINGS}, got {upsampling!r}")
        self.encoder = nn.Sequential(                                    # (batch, 1, 28, 28)
            *downsampling_layers(first, second),                         # (batch, 32, 7, 7)
            nn.Conv2d(second, code_channels, 1))                         # (batch, 2, 7, 7)
        self.decoder = nn.Sequential(
            nn.Conv2d(code_channels, second, 1),                         # (batch, 32, 7, 7)
            nn.LeakyReLU(NEGATIVE_SLOPE),
            *upsampling_layers(second, first, upsampling),               # (batch, 1, 28, 28)
            nn.Sigmoid())

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, 1, H, W), H and W multiples of 4 -> code: (batch, code_channels, H/4, W/4)."""
        check_images("x", x, ndim=4)
        if x.shape[1] != 1 or x.shape[2] % 4 or x.shape[3] % 4:
            raise ValueError(f"x must be (batch, 1, H, W) with H and W multiples of 4, "
                             f"got {tuple(x.shape)}")
        return self.encoder(x)
