"""The schedules chapters train with: the KL weight's linear warm-up (:func:`kl_warmup`) and the
k of a k-sparse autoencoder falling from dense to ``k`` (:func:`scheduled_k`)."""
from __future__ import annotations

from .._checks import check_int, check_size, is_int

__all__ = ["kl_warmup", "scheduled_k"]


def kl_warmup(step: int, warmup_steps: int) -> float:
    """The KL weight of a linear warm-up: 0 at step 0, rising to 1 at ``warmup_steps`` and after.

    Bowman et al. (2016) start training as a plain autoencoder and raise the KL weight slowly, so
    the encoder learns a useful code before the KL term can switch it off.

    Args:
        step: the optimiser step, >= 0. warmup_steps: steps to reach weight 1, > 0.
    """
    check_int("step", step, minimum=0)
    warmup_steps = check_size("warmup_steps", warmup_steps)
    return min(1.0, step / warmup_steps)


def scheduled_k(k: int, step: int, total_steps: int, k_start: int = 100) -> int:
    """The k to train with at ``step``: from ``max(k, k_start)`` down to ``k`` linearly over the
    first half of the ``total_steps``, then ``k``. Starting dense gives every unit gradients
    early, which keeps units from dying (Makhzani & Frey 2014, section 3.2)."""
    k, total_steps, k_start = (check_size(name, value) for name, value in
                               (("k", k), ("total_steps", total_steps), ("k_start", k_start)))
    if not is_int(step) or step < 0:
        raise ValueError(f"step must be a non-negative int, got {step!r}")
    start = max(k, k_start)
    fraction = min(step / max(total_steps / 2, 1), 1.0)
    return int(round(start + (k - start) * fraction))
