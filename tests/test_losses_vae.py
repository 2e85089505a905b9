"""Specifications of aebook.losses.vae: the KL terms, free bits, the negative ELBO and vae_loss."""

import pytest
import torch
from torch.nn import functional as F

from aebook.losses import free_bits_kl, kl_divergence, kl_per_dimension, negative_elbo, vae_loss
from aebook.models import VAE


def test_closed_form_kl_matches_monte_carlo():
    mu, logvar = torch.tensor([[0.5, -1.0]]), torch.tensor([[0.2, -0.7]])
    q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
    p = torch.distributions.Normal(torch.zeros(2), torch.ones(2))
    z = q.sample((200_000,))
    estimate = (q.log_prob(z) - p.log_prob(z)).sum(-1).mean()
    assert kl_divergence(mu, logvar).item() == pytest.approx(estimate.item(), abs=0.01)
    assert kl_divergence(torch.zeros(3, 2), torch.zeros(3, 2)).abs().max() == 0


def test_kl_per_dimension_adds_up_to_the_mean_kl_term():
    mu, logvar = torch.randn(50, 6), torch.randn(50, 6)
    per_dimension = kl_per_dimension(mu, logvar)
    assert per_dimension.shape == (6,)
    assert torch.allclose(per_dimension.sum(), kl_divergence(mu, logvar).mean())


def test_a_dimension_at_the_prior_has_zero_kl():
    mu, logvar = torch.randn(10, 3), torch.randn(10, 3)
    mu[:, 1], logvar[:, 1] = 0.0, 0.0
    assert kl_per_dimension(mu, logvar)[1].item() == 0.0


def test_kl_per_dimension_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        kl_per_dimension(torch.randn(5, 3), torch.randn(5, 2))


def example(batch=4, latent=3):
    return torch.randn(batch, 784), torch.rand(batch, 784), torch.randn(batch, latent), torch.randn(batch, latent)


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


def test_negative_elbo_is_reconstruction_plus_kl():
    logits, x = torch.randn(4, 784), torch.rand(4, 784)
    mu, logvar = torch.randn(4, 3), torch.randn(4, 3)
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    assert torch.allclose(negative_elbo(logits, x, mu, logvar), bce + kl_divergence(mu, logvar))
    # A Gaussian likelihood N(x; sigmoid(logits), sigma^2 I): its negative log density plus the KL.
    sigma = 0.3
    gaussian = -torch.distributions.Normal(torch.sigmoid(logits), sigma).log_prob(x).sum(1)
    assert torch.allclose(negative_elbo(logits, x, mu, logvar, "gaussian", sigma),
                          gaussian + kl_divergence(mu, logvar), rtol=1e-5)


def test_bernoulli_term_is_the_log_likelihood_of_binary_pixels():
    logits, x = torch.randn(3, 784), torch.bernoulli(torch.full((3, 784), 0.3))
    zeros = torch.zeros(3, 2)  # q = N(0, I): no KL
    log_likelihood = torch.distributions.Bernoulli(logits=logits).log_prob(x).sum(1)
    assert torch.allclose(negative_elbo(logits, x, zeros, zeros), -log_likelihood, rtol=1e-5)


@pytest.mark.parametrize("likelihood, beta", [("bernoulli", 1.0), ("gaussian", 1.0),
                                              ("bernoulli", 4.0)])
def test_the_mean_reduction_is_the_batch_mean_of_the_per_image_losses(likelihood, beta):
    logits, x = torch.randn(6, 784), torch.rand(6, 784)
    mu, logvar = torch.randn(6, 3), torch.randn(6, 3)
    per_image = negative_elbo(logits, x, mu, logvar, likelihood, 0.3, beta)
    mean = negative_elbo(logits, x, mu, logvar, likelihood, 0.3, beta, reduction="mean")
    assert mean.shape == () and torch.allclose(mean, per_image.mean())
    with pytest.raises(ValueError, match="reduction must be one of"):
        negative_elbo(logits, x, mu, logvar, reduction="sum")


def test_beta_one_is_the_negative_elbo():
    logits, x, mu, logvar = example()
    assert torch.allclose(negative_elbo(logits, x, mu, logvar, beta=1.0), negative_elbo(logits, x, mu, logvar))


def test_beta_scales_only_the_kl_term():
    logits, x, mu, logvar = example()
    difference = negative_elbo(logits, x, mu, logvar, beta=5.0) - negative_elbo(logits, x, mu, logvar, beta=1.0)
    assert torch.allclose(difference, 4.0 * kl_divergence(mu, logvar), rtol=1e-4)
    assert torch.allclose(negative_elbo(logits, x, mu, logvar, beta=0.0),
                          negative_elbo(logits, x, mu, logvar) - kl_divergence(mu, logvar), rtol=1e-5)


def test_negative_elbo_rejects_bad_arguments():
    logits, x, mu = torch.zeros(2, 784), torch.zeros(2, 784), torch.zeros(2, 3)
    with pytest.raises(ValueError, match="likelihood must be one of"):
        negative_elbo(logits, x, mu, mu, likelihood="poisson")
    with pytest.raises(ValueError, match="sigma must be a positive number"):
        negative_elbo(logits, x, mu, mu, likelihood="gaussian", sigma=-1.0)
    with pytest.raises(TypeError, match="sigma must be a positive number"):
        negative_elbo(logits, x, mu, mu, likelihood="gaussian", sigma="0.1")
    with pytest.raises(ValueError, match="logits and x must both be"):
        negative_elbo(torch.zeros(2, 10), x, mu, mu)
    with pytest.raises(ValueError, match="mu and logvar must both be"):
        negative_elbo(logits, x, mu, torch.zeros(2, 4))
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        negative_elbo(logits, x.tolist(), mu, mu)


def test_negative_elbo_rejects_a_bad_beta_and_bad_tensors():
    logits, x, mu, logvar = example()
    with pytest.raises(ValueError, match="beta"):
        negative_elbo(logits, x, mu, logvar, beta=-1.0)
    with pytest.raises(TypeError, match="beta"):
        negative_elbo(logits, x, mu, logvar, beta="2")
    with pytest.raises(ValueError, match="logits and x"):
        negative_elbo(logits[:, :10], x, mu, logvar)
    with pytest.raises(ValueError, match="mu and logvar"):
        negative_elbo(logits, x, mu[:2], logvar[:2])
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        negative_elbo(logits, x.numpy(), mu, logvar)


def test_vae_loss_is_the_mean_negative_elbo_with_the_same_sample():
    model = VAE(2, hidden_size=8)
    x = torch.rand(5, 784, generator=torch.Generator().manual_seed(0))
    torch.manual_seed(0)
    loss = vae_loss("gaussian", sigma=0.3)(model, x)
    torch.manual_seed(0)
    logits, mu, logvar = model(x)
    assert torch.allclose(loss, negative_elbo(logits, x, mu, logvar, "gaussian", 0.3).mean())


def test_vae_loss_rejects_bad_arguments():
    with pytest.raises(ValueError):
        vae_loss("poisson")
    with pytest.raises(ValueError):
        vae_loss("gaussian", sigma=0.0)
