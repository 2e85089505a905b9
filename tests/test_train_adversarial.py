"""Specifications of aebook.train_adversarial (chapter 10): the ring prior and one training
step of three phases of the adversarial autoencoder."""
import math

import pytest
import torch

from aebook.metrics import mmd
from aebook.models import AdversarialAutoencoder
from aebook.train_adversarial import adversarial_step, ring_of_gaussians


def test_ring_prior_puts_ten_blobs_on_a_circle():
    draws = ring_of_gaussians(10_000, generator=torch.Generator().manual_seed(0))
    radius = draws.norm(dim=1)
    assert draws.shape == (10_000, 2) and abs(radius.mean().item() - 4.0) < 0.1
    assert (radius < 2).float().mean() < 0.001  # the hole in the middle
    angles = torch.atan2(draws[:, 1], draws[:, 0]) % (2 * math.pi)
    offsets = (angles / (2 * math.pi / 10)) - (angles / (2 * math.pi / 10)).round()
    assert offsets.abs().mean() < 0.2  # near the ten means' angles (uniform angles: 0.25)
    with pytest.raises(ValueError):
        ring_of_gaussians(0)


def test_adversarial_steps_pull_the_codes_towards_the_prior():
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(0)
    images = torch.rand(512, 784, generator=generator) * torch.rand(512, 1, generator=generator)
    model = AdversarialAutoencoder(hidden_size=64)
    optimizers = (torch.optim.Adam([*model.encoder.parameters(), *model.decoder.parameters()],
                                   lr=1e-3),
                  torch.optim.Adam(model.discriminator.parameters(), lr=1e-3),
                  torch.optim.Adam(model.encoder.parameters(), lr=1e-3))
    prior = ring_of_gaussians(512, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        before = mmd(model.encode(images), prior)
    for step in range(150):
        x = images[(step * 64) % 512:(step * 64) % 512 + 64]
        losses = adversarial_step(model, x, ring_of_gaussians(64, generator=generator), optimizers)
    with torch.no_grad():
        after = mmd(model.encode(images), prior)
    assert len(losses) == 3 and all(math.isfinite(value) for value in losses)
    assert after < 0.8 * before
