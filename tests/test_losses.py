"""Specifications of aebook.losses: every objective of the book."""
import functools

import pytest
import torch
from torch import nn
from torch.func import jacrev, vmap
from torch.nn import functional as F

from aebook.losses import (
    contractive_loss,
    contractive_penalty,
    denoising_loss,
    free_bits_kl,
    kl_divergence,
    kl_per_dimension,
    kl_sparsity,
    l1_sparsity,
    negative_elbo,
    reconstruction_error,
    vae_loss,
    vq_vae_loss,
)
from aebook.models import VAE, ContractiveAutoencoder
from aebook.noise import masking_noise


def test_reconstruction_error_is_the_mean_squared_error():
    x, y = torch.zeros(2, 4), torch.ones(2, 4) * 0.5
    assert reconstruction_error(y, x).item() == pytest.approx(0.25)


def test_closed_form_kl_matches_monte_carlo():
    mu, logvar = torch.tensor([[0.5, -1.0]]), torch.tensor([[0.2, -0.7]])
    q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
    p = torch.distributions.Normal(torch.zeros(2), torch.ones(2))
    z = q.sample((200_000,))
    estimate = (q.log_prob(z) - p.log_prob(z)).sum(-1).mean()
    assert kl_divergence(mu, logvar).item() == pytest.approx(estimate.item(), abs=0.01)
    assert kl_divergence(torch.zeros(3, 2), torch.zeros(3, 2)).abs().max() == 0


def test_sparsity_penalties():
    code = torch.full((8, 5), 0.05)
    assert kl_sparsity(code, rho=0.05).item() == pytest.approx(0.0, abs=1e-6)
    assert kl_sparsity(torch.full((8, 5), 0.5), rho=0.05).item() > 0
    assert l1_sparsity(-code).item() == pytest.approx(0.25)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="same shape"):
        reconstruction_error(torch.zeros(2, 3), torch.zeros(2, 4))
    with pytest.raises(TypeError, match="torch.Tensor"):
        reconstruction_error([0.0], torch.zeros(1))
    with pytest.raises(ValueError, match="rho must be in"):
        kl_sparsity(torch.zeros(2, 2), rho=2.0)


def test_denoising_loss_scores_the_output_against_the_clean_images():
    x = torch.rand(16, 784)
    identity = nn.Identity()
    # an identity model returns the noisy input: its denoising loss is the corruption's error
    torch.manual_seed(5)
    loss = denoising_loss(identity, x, kinds=("masking",), max_noise_ratio=0.8, groups=1)
    torch.manual_seed(5)
    torch.randint(1, ())  # the kind's draw
    noise_ratio = 0.8 * torch.rand(()).item()
    expected = ((masking_noise(x, noise_ratio) - x) ** 2).mean()
    assert loss.item() == pytest.approx(expected.item())


def test_denoising_loss_gives_each_group_its_own_corruption():
    x = torch.full((32, 784), 0.5)
    seen = []
    model = lambda noisy: seen.append(noisy) or noisy  # records what the model is fed
    torch.manual_seed(0)
    denoising_loss(model, x, kinds=("masking",), max_noise_ratio=1.0, groups=4)
    erased = (seen[0] == 0).float().reshape(4, 8 * 784).mean(1)  # fraction erased per group
    assert len(set(erased.round(decimals=2).tolist())) > 1
    assert erased.max().item() < 1.0


def test_denoising_loss_never_exceeds_max_noise_ratio():
    x = torch.full((64, 784), 0.5)
    seen = []
    model = lambda noisy: seen.append(noisy) or noisy
    denoising_loss(model, x, kinds=("masking",), max_noise_ratio=0.1, groups=8)
    erased = (seen[0] == 0).float().reshape(8, -1).mean(1)
    assert erased.max().item() < 0.13  # 6,272 pixels a group: 0.1 + 4 standard errors


def test_denoising_loss_is_a_trainable_scalar_and_checks_its_arguments():
    x = torch.rand(8, 784)
    model = nn.Linear(784, 784)
    loss = denoising_loss(model, x)
    loss.backward()
    assert loss.dim() == 0 and model.weight.grad is not None
    with pytest.raises(ValueError, match="kinds"):
        denoising_loss(model, x, kinds=("blur",))
    with pytest.raises(ValueError, match="kinds"):
        denoising_loss(model, x, kinds="masking")
    with pytest.raises(ValueError, match="max_noise_ratio"):
        denoising_loss(model, x, max_noise_ratio=1.5)
    with pytest.raises(ValueError, match="groups"):
        denoising_loss(model, x, groups=0)


def contractive_model(code_size=32, seed=0):
    torch.manual_seed(seed)
    return ContractiveAutoencoder(code_size=code_size)


def test_closed_form_penalty_equals_the_squared_frobenius_norm_of_the_autograd_jacobian():
    autoencoder, x = contractive_model(), torch.rand(6, 784)
    jacobian = vmap(jacrev(autoencoder.encode))(x)  # (6, 32, 784)
    penalty = contractive_penalty(autoencoder.encode(x), autoencoder.encoder.weight)
    assert penalty.shape == (6,)
    assert torch.allclose(penalty, jacobian.pow(2).sum((1, 2)), rtol=1e-5)


def test_contractive_penalty_rejects_a_weight_of_the_wrong_shape():
    with pytest.raises(ValueError, match="hidden"):
        contractive_penalty(torch.rand(4, 32), torch.rand(31, 784))


def test_contractive_loss_is_reconstruction_error_plus_weighted_penalty():
    autoencoder, x = contractive_model(), torch.rand(8, 784)
    plain = contractive_loss(autoencoder, x, penalty_weight=0.0)
    assert torch.allclose(plain, ((autoencoder(x) - x) ** 2).mean())
    penalty = contractive_penalty(autoencoder.encode(x), autoencoder.encoder.weight).mean()
    weighted = contractive_loss(autoencoder, x, penalty_weight=0.5)
    assert torch.allclose(weighted, plain + 0.5 * penalty)
    loss_fn = functools.partial(contractive_loss, penalty_weight=0.5)  # a train() loss_fn
    assert torch.allclose(loss_fn(autoencoder, x), weighted)
    with pytest.raises(ValueError, match="penalty_weight"):
        contractive_loss(autoencoder, x, penalty_weight=-1.0)


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
