"""Specifications of aebook.beta_vae: the β-VAE loss, free bits and the KL warm-up weight."""
import pytest
import torch

from aebook.beta_vae import beta_vae_loss, free_bits_kl, kl_warmup
from aebook.losses import kl_divergence
from aebook.models import negative_elbo


def example(batch=4, latent=3):
    return torch.randn(batch, 784), torch.rand(batch, 784), torch.randn(batch, latent), torch.randn(batch, latent)


def test_beta_one_is_the_negative_elbo():
    logits, x, mu, logvar = example()
    assert torch.allclose(beta_vae_loss(logits, x, mu, logvar, 1.0), negative_elbo(logits, x, mu, logvar))


def test_beta_scales_only_the_kl_term():
    logits, x, mu, logvar = example()
    difference = beta_vae_loss(logits, x, mu, logvar, 5.0) - beta_vae_loss(logits, x, mu, logvar, 1.0)
    assert torch.allclose(difference, 4.0 * kl_divergence(mu, logvar), rtol=1e-4)
    assert torch.allclose(beta_vae_loss(logits, x, mu, logvar, 0.0),
                          negative_elbo(logits, x, mu, logvar) - kl_divergence(mu, logvar), rtol=1e-5)


def test_beta_vae_loss_rejects_bad_arguments():
    logits, x, mu, logvar = example()
    with pytest.raises(ValueError, match="beta"):
        beta_vae_loss(logits, x, mu, logvar, -1.0)
    with pytest.raises(TypeError, match="beta"):
        beta_vae_loss(logits, x, mu, logvar, "2")
    with pytest.raises(ValueError, match="logits and x"):
        beta_vae_loss(logits[:, :10], x, mu, logvar)
    with pytest.raises(ValueError, match="mu and logvar"):
        beta_vae_loss(logits, x, mu[:2], logvar[:2])
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        beta_vae_loss(logits, x.numpy(), mu, logvar)


def test_free_bits_zero_is_the_mean_kl_term():
    _, _, mu, logvar = example(batch=8, latent=5)
    assert torch.allclose(free_bits_kl(mu, logvar, 0.0), kl_divergence(mu, logvar).mean())


def test_free_bits_charge_at_least_lambda_per_dimension_and_pass_no_gradient_below_it():
    mu = torch.zeros(6, 4, requires_grad=True)  # q = N(0, I): every dimension at 0 nats
    logvar = torch.zeros(6, 4, requires_grad=True)
    loss = free_bits_kl(mu, logvar, 0.5)
    assert loss.item() == pytest.approx(4 * 0.5)
    loss.backward()
    assert mu.grad.abs().max() == 0 and logvar.grad.abs().max() == 0


def test_free_bits_leave_dimensions_above_lambda_unchanged():
    mu = torch.tensor([[3.0, 0.0], [3.0, 0.0]])  # dimension 0: 4.5 nats; dimension 1: 0 nats
    logvar = torch.zeros(2, 2)
    assert free_bits_kl(mu, logvar, 1.0).item() == pytest.approx(4.5 + 1.0)


def test_free_bits_reject_a_negative_lambda():
    _, _, mu, logvar = example()
    with pytest.raises(ValueError, match="free_bits"):
        free_bits_kl(mu, logvar, -0.1)
    with pytest.raises(ValueError, match="mu and logvar"):
        free_bits_kl(mu[0], logvar[0], 0.1)


def test_kl_warmup_rises_linearly_from_zero_to_one_and_stays():
    assert [kl_warmup(step, 4) for step in range(7)] == [0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0]


def test_kl_warmup_rejects_bad_steps():
    with pytest.raises(ValueError, match="step"):
        kl_warmup(-1, 10)
    with pytest.raises(TypeError, match="step"):
        kl_warmup(1.5, 10)
    with pytest.raises(ValueError, match="warmup_steps"):
        kl_warmup(1, 0)
