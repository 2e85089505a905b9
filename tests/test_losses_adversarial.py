"""Specifications of aebook.losses.adversarial: the adversarial autoencoder's discriminator and
fooling losses."""

import pytest
import torch


def test_adversarial_losses_are_the_binary_cross_entropies_of_their_labels():
    from aebook import losses

    real, fake = torch.tensor([2.0, -1.0, 0.5]), torch.tensor([-3.0, 0.0])
    expected_d = (torch.nn.functional.softplus(-real).mean()
                  + torch.nn.functional.softplus(fake).mean())
    assert losses.discriminator_loss(real, fake).item() == pytest.approx(expected_d.item())
    assert losses.fooling_loss(fake).item() == pytest.approx(
        torch.nn.functional.softplus(-fake).mean().item())
    with pytest.raises(ValueError):
        losses.fooling_loss(torch.zeros(2, 1))
