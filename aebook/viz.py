"""Plotting helpers on matplotlib: image grids and strips, 2-D code scatters, image arrays."""
from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from ._checks import check_int, check_positive, check_size, is_int

__all__ = ["use_book_style", "to_uint8", "image_strip", "show_images", "plot_codes",
           "kl_bars_image"]


def use_book_style() -> None:
    """One plotting style for the whole book: readable sizes, no top/right spines."""
    plt.rcParams.update({
        "figure.dpi": 100, "savefig.dpi": 100, "font.size": 10, "axes.titlesize": 11,
        "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
        "grid.alpha": 0.3, "image.cmap": "gray", "figure.autolayout": True,
    })


def to_uint8(images, image_shape: tuple = (28, 28)) -> np.ndarray:
    """The book's one image converter, for figures and widgets alike.

    Args:
        images: a batch, (n, pixels), (n, h, w) or (n, 1, h, w), as a tensor or an array:
            floats in [0, 1] (clipped) or uint8 (kept as they are); (pixels,) is one image.
    Returns:
        (n, h, w) uint8.
    """
    if isinstance(images, torch.Tensor):
        images = images.detach().cpu()
        images = images.numpy() if images.dtype == torch.uint8 else images.float().numpy()
    array = np.asarray(images)
    scale = array.dtype != np.uint8
    array = array.astype(np.float32)
    if array.ndim == 1:
        array = array[None]
    if array.ndim == 2:
        if array.shape[1] != int(np.prod(image_shape)):
            raise ValueError(f"images of {array.shape[1]} pixels do not fit image_shape {image_shape}")
        array = array.reshape(len(array), *image_shape)
    elif array.ndim == 4 and array.shape[1] == 1:  # (n, 1, h, w) from a convolutional model
        array = array[:, 0]
    if array.ndim != 3:
        raise ValueError(f"images must be (n, pixels), (n, h, w) or (n, 1, h, w), got {array.shape}")
    if not scale:
        return array.astype(np.uint8)
    return (np.clip(array, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)


def image_strip(images: torch.Tensor, *, vertical: bool = False, gap: int = 2,
                image_shape: tuple = (28, 28)) -> torch.Tensor:
    """Images side by side (or stacked) with white gaps, as one picture for a widget panel.

    Args:
        images: (n, pixels) or (n, h, w), values in [0, 1].
    Returns:
        (h, n * (w + gap) - gap), or (n * (h + gap) - gap, w) when ``vertical``.
    """
    if not isinstance(images, torch.Tensor) or images.dim() not in (2, 3) or len(images) == 0:
        raise ValueError("images must be a non-empty (n, pixels) or (n, h, w) tensor")
    check_int("gap", gap, minimum=0)
    height, width = image_shape if images.dim() == 2 else images.shape[1:]
    axis = 0 if vertical else 1
    spacer = torch.ones((gap, width) if vertical else (height, gap), dtype=images.dtype)
    pieces = [piece for image in images for piece in (image.reshape(height, width), spacer)]
    return torch.cat(pieces[:-1], axis)


def show_images(rows: Sequence | torch.Tensor, *, row_labels: Sequence[str] | None = None,
                titles: Sequence[str] | None = None, title: str | None = None,
                image_shape: tuple = (28, 28), size: float = 1.0):
    """A grid of grey images: one row per entry of ``rows``.

    Args:
        rows: a list of image batches, each (n, pixels) in [0, 1], or a single batch.
        row_labels: one label per row, written at the left.
        titles: one title per column, over the first row.
        title: the figure's title.
    Returns:
        The matplotlib Figure.
    """
    if isinstance(rows, (torch.Tensor, np.ndarray)):
        rows = [rows]
    rows = [to_uint8(row, image_shape) for row in rows]
    nrows, ncols = len(rows), max(len(row) for row in rows)
    if row_labels is not None and len(row_labels) != nrows:
        raise ValueError(f"row_labels must have one label per row ({nrows}), got {len(row_labels)}")
    figure, axes = plt.subplots(nrows, ncols, figsize=(size * ncols + 0.6 * (row_labels is not None),
                                                        size * nrows + 0.4 * (title is not None)),
                                squeeze=False)
    for r, row in enumerate(rows):
        for c in range(ncols):
            axis = axes[r, c]
            axis.set_xticks([]), axis.set_yticks([]), axis.grid(False)
            for spine in axis.spines.values():
                spine.set_visible(False)
            if c < len(row):
                axis.imshow(row[c], cmap="gray", vmin=0, vmax=255)
            if titles is not None and r == 0 and c < len(titles):
                axis.set_title(titles[c], fontsize=8)
        if row_labels is not None:
            axes[r, 0].set_ylabel(row_labels[r], rotation=0, ha="right", va="center", fontsize=9)
    if title:
        figure.suptitle(title)
    return figure


def plot_codes(codes, labels, *, class_names: Sequence[str] | None = None,
               title: str = "2-D codes of the test images", axis=None, size: float = 4.5):
    """Scatter 2-D codes coloured by class.

    Args:
        codes: (n, 2). labels: (n,) ints in [0, 10).
    Returns:
        The matplotlib Axes.
    """
    codes = np.asarray(codes.detach().cpu() if isinstance(codes, torch.Tensor) else codes)
    labels = np.asarray(labels.cpu() if isinstance(labels, torch.Tensor) else labels)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"codes must be (n, 2), got {codes.shape}")
    if len(labels) != len(codes):
        raise ValueError(f"labels must have one entry per code ({len(codes)}), got {len(labels)}")
    if axis is None:
        _, axis = plt.subplots(figsize=(size, size))
    cmap = plt.get_cmap("tab10")
    for label in np.unique(labels):
        members = labels == label
        name = class_names[label] if class_names is not None else str(label)
        axis.scatter(*codes[members].T, s=3, color=cmap(int(label) % 10), label=name, alpha=0.6)
    axis.set(title=title, xlabel="code[0]", ylabel="code[1]")
    axis.legend(markerscale=4, fontsize=7, loc="best", ncol=2)
    return axis


ACTIVE_RGB = (31, 119, 180)    # matplotlib's C0: an active unit's bar
INACTIVE_RGB = (190, 190, 190)  # grey: an inactive unit's bar


def kl_bars_image(kl, active=None, *, top: float | None = None, height: int = 48,
                  bar_width: int = 6, gap: int = 2) -> np.ndarray:
    """One bar per latent dimension, its height the dimension's KL: an RGB image for a widget.

    Args:
        kl: (code_size,) non-negative nats, e.g. from :func:`aebook.losses.kl_per_dimension`.
        active: (code_size,) bools; active units are drawn blue, the others grey
            (default: all blue).
        top: the KL drawn as a full-height bar (default: the largest value); larger values
            are clipped, so several images share one scale.
        height, bar_width, gap: sizes in pixels.
    Returns:
        (height, code_size * (bar_width + gap) + gap, 3) uint8, white background.
    """
    if isinstance(kl, torch.Tensor):
        kl = kl.detach().cpu().numpy()
    kl = np.asarray(kl, dtype=np.float64)
    if kl.ndim != 1 or kl.size == 0 or not np.all(np.isfinite(kl)) or np.any(kl < 0):
        raise ValueError("kl must be a non-empty 1-D array of finite, non-negative values")
    active = np.ones(kl.size, bool) if active is None else np.asarray(
        active.cpu() if isinstance(active, torch.Tensor) else active, dtype=bool)
    if active.shape != kl.shape:
        raise ValueError(f"active must have one entry per dimension ({kl.size}), got {active.shape}")
    top = float(kl.max()) if top is None else check_positive("top", top)
    height, bar_width = check_size("height", height), check_size("bar_width", bar_width)
    if not is_int(gap) or gap < 0:
        raise ValueError(f"gap must be a non-negative int, got {gap!r}")
    image = np.full((height, kl.size * (bar_width + gap) + gap, 3), 255, np.uint8)
    image[-1] = 0  # a baseline: a dimension at 0 nats still shows where its bar would stand
    fractions = np.clip(kl / top, 0, 1) if top > 0 else np.zeros_like(kl)
    for index, (fraction, is_active) in enumerate(zip(fractions, active)):
        rows = int(round(fraction * (height - 1)))
        left = gap + index * (bar_width + gap)
        if rows:
            image[height - 1 - rows:height - 1, left:left + bar_width] = (
                ACTIVE_RGB if is_active else INACTIVE_RGB)
    return image
