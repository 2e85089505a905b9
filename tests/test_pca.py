"""Specifications of aebook.pca: PCA and principal angles (chapter 1), and probabilistic PCA,
the latent model whose log p(x), posterior and ELBO are exact (chapter 8)."""
import math

import pytest
import torch

from aebook.losses import gaussian_kl
from aebook.pca import PPCA, fit_pca, fit_ppca, principal_angles


def test_pca_error_on_training_data_is_the_discarded_variance():
    images = torch.rand(500, 20) @ torch.rand(20, 20)
    pca = fit_pca(images)
    for code_size in (1, 5, 12):
        error = ((pca.reconstruct(images, code_size) - images) ** 2).mean().item()
        assert error == pytest.approx(pca.discarded_variance(code_size), rel=1e-3)
    assert torch.all(pca.eigenvalues[:-1] >= pca.eigenvalues[1:])


def test_principal_angles_are_zero_for_one_subspace_and_ninety_for_orthogonal_ones():
    basis = torch.linalg.qr(torch.randn(10, 4))[0]
    mixed = basis @ torch.randn(4, 4)  # same span, other basis
    assert principal_angles(basis, mixed).max().item() < 0.1
    assert torch.allclose(principal_angles(basis[:, :2], basis[:, 2:]), torch.tensor([90.0, 90.0]))


def test_pca_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="same number of rows"):
        principal_angles(torch.randn(5, 2), torch.randn(6, 2))
    with pytest.raises(TypeError, match="torch.Tensor"):
        fit_pca([[0.0, 1.0]])


def small_model(input_size=5, code_size=2, noise_variance=0.3):
    generator = torch.Generator().manual_seed(0)
    weight = torch.randn(input_size, code_size, generator=generator, dtype=torch.float64)
    bias = torch.randn(input_size, generator=generator, dtype=torch.float64)
    return PPCA(weight, bias, noise_variance)


def random_covariance(size, batch=None, seed=1):
    generator = torch.Generator().manual_seed(seed)
    shape = (size, size) if batch is None else (batch, size, size)
    factor = torch.randn(*shape, generator=generator, dtype=torch.float64)
    return factor @ factor.transpose(-1, -2) + 0.1 * torch.eye(size, dtype=torch.float64)


def test_ppca_log_likelihood_matches_multivariate_normal():
    model = small_model()
    x = model.sample(6, torch.Generator().manual_seed(2))
    marginal = torch.distributions.MultivariateNormal(
        model.bias, model.weight @ model.weight.T + model.noise_variance * torch.eye(5, dtype=torch.float64))
    assert torch.allclose(model.log_likelihood(x), marginal.log_prob(x), atol=1e-10)


def test_ppca_log_likelihood_matches_monte_carlo_integral():
    # p(x) = E_{z ~ p(z)}[p(x|z)]: average the likelihood over many prior draws.
    model = small_model(input_size=3, code_size=1, noise_variance=0.5)
    x = model.sample(4, torch.Generator().manual_seed(3))
    z = torch.randn(400_000, 1, 1, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    z = z.expand(-1, len(x), 1)
    log_p_x_given_z = model.log_joint(x, z) + 0.5 * (z.pow(2).sum(-1) + math.log(2 * math.pi))
    estimate = torch.logsumexp(log_p_x_given_z, 0) - math.log(len(z))
    # the delta method: the standard error of log(mean(w)) is std(w) / (mean(w) sqrt(n))
    weights = (log_p_x_given_z - estimate).exp()
    standard_error = weights.std(0) / math.sqrt(len(z))
    assert ((estimate - model.log_likelihood(x)).abs() < 4 * standard_error).all()
    assert standard_error.max() < 0.01


def test_posterior_is_bayes_rule():
    # log p(z|x) = log p(x, z) - log p(x) at any z
    model = small_model()
    x = model.sample(3, torch.Generator().manual_seed(5))
    mean, covariance = model.posterior(x)
    z = torch.randn(3, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(6))
    posterior = torch.distributions.MultivariateNormal(mean, covariance)
    assert torch.allclose(posterior.log_prob(z), model.log_joint(x, z) - model.log_likelihood(x),
                          atol=1e-10)


def test_elbo_is_tight_at_the_true_posterior():
    model = small_model()
    x = model.sample(4, torch.Generator().manual_seed(7))
    mean, covariance = model.posterior(x)
    assert torch.allclose(model.elbo(x, mean, covariance), model.log_likelihood(x), atol=1e-10)


def test_log_likelihood_minus_elbo_is_the_kl_to_the_posterior_for_any_gaussian():
    model = small_model()
    x = model.sample(4, torch.Generator().manual_seed(8))
    mean = torch.randn(4, 2, dtype=torch.float64)
    covariance = random_covariance(2, batch=4)
    posterior_mean, posterior_covariance = model.posterior(x)
    gap = model.log_likelihood(x) - model.elbo(x, mean, covariance)
    kl = gaussian_kl(mean, covariance, posterior_mean, posterior_covariance)
    assert torch.allclose(gap, kl, atol=1e-10)
    assert (gap > 0).all()


def test_monte_carlo_elbo_matches_the_closed_form_within_its_standard_error():
    model = small_model()
    x = model.sample(3, torch.Generator().manual_seed(9))
    mean, covariance = torch.zeros(3, 2, dtype=torch.float64), random_covariance(2)
    estimate, standard_error = model.monte_carlo_elbo(
        x, mean, covariance, samples=20_000, generator=torch.Generator().manual_seed(10))
    assert ((estimate - model.elbo(x, mean, covariance)).abs() < 4 * standard_error).all()
    # At the true posterior log p(x, z) - log q(z) = log p(x) for every z: no variance at all.
    posterior_mean, posterior_covariance = model.posterior(x)
    estimate, standard_error = model.monte_carlo_elbo(x, posterior_mean, posterior_covariance, samples=10)
    assert torch.allclose(estimate, model.log_likelihood(x), atol=1e-9)
    assert standard_error.max() < 1e-9


def test_gaussian_kl_matches_torch_distributions():
    mean_q, mean_p = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 3, dtype=torch.float64)
    covariance_q, covariance_p = random_covariance(3, batch=5, seed=2), random_covariance(3, seed=3)
    expected = torch.distributions.kl_divergence(
        torch.distributions.MultivariateNormal(mean_q, covariance_q),
        torch.distributions.MultivariateNormal(mean_p, covariance_p))
    assert torch.allclose(gaussian_kl(mean_q, covariance_q, mean_p, covariance_p), expected, atol=1e-10)
    assert gaussian_kl(mean_q, covariance_p, mean_q, covariance_p).abs().max() < 1e-10


def test_fit_ppca_is_the_maximum_likelihood_solution():
    generator = torch.Generator().manual_seed(11)
    truth = small_model(input_size=6, code_size=2, noise_variance=0.2)
    images = truth.sample(3000, generator).float()
    model = fit_ppca(images, 2)
    eigenvalues = torch.linalg.eigvalsh(torch.cov(images.double().T, correction=0)).flip(0)
    assert model.noise_variance == pytest.approx(eigenvalues[2:].mean().item(), rel=1e-4)
    best = model.log_likelihood(images).mean()
    for change in (PPCA(model.weight * 1.05, model.bias, model.noise_variance),
                   PPCA(model.weight, model.bias, model.noise_variance * 1.1),
                   PPCA(model.weight, model.bias + 0.05, model.noise_variance)):
        assert change.log_likelihood(images).mean() < best


def test_ppca_bad_arguments_raise_clear_errors():
    model = small_model()
    with pytest.raises(ValueError, match=r"x must be \(5,\) or \(batch, 5\)"):
        model.log_likelihood(torch.zeros(2, 4))
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        model.posterior([0.0] * 5)
    with pytest.raises(ValueError, match="covariance must be positive definite"):
        model.elbo(torch.zeros(1, 5), torch.zeros(1, 2), -torch.eye(2))
    with pytest.raises(ValueError, match="covariance must be symmetric"):
        model.elbo(torch.zeros(1, 5), torch.zeros(1, 2), torch.tensor([[1.0, 0.5], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="noise_variance must be positive"):
        PPCA(torch.ones(3, 1), torch.zeros(3), 0.0)
    with pytest.raises(ValueError, match="bias must be"):
        PPCA(torch.ones(3, 1), torch.zeros(4), 1.0)
    with pytest.raises(ValueError, match="code_size must be below"):
        fit_ppca(torch.rand(10, 4), 4)
    with pytest.raises(ValueError, match="samples must be a positive int"):
        model.monte_carlo_elbo(torch.zeros(1, 5), torch.zeros(1, 2), torch.eye(2), samples=0)


def test_importance_sampling_from_the_posterior_is_exact_with_any_number_of_samples():
    model = small_model()
    x = model.sample(3, torch.Generator().manual_seed(2))
    mean, covariance = model.posterior(x)
    for samples, chunk in ((1, 100), (10, 3)):
        estimate = model.importance_sampled_log_likelihood(
            x, mean, covariance, samples, torch.Generator().manual_seed(0), chunk=chunk)
        assert torch.allclose(estimate, model.log_likelihood(x), atol=1e-9)


def test_prior_sampling_converges_from_below_on_a_small_model():
    model = small_model()
    x = model.sample(1, torch.Generator().manual_seed(3))
    exact = model.log_likelihood(x)
    prior = (torch.zeros(2, dtype=torch.float64), torch.eye(2, dtype=torch.float64))
    generator = torch.Generator().manual_seed(4)
    many = model.importance_sampled_log_likelihood(x, *prior, 200_000, generator)
    few = torch.stack([model.importance_sampled_log_likelihood(x, *prior, 2, generator)
                       for _ in range(2000)])
    assert torch.allclose(many, exact, atol=0.02)
    assert few.mean() < exact - 0.01  # Jensen: biased low at small K


def test_importance_sampling_rejects_a_batch_of_covariances():
    model = small_model()
    x = model.sample(2, torch.Generator().manual_seed(2))
    mean, covariance = model.posterior(x)
    with pytest.raises(ValueError):
        model.importance_sampled_log_likelihood(x, mean, covariance.expand(2, 2, 2))
