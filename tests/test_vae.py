"""Specifications of aebook.models.vae: the VAE of chapters 6 to 8 and its loss, the negative ELBO."""
import math

import pytest
import torch
from torch.nn import functional as F

from aebook.losses import kl_divergence
from aebook.models import VAE, importance_weighted_bound, negative_elbo, reparameterize


def test_shapes_through_the_model():
    model = VAE(latent_size=3, hidden_size=16)
    x = torch.rand(5, 784)
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (5, 3)
    assert model.decode(model.reparameterize(mu, logvar)).shape == (5, 784)
    logits, mu, logvar = model(x)
    assert logits.shape == (5, 784) and mu.shape == (5, 3)


def test_reparameterize_passes_gradients_to_mu_and_logvar():
    mu = torch.tensor([[0.5, -1.0]], requires_grad=True)
    logvar = torch.tensor([[0.2, -0.4]], requires_grad=True)
    torch.manual_seed(0)
    z = reparameterize(mu, logvar)
    z.sum().backward()
    torch.manual_seed(0)
    epsilon = torch.randn(1, 2)
    # z = mu + exp(logvar / 2) * epsilon: dz/dmu = 1, dz/dlogvar = exp(logvar / 2) * epsilon / 2
    assert torch.allclose(mu.grad, torch.ones(1, 2))
    assert torch.allclose(logvar.grad, 0.5 * torch.exp(0.5 * logvar.detach()) * epsilon)


def test_reparameterize_samples_the_right_gaussian():
    mu, logvar = torch.tensor([1.0, -2.0]), torch.tensor([0.0, math.log(4.0)])
    z = reparameterize(mu.expand(200_000, 2), logvar.expand(200_000, 2))
    assert torch.allclose(z.mean(0), mu, atol=0.02)
    assert torch.allclose(z.var(0), logvar.exp(), rtol=0.02)


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


def test_an_untrained_model_scores_near_log_2_per_pixel_and_training_helps():
    torch.manual_seed(0)
    model = VAE(latent_size=2, hidden_size=32)
    torch.nn.init.zeros_(model.decoder[-1].weight), torch.nn.init.zeros_(model.decoder[-1].bias)
    x = torch.bernoulli(torch.full((64, 784), 0.5))
    logits, mu, logvar = model(x)
    before = negative_elbo(logits, x, mu, logvar).mean().item()
    assert before == pytest.approx(784 * math.log(2), rel=0.01)  # logits 0: every pixel a coin flip
    images = torch.rand(256, 784).round()
    images[:, :392] = 0  # structure the decoder can learn: the top half is always black
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(100):
        logits, mu, logvar = model(images)
        loss = negative_elbo(logits, images, mu, logvar).mean()
        optimizer.zero_grad(), loss.backward(), optimizer.step()
    assert loss.item() < 0.6 * 784 * math.log(2)


def test_importance_weighted_bound_starts_at_the_elbo_and_rises_with_k():
    torch.manual_seed(0)
    model = VAE(latent_size=2, hidden_size=16)
    x = torch.rand(4, 784)
    with torch.no_grad():
        mu, logvar = model.encode(x)
        # K = 1: one z per image, log p(x|z) + log p(z) - log q(z|x); its mean over many draws is
        # the ELBO, whose KL term negative_elbo computes in closed form.
        single = importance_weighted_bound(model.decode, x.repeat(5000, 1), mu.repeat(5000, 1),
                                           logvar.repeat(5000, 1), samples=1).reshape(5000, 4)
        elbo = -negative_elbo(model.decode(mu.repeat(2000, 1) + logvar.mul(0.5).exp().repeat(2000, 1)
                                           * torch.randn(8000, 2)), x.repeat(2000, 1),
                              mu.repeat(2000, 1), logvar.repeat(2000, 1)).reshape(2000, 4)
        assert torch.allclose(single.mean(0), elbo.mean(0), atol=4 * single.std(0).max() / 5000 ** 0.5
                              + 4 * elbo.std(0).max() / 2000 ** 0.5)
    # A decoder that depends strongly on z and q = the prior: a large gap for L_K to close.
    decode = torch.nn.Linear(2, 784)
    with torch.no_grad():
        decode.weight.mul_(20)
        x = torch.bernoulli(torch.sigmoid(decode(torch.randn(4, 2)))).repeat(10, 1)
        zeros = torch.zeros(40, 2)
        bounds = [importance_weighted_bound(decode, x, zeros, zeros, samples=k).mean().item()
                  for k in (1, 10, 300)]
    assert bounds[0] + 1 < bounds[1] < bounds[2] - 1


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="latent_size must be a positive int"):
        VAE(latent_size=0)
    with pytest.raises(TypeError, match="hidden_size must be a positive int"):
        VAE(hidden_size=400.0)
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
    with pytest.raises(ValueError, match="mu and logvar must have the same shape"):
        reparameterize(torch.zeros(2, 3), torch.zeros(2, 2))
    with pytest.raises(ValueError, match="samples must be a positive int"):
        importance_weighted_bound(lambda z: z, x, mu, mu, samples=0)
    with pytest.raises(TypeError, match="decode must be callable"):
        importance_weighted_bound(None, x, mu, mu)
