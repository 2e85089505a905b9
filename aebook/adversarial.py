"""What the adversarial autoencoder of chapter 10 needs besides the model: a prior that a KL
term could not express (a ring of Gaussians), one training step of the three phases of
Makhzani et al. (2016), and the maximum mean discrepancy that measures how far a set of codes
lies from the prior."""
from __future__ import annotations

import math
from typing import Sequence

import torch
from torch.nn import functional as F

from ._checks import check_positive, check_size

__all__ = ["ring_of_gaussians", "mmd", "adversarial_step"]


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


def mmd(x: torch.Tensor, y: torch.Tensor, bandwidths: Sequence[float] = (0.5, 1.0, 2.0)) -> float:
    """The squared maximum mean discrepancy between the samples ``x`` (n, d) and ``y`` (m, d)
    with a sum of Gaussian kernels exp(-|a - b|^2 / (2 h^2)) over ``bandwidths`` h, the biased
    (V-statistic) estimate: 0 for identical samples, larger the further the distributions lie
    apart."""
    for name, value in (("x", x), ("y", y)):
        if not isinstance(value, torch.Tensor) or value.ndim != 2 or len(value) == 0:
            raise ValueError(f"{name} must be a non-empty (n, d) tensor")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have the same width, got {x.shape[1]} and {y.shape[1]}")
    bandwidths = [check_positive("bandwidth", h) for h in bandwidths]
    if not bandwidths:
        raise ValueError("bandwidths must name at least one bandwidth")
    x, y = x.detach().double(), y.detach().double()

    def kernel(a, b):  # the mean of the kernel over all pairs
        distances = torch.cdist(a, b).pow(2)
        return sum(torch.exp(-distances / (2 * h * h)).mean() for h in bandwidths)

    return (kernel(x, x) + kernel(y, y) - 2 * kernel(x, y)).item()


def adversarial_step(model, x: torch.Tensor, prior_sample: torch.Tensor, optimizers: tuple) -> tuple:
    """One step of the three phases on the batch ``x``: (1) the autoencoder on the squared
    error; (2) the discriminator on telling ``prior_sample`` (label 1) from the codes (label 0);
    (3) the encoder on making the discriminator call its codes prior samples.

    Args:
        model: an :class:`aebook.models.aae.AdversarialAutoencoder`.
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
    real, fake = model.discriminate(prior_sample), model.discriminate(codes)
    discriminator_loss = (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
                          + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))
    discriminator_optimizer.zero_grad(set_to_none=True)
    discriminator_loss.backward()
    discriminator_optimizer.step()
    fooled = model.discriminate(model.encode(x))  # 3. the encoder: make codes look like 1
    encoder_loss = F.binary_cross_entropy_with_logits(fooled, torch.ones_like(fooled))
    encoder_optimizer.zero_grad(set_to_none=True)
    encoder_loss.backward()
    encoder_optimizer.step()
    return reconstruction.item(), discriminator_loss.item(), encoder_loss.item()
