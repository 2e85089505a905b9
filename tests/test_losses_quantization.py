"""Specifications of aebook.losses.quantization: the VQ-VAE's loss."""

import pytest
import torch

from aebook.losses import reconstruction_error, vq_vae_loss


def test_vq_vae_loss_adds_the_reconstruction_error_codebook_and_weighted_commitment():
    x, reconstruction = torch.rand(3, 784), torch.rand(3, 784)
    codebook_loss, commitment_loss = torch.tensor(0.3), torch.tensor(0.2)
    loss = vq_vae_loss(reconstruction, x, codebook_loss, commitment_loss)
    assert torch.allclose(loss, reconstruction_error(reconstruction, x) + 0.3 + 0.25 * 0.2)
    loss = vq_vae_loss(reconstruction, x, codebook_loss, commitment_loss, beta=1.0)
    assert torch.allclose(loss, reconstruction_error(reconstruction, x) + 0.5)


def test_vq_vae_loss_rejects_a_negative_beta_and_mismatched_shapes():
    with pytest.raises(ValueError):
        vq_vae_loss(torch.rand(2, 4), torch.rand(2, 4), torch.tensor(0.), torch.tensor(0.), beta=-1)
    with pytest.raises(ValueError):
        vq_vae_loss(torch.rand(2, 4), torch.rand(2, 5), torch.tensor(0.), torch.tensor(0.))
