"""Sparse autoencoders (chapter 3): the k-sparse autoencoder, the sparsity-penalty autoencoder,
and the measurements the chapter makes on their filters."""
from __future__ import annotations

import numbers

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import check_images, check_size

__all__ = ["k_sparse", "KSparseAutoencoder", "SparseAutoencoder", "scheduled_k", "filter_spread",
           "template_similarity"]


def _check_k(k, units: int) -> int:
    """k: an int in [1, units]."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
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


class SparseAutoencoder(nn.Module):
    """An overcomplete autoencoder with sigmoid hidden units in (0, 1), for sparsity penalties.

    Nothing in the model makes it sparse: the loss does, with ``aebook.losses.l1_sparsity`` or
    ``aebook.losses.kl_sparsity`` on ``encode(x)`` (Ng's CS294A notes, 2011).

    Args:
        hidden_size: the number of hidden units.
        input_size: pixels per image.
    """

    def __init__(self, hidden_size: int = 400, input_size: int = 784):
        super().__init__()
        check_size("hidden_size", hidden_size)
        check_size("input_size", input_size)
        self.encoder = nn.Linear(input_size, hidden_size)
        self.decoder = nn.Linear(hidden_size, input_size)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x: (batch, input_size) in [0, 1] -> code: (batch, hidden_size) in (0, 1)."""
        return torch.sigmoid(self.encoder(x))

    def decode(self, code: torch.Tensor) -> torch.Tensor:
        """code: (batch, hidden_size) -> reconstruction: (batch, input_size) in (0, 1)."""
        return torch.sigmoid(self.decoder(code))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


def scheduled_k(k: int, step: int, total_steps: int, k_start: int = 100) -> int:
    """The k to train with at ``step``: from ``max(k, k_start)`` down to ``k`` linearly over the
    first half of the ``total_steps``, then ``k``. Starting dense gives every unit gradients
    early, which keeps units from dying (Makhzani & Frey 2014, section 3.2)."""
    k, total_steps, k_start = (check_size(name, value) for name, value in
                               (("k", k), ("total_steps", total_steps), ("k_start", k_start)))
    if isinstance(step, bool) or not isinstance(step, numbers.Integral) or step < 0:
        raise ValueError(f"step must be a non-negative int, got {step!r}")
    start = max(k, k_start)
    fraction = min(step / max(total_steps / 2, 1), 1.0)
    return int(round(start + (k - start) * fraction))


def filter_spread(filters: torch.Tensor, image_shape: tuple = (28, 28)) -> torch.Tensor:
    """How far each filter's mass spreads over the image, in pixels: a locality measure.

    The mass of pixel p in filter w is w_p^2 / sum(w^2); the spread is the root mean squared
    distance of that mass from its centre, sqrt(sum_p m_p * |p - centre|^2). A dot of one pixel
    has spread 0; a stroke a few pixels long about 1-3; a digit-sized blob 5-7; weights spread
    evenly over a 28 x 28 image about 11.4.

    Args:
        filters: (units, pixels) with pixels = height * width.
    Returns:
        (units,) spreads in pixels.
    """
    check_images("filters", filters)
    height, width = (check_size(f"image_shape[{i}]", size) for i, size in enumerate(image_shape))
    if filters.shape[1] != height * width:
        raise ValueError(f"filters of {filters.shape[1]} pixels do not fit image_shape {image_shape}")
    mass = filters.detach().double() ** 2
    mass = mass / mass.sum(1, keepdim=True).clamp_min(1e-30)  # (units, pixels), rows sum to 1
    rows, columns = torch.meshgrid(torch.arange(height, dtype=torch.float64),
                                   torch.arange(width, dtype=torch.float64), indexing="ij")
    rows, columns = rows.flatten().to(mass.device), columns.flatten().to(mass.device)
    centre_row = mass @ rows                                        # (units,)
    centre_column = mass @ columns
    squared_distance = ((rows - centre_row[:, None]) ** 2
                        + (columns - centre_column[:, None]) ** 2)  # (units, pixels)
    return (mass * squared_distance).sum(1).sqrt().float()


def template_similarity(filters: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
    """How much each filter looks like a whole image: its largest |cosine| with any of ``images``.

    1 for a filter that is (a multiple of) one of the images; small for a filter that matches
    only a part of each image, such as a stroke. Pass centred images (minus the mean image)
    for filters that code deviations from the mean, as the k-sparse autoencoder's do.

    Args:
        filters: (units, pixels).
        images: (n, pixels), e.g. a few thousand training images.
    Returns:
        (units,) similarities in [0, 1].
    """
    check_images("filters", filters)
    check_images("images", images)
    if filters.shape[1] != images.shape[1]:
        raise ValueError(f"filters and images must have the same number of pixels, got "
                         f"{filters.shape[1]} and {images.shape[1]}")
    filters = F.normalize(filters.detach().float(), dim=1)
    images = F.normalize(images.detach().float(), dim=1)
    return (filters @ images.T).abs().max(1).values
