"""Discrete codes (chapter 12): how a codebook is used, a remedy for dead codes, and the
uniform quantiser that turns a continuous code into bits for a fair comparison.

- :func:`code_usage`: how often each token occurs; :func:`perplexity`, the effective number of
  tokens in use, exp(entropy of that frequency); :func:`dead_codes`, how many are never used.
- :func:`restart_dead_codes`: unused codebook rows jump to randomly chosen encoder outputs.
- :func:`quantize_uniform`: each number of a code rounded to one of 2**bits levels.
"""
from __future__ import annotations

import torch

from ._checks import check_size

__all__ = ["code_usage", "perplexity", "dead_codes", "restart_dead_codes", "quantize_uniform"]


def _check_tokens(tokens, codebook_size: int) -> torch.Tensor:
    check_size("codebook_size", codebook_size)
    if not isinstance(tokens, torch.Tensor):
        raise TypeError(f"tokens must be a torch.Tensor, got {type(tokens).__name__}")
    if tokens.dtype != torch.int64:
        raise TypeError(f"tokens must be an int64 tensor, got dtype {tokens.dtype}")
    if tokens.numel() == 0:
        raise ValueError("tokens is empty")
    if tokens.min() < 0 or tokens.max() >= codebook_size:
        raise ValueError(f"tokens must lie in [0, {codebook_size}), got "
                         f"[{tokens.min().item()}, {tokens.max().item()}]")
    return tokens.flatten()


def code_usage(tokens: torch.Tensor, codebook_size: int) -> torch.Tensor:
    """The frequency of each token: tokens (any shape) int64 in [0, K) -> (K,) summing to 1."""
    counts = torch.bincount(_check_tokens(tokens, codebook_size), minlength=codebook_size)
    return counts.double() / counts.sum()


def perplexity(tokens: torch.Tensor, codebook_size: int) -> float:
    """exp(H), H the entropy in nats of the tokens' frequencies: K when every token is equally
    used, 1 when one token is always chosen; the number of equally used tokens with the same
    entropy."""
    frequency = code_usage(tokens, codebook_size)
    used = frequency[frequency > 0]
    return float(torch.exp(-(used * used.log()).sum()))


def dead_codes(tokens: torch.Tensor, codebook_size: int) -> int:
    """How many of the K codebook rows no token uses."""
    return int((code_usage(tokens, codebook_size) == 0).sum())


def restart_dead_codes(codebook: torch.Tensor, vectors: torch.Tensor,
                       counts: torch.Tensor) -> torch.Tensor:
    """A new codebook in which each row with ``counts == 0`` is replaced by an encoder output
    drawn at random (torch's global generator) from ``vectors``; used rows stay.

    A dead row is nearest to no encoder output, so neither the codebook loss nor the
    commitment loss ever moves it; placing it on an actual encoder output makes it the
    nearest row of at least that vector, and it starts to learn.

    Args:
        codebook: (K, D) the codebook rows.
        vectors: (n, D) encoder outputs, e.g. of the current batch.
        counts: (K,) how often each row was chosen recently.
    Returns:
        (K, D) the new codebook (a new tensor; no gradient).
    """
    for name, value in (("codebook", codebook), ("vectors", vectors), ("counts", counts)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if codebook.dim() != 2 or vectors.dim() != 2 or vectors.shape[1] != codebook.shape[1]:
        raise ValueError(f"codebook must be (K, D) and vectors (n, D), got "
                         f"{tuple(codebook.shape)} and {tuple(vectors.shape)}")
    if counts.shape != (len(codebook),):
        raise ValueError(f"counts must be ({len(codebook)},), got {tuple(counts.shape)}")
    if len(vectors) == 0:
        raise ValueError("vectors is empty")
    dead = counts == 0
    new = codebook.detach().clone()
    picks = torch.randint(len(vectors), (int(dead.sum()),), device=vectors.device)
    new[dead] = vectors.detach()[picks].to(new.dtype)
    return new


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
