"""The adversarial autoencoder (chapter 10, Makhzani et al. 2016): a plain autoencoder whose
codes a discriminator compares with samples of a chosen prior; the encoder learns to fool it,
which matches the aggregate posterior (the distribution of all codes) to the prior without a
KL term, so the prior can be any distribution one can sample, such as a ring of Gaussians."""
from __future__ import annotations

import torch
from torch import nn

from .._checks import check_size
from .ae import Autoencoder

__all__ = ["AdversarialAutoencoder"]


class AdversarialAutoencoder(Autoencoder):
    """x -> encoder -> code -> decoder -> reconstruction in [0, 1]; and a discriminator that
    gives each code one logit: high for "drawn from the prior", low for "an encoder's code".

    Args:
        code_size: width of the code (2 to draw it in the plane).
        hidden_size: width of the one hidden layer of the encoder, the decoder and the
            discriminator.
        input_size: pixels per image.
    """

    def __init__(self, code_size: int = 2, hidden_size: int = 256, input_size: int = 784):
        super().__init__()
        for name, value in (("code_size", code_size), ("hidden_size", hidden_size),
                            ("input_size", input_size)):
            check_size(name, value)
        self.encoder = nn.Sequential(nn.Linear(input_size, hidden_size), nn.ReLU(),
                                     nn.Linear(hidden_size, code_size))
        self.decoder = nn.Sequential(nn.Linear(code_size, hidden_size), nn.ReLU(),
                                     nn.Linear(hidden_size, input_size), nn.Sigmoid())
        self.discriminator = nn.Sequential(nn.Linear(code_size, hidden_size), nn.ReLU(),
                                           nn.Linear(hidden_size, 1))  # one logit per code

    def discriminate(self, code: torch.Tensor) -> torch.Tensor:
        """code: (batch, code_size) -> (batch,) logits of "drawn from the prior"."""
        return self.discriminator(code).squeeze(1)
