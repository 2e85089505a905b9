"""How a VQ-VAE uses its codebook (chapter 12): how often each token occurs, the effective
number of tokens in use, and how many are never used.

- :func:`code_usage`: the frequency of each of the K tokens;
- :func:`perplexity`: exp(entropy of that frequency), the number of equally used tokens with
  the same entropy;
- :func:`dead_codes`: how many of the K rows no token uses (their remedy, a training step, is
  ``aebook.train.restart_dead_codes``).
"""
from __future__ import annotations

import torch

from .._checks import check_size

__all__ = ["code_usage", "perplexity", "dead_codes"]


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
