"""Training the adversarial autoencoder (chapter 10, Makhzani et al. 2016), beside the one loop
of :mod:`aebook.train`: the prior its discriminator draws from (a ring of Gaussians, which a KL
term could not express) and one step of its three phases. The model is
:class:`aebook.models.AdversarialAutoencoder`, its losses :func:`aebook.losses.discriminator_loss`
and :func:`aebook.losses.fooling_loss`, the distance of its codes to the prior
:func:`aebook.metrics.mmd`."""
from __future__ import annotations

import math

import torch
from torch.nn import functional as F

from ._checks import check_positive, check_size
from .losses import discriminator_loss, fooling_loss

__all__ = ["ring_of_gaussians", "adversarial_step"]


def ring_of_gaussians(n: int, components: int = 10, radius: float = 4.0, std: float = 0.5,
                      generator: torch.Generator | None = None) -> torch.Tensor:
    """n draws from an equal mixture of ``components`` round 2-D Gaussians of standard deviation
    ``std`` whose means sit evenly on a circle of ``radius`` about the origin: (n, 2)."""
    n, components = check_size("n", n), check_size("components", components)
    radius, std = check_positive("radius", radius), check_positive("std", std)
    which = torch.randint(components, (n,), generator=generator)
    angle = 2 * math.pi * which.float() / components
    means = radius * torch.stack([angle.cos(), angle.sin()], 1)
    return means + std * torch.randn(n, 2, generator=generator)


def adversarial_step(model, x: torch.Tensor, prior_sample: torch.Tensor, optimizers: tuple) -> tuple:
    """One step of the three phases on the batch ``x``: (1) the autoencoder on the squared
    error; (2) the discriminator on telling ``prior_sample`` (label 1) from the codes (label 0);
    (3) the encoder on making the discriminator call its codes prior samples.

    Args:
        model: an :class:`aebook.models.AdversarialAutoencoder`.
        optimizers: (autoencoder's, discriminator's, encoder's) optimizers.
    Returns:
        (reconstruction error, discriminator loss, encoder's adversarial loss) as floats.
    """
    autoencoder_optimizer, discriminator_optimizer, encoder_optimizer = optimizers
    reconstruction = F.mse_loss(model(x), x)  # 1. reconstruct
    autoencoder_optimizer.zero_grad(set_to_none=True)
    reconstruction.backward()
    autoencoder_optimizer.step()
    codes = model.encode(x).detach()  # 2. the discriminator: prior samples 1, codes 0
    loss_d = discriminator_loss(model.discriminate(prior_sample), model.discriminate(codes))
    discriminator_optimizer.zero_grad(set_to_none=True)
    loss_d.backward()
    discriminator_optimizer.step()
    encoder_loss = fooling_loss(model.discriminate(model.encode(x)))  # 3. codes should look like 1
    encoder_optimizer.zero_grad(set_to_none=True)
    encoder_loss.backward()
    encoder_optimizer.step()
    return reconstruction.item(), loss_d.item(), encoder_loss.item()
