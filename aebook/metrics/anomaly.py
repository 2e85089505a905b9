"""Scoring anomalies (chapter 14): the ROC curve, its area, precision and recall at a threshold,
a threshold taken from normal validation images, and a compressor's code length.

Conventions, the same in every function: ``scores`` is a 1-D tensor in which a **higher score
means more anomalous**; ``labels`` is a 1-D tensor of the same length, 1 (or True) for an
anomaly, the *positive* class, and 0 (or False) for a normal image; an image is **flagged** when
its score is at or above the threshold (``score >= threshold``).

Self-contained on purpose: it depends on torch, NumPy, zlib and Pillow only.
"""
from __future__ import annotations

import io
import math
import numbers
import zlib

import numpy as np
import torch
from PIL import Image

__all__ = ["roc_curve", "auroc", "precision_recall", "threshold_for_rate", "code_length_nats"]


def _check_scores(name: str, scores) -> torch.Tensor:
    if not isinstance(scores, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(scores).__name__}")
    if scores.ndim != 1 or len(scores) == 0:
        raise ValueError(f"{name} must be a non-empty 1-D tensor, got shape {tuple(scores.shape)}")
    if not (scores.is_floating_point() or scores.dtype in (torch.int32, torch.int64)):
        raise TypeError(f"{name} must hold real numbers, got {scores.dtype}")
    scores = scores.detach().cpu().double()
    if not torch.isfinite(scores).all():
        raise ValueError(f"{name} must be finite (no NaN or infinity)")
    return scores


def _check_pair(scores, labels, both_classes: bool = True) -> tuple:
    scores = _check_scores("scores", scores)
    if not isinstance(labels, torch.Tensor):
        raise TypeError(f"labels must be a torch.Tensor, got {type(labels).__name__}")
    if labels.shape != scores.shape:
        raise ValueError(f"labels must have the shape of scores, {tuple(scores.shape)}, "
                         f"got {tuple(labels.shape)}")
    if labels.is_floating_point() or labels.is_complex():
        raise TypeError(f"labels must be bool or int (1: anomaly, 0: normal), got {labels.dtype}")
    labels = labels.detach().cpu().long()
    if not ((labels == 0) | (labels == 1)).all():
        raise ValueError("labels must be 0 (normal) or 1 (anomaly)")
    if both_classes and (labels.sum() == 0 or labels.sum() == len(labels)):
        raise ValueError("labels must hold both classes: at least one anomaly and one normal image")
    return scores, labels.bool()


def roc_curve(scores: torch.Tensor, labels: torch.Tensor) -> tuple:
    """The receiver operating characteristic: every threshold at once.

    Args:
        scores: (n,) anomaly scores, higher = more anomalous. labels: (n,) 1 anomaly, 0 normal.
    Returns:
        ``(false_positive_rate, true_positive_rate, thresholds)``, float64 tensors of equal
        length: one point per distinct score, from the highest threshold down, after a first
        point ``(0, 0)`` at threshold ``+inf`` (nothing flagged); the last point is ``(1, 1)``.
        At ``thresholds[i]`` the images with ``score >= thresholds[i]`` are flagged.
    Raises:
        TypeError, ValueError: not tensors, shapes differ, labels not 0/1, one class only,
        non-finite scores.
    """
    scores, labels = _check_pair(scores, labels)
    order = torch.argsort(scores, descending=True, stable=True)
    scores, labels = scores[order], labels[order].double()
    last_of_each = torch.ones(len(scores), dtype=torch.bool)  # the last index of each tie group
    last_of_each[:-1] = scores[1:] != scores[:-1]
    true_positives = labels.cumsum(0)[last_of_each]
    false_positives = (1 - labels).cumsum(0)[last_of_each]
    zero = torch.zeros(1, dtype=torch.float64)
    return (torch.cat([zero, false_positives / false_positives[-1]]),
            torch.cat([zero, true_positives / true_positives[-1]]),
            torch.cat([torch.full((1,), math.inf, dtype=torch.float64), scores[last_of_each]]))


def auroc(scores: torch.Tensor, labels: torch.Tensor) -> float:
    """The area under the ROC curve: the probability that a random anomaly scores higher than a
    random normal image, ties counted one half (the Mann-Whitney U statistic, normalised).

    1 separates perfectly, 0.5 is chance, below 0.5 ranks the normal images *above* the
    anomalies. Same arguments and errors as :func:`roc_curve`.
    """
    scores, labels = _check_pair(scores, labels)
    # average ranks (1-based), ties sharing the mean of their ranks
    unique, inverse, counts = torch.unique(scores, return_inverse=True, return_counts=True)
    ends = counts.cumsum(0).double()
    average_rank = ends - (counts.double() - 1) / 2
    ranks = average_rank[inverse]
    positives, negatives = int(labels.sum()), int((~labels).sum())
    u = ranks[labels].sum().item() - positives * (positives + 1) / 2
    return u / (positives * negatives)


def precision_recall(scores: torch.Tensor, labels: torch.Tensor, threshold: float) -> tuple:
    """Precision and recall of flagging ``score >= threshold``.

    Returns:
        ``(precision, recall)`` as floats: precision = anomalies among the flagged (NaN when
        nothing is flagged), recall = the flagged share of the anomalies (the true positive
        rate). Raises as :func:`roc_curve` does (here at least one anomaly is needed), and
        TypeError / ValueError for a threshold that is not a real number or is NaN.
    """
    scores, labels = _check_pair(scores, labels, both_classes=False)
    if not isinstance(threshold, numbers.Real) or isinstance(threshold, bool):
        raise TypeError(f"threshold must be a real number, got {type(threshold).__name__}")
    if math.isnan(threshold):
        raise ValueError("threshold must not be NaN")
    if not labels.any():
        raise ValueError("labels must hold at least one anomaly (1) for recall to be defined")
    flagged = scores >= threshold
    true_positives = (flagged & labels).sum().item()
    precision = true_positives / flagged.sum().item() if flagged.any() else math.nan
    return precision, true_positives / labels.sum().item()


def threshold_for_rate(normal_scores: torch.Tensor, rate: float) -> float:
    """A threshold that flags about ``rate`` of normal images: the ``1 - rate`` quantile of
    ``normal_scores``, the scores of normal *validation* images (never the test set's).

    Args:
        normal_scores: (n,) scores of normal images. rate: the false positive rate wanted, in (0, 1).
    """
    scores = _check_scores("normal_scores", normal_scores)
    if not isinstance(rate, numbers.Real) or isinstance(rate, bool):
        raise TypeError(f"rate must be a number in (0, 1), got {type(rate).__name__}")
    if not 0.0 < rate < 1.0:
        raise ValueError(f"rate must be in (0, 1), got {rate}")
    return torch.quantile(scores, 1.0 - float(rate)).item()


def code_length_nats(images: torch.Tensor, compressor: str = "png",
                     image_shape: tuple = (28, 28)) -> torch.Tensor:
    """The length of each image's file after lossless compression, in nats (bytes x 8 ln 2):
    a stand-in for the image's complexity (Serra et al. 2020).

    Args:
        images: (n, pixels) floats in [0, 1]; each is rounded to 8-bit grey levels first.
        compressor: ``"png"`` (Pillow, the highest compression level) or ``"zlib"`` (level 9,
            the raw pixel bytes; PNG's compression without its filters and headers).
        image_shape: (height, width) of one image, for PNG.
    Returns:
        (n,) float64 tensor of code lengths in nats.
    """
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"images must be a torch.Tensor, got {type(images).__name__}")
    if images.ndim != 2 or len(images) == 0 or not images.is_floating_point():
        raise ValueError(f"images must be a non-empty (n, pixels) float tensor, got "
                         f"{tuple(images.shape)} {images.dtype}")
    if compressor not in ("png", "zlib"):
        raise ValueError(f"compressor must be 'png' or 'zlib', got {compressor!r}")
    if compressor == "png" and images.shape[1] != int(np.prod(image_shape)):
        raise ValueError(f"images have {images.shape[1]} pixels, image_shape {image_shape} "
                         f"holds {int(np.prod(image_shape))}")
    pixels = (images.detach().cpu().clamp(0, 1) * 255).round().to(torch.uint8).numpy()
    lengths = []
    for row in pixels:
        if compressor == "zlib":
            lengths.append(len(zlib.compress(row.tobytes(), 9)))
        else:
            buffer = io.BytesIO()
            Image.fromarray(row.reshape(image_shape)).save(buffer, format="PNG", compress_level=9)
            lengths.append(len(buffer.getvalue()))
    return torch.tensor(lengths, dtype=torch.float64) * 8 * math.log(2)
