"""The adversarial autoencoder's losses (Makhzani et al. 2016): :func:`discriminator_loss` (prior
samples against codes) and :func:`fooling_loss` (the encoder's: codes taken for prior samples)."""
from __future__ import annotations

import torch
from torch.nn import functional as F

from .._checks import check_tensor

__all__ = ["discriminator_loss", "fooling_loss"]


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """The adversarial autoencoder's discriminator loss (Makhzani et al. 2016): binary cross
    entropy with prior samples labelled 1 and the encoder's codes labelled 0.

    Args:
        real_logits: (batch,) the discriminator's logits for prior samples.
        fake_logits: (batch,) its logits for the encoder's codes.
    Returns:
        a scalar: the two batch means, summed.
    """
    real_logits, fake_logits = check_tensor("real_logits", real_logits, 1), check_tensor(
        "fake_logits", fake_logits, 1)
    return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def fooling_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """The adversarial autoencoder's encoder loss: binary cross entropy that asks the
    discriminator to call the codes prior samples (label 1). fake_logits: (batch,) -> scalar."""
    fake_logits = check_tensor("fake_logits", fake_logits, 1)
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
