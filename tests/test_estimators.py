"""Specifications of aebook.estimators: both gradient estimators against the closed forms for
the quadratic cost (z - c)^2, z ~ N(mu, sigma^2) (Mohamed et al. 2020, section 3)."""
import math

import pytest
import torch

from aebook.estimators import (
    pathwise_gradient,
    quadratic_reference,
    score_function_gradient,
    summarize,
)

N = 400_000


def quadratic(c):
    return lambda z: (z - c) ** 2


def standard_error_of_variance(samples: torch.Tensor) -> float:
    return summarize(samples).variance_error


@pytest.mark.parametrize("c", [1.0, 0.0, -2.0])
def test_both_estimators_are_unbiased_for_the_quadratic_cost(c):
    reference = quadratic_reference(1.0, 1.0, c)
    for estimator in (pathwise_gradient, score_function_gradient):
        grad_mu, grad_sigma = estimator(quadratic(c), 1.0, 1.0, N,
                                        generator=torch.Generator().manual_seed(0))
        for estimates, exact in ((grad_mu, reference.gradient_mu),
                                 (grad_sigma, reference.gradient_sigma)):
            standard_error = estimates.std().item() / math.sqrt(N)
            assert abs(estimates.mean().item() - exact) < 4 * standard_error, estimator.__name__


@pytest.mark.parametrize("mu, sigma, c", [(1.0, 1.0, 0.0), (0.3, 0.5, 1.0), (-1.0, 2.0, 0.5)])
def test_pathwise_variance_is_four_sigma_squared(mu, sigma, c):
    grad_mu, _ = pathwise_gradient(quadratic(c), mu, sigma, N, generator=torch.Generator().manual_seed(1))
    assert quadratic_reference(mu, sigma, c).pathwise_variance == pytest.approx(4 * sigma ** 2)
    # for this cost the pathwise estimate is 2 (z - c): exactly normal with variance 4 sigma^2
    assert abs(grad_mu.var().item() - 4 * sigma ** 2) < 4 * standard_error_of_variance(grad_mu)


@pytest.mark.parametrize("mu, sigma, c, closed_form", [(1.0, 1.0, 1.0, 15.0), (1.0, 1.0, 0.0, 30.0),
                                                       (1.0, 1.0, -2.0, 222.0), (0.3, 0.5, 1.0, 11.5704)])
def test_score_function_variance_matches_closed_form(mu, sigma, c, closed_form):
    reference = quadratic_reference(mu, sigma, c)
    assert reference.score_function_variance == pytest.approx(closed_form)
    grad_mu, _ = score_function_gradient(quadratic(c), mu, sigma, 4 * N,
                                         generator=torch.Generator().manual_seed(2))
    assert abs(grad_mu.var().item() - closed_form) < 4 * standard_error_of_variance(grad_mu)


def test_a_baseline_keeps_the_mean_and_lowers_the_variance():
    reference = quadratic_reference(1.0, 1.0, 0.0)
    grad_mu, _ = score_function_gradient(quadratic(0.0), 1.0, 1.0, 4 * N, baseline=reference.expected_cost,
                                         generator=torch.Generator().manual_seed(3))
    assert abs(grad_mu.mean().item() - reference.gradient_mu) < 4 * grad_mu.std().item() / math.sqrt(4 * N)
    assert reference.score_function_baseline_variance == 18.0
    assert abs(grad_mu.var().item() - 18.0) < 4 * standard_error_of_variance(grad_mu)


@pytest.mark.parametrize("mu, sigma, c", [(1.0, 1.0, 0.0), (0.3, 0.5, 1.0), (-1.0, 2.0, 0.5)])
def test_each_pathwise_estimate_differentiates_the_cost_along_its_own_sample(mu, sigma, c):
    """z = mu + sigma eps: for (z - c)^2 the sample's estimates are d/dmu = 2 (z - c) and
    d/dsigma = 2 (z - c) eps, with eps = (z - mu) / sigma. The first gives z back, so each
    sample's two estimates must agree with one and the same draw."""
    grad_mu, grad_sigma = pathwise_gradient(quadratic(c), mu, sigma, 1000,
                                            generator=torch.Generator().manual_seed(7))
    z = grad_mu / 2 + c
    assert torch.allclose(grad_sigma, grad_mu * (z - mu) / sigma)
    assert z.std().item() == pytest.approx(sigma, rel=0.1)  # the draws are N(mu, sigma^2)
    assert z.mean().item() == pytest.approx(mu, abs=4 * sigma / math.sqrt(1000))


def test_a_step_cost_breaks_the_pathwise_estimator_but_not_the_score_function():
    step = lambda z: (z > 0).double()  # E[step] = P(z > 0) = Phi(mu / sigma)
    exact = math.exp(-0.5) / math.sqrt(2 * math.pi)  # d/dmu Phi(mu / sigma) at mu = sigma = 1
    generator = torch.Generator().manual_seed(4)
    assert pathwise_gradient(step, 1.0, 1.0, 1000, generator=generator)[0].abs().max() == 0
    grad_mu, _ = score_function_gradient(step, 1.0, 1.0, N, generator=generator)
    assert abs(grad_mu.mean().item() - exact) < 4 * grad_mu.std().item() / math.sqrt(N)


def test_shapes_seeding_and_vector_parameters():
    cost = lambda z: ((z - 1.0) ** 2).sum(1)  # z: (n, 3) -> (n,)
    mu, sigma = torch.tensor([0.0, 1.0, 2.0]), 0.5
    for estimator in (pathwise_gradient, score_function_gradient):
        first = estimator(cost, mu, sigma, 7, generator=torch.Generator().manual_seed(5))
        again = estimator(cost, mu, sigma, 7, generator=torch.Generator().manual_seed(5))
        assert [g.shape for g in first] == [(7, 3), (7, 3)]
        assert all(g.dtype == torch.float64 for g in first)
        assert all(torch.equal(a, b) for a, b in zip(first, again))
    grad_mu, _ = pathwise_gradient(lambda z: z, 2.0, 3.0, 5)  # d/dmu (mu + sigma eps) = 1
    assert torch.equal(grad_mu, torch.ones(5, dtype=torch.float64))


def test_summarize_gives_mean_and_variance_with_standard_errors():
    samples = torch.randn(100_000, generator=torch.Generator().manual_seed(6), dtype=torch.float64)
    summary = summarize(samples * 3 + 1)
    assert summary.mean == pytest.approx(1, abs=4 * summary.mean_error)
    assert summary.mean_error == pytest.approx(3 / math.sqrt(100_000), rel=0.01)
    assert summary.variance == pytest.approx(9, abs=4 * summary.variance_error)
    assert summary.variance_error == pytest.approx(9 * math.sqrt(2 / 100_000), rel=0.05)  # normal: sqrt(2/n) var
    with pytest.raises(ValueError, match="n >= 2"):
        summarize(torch.zeros(1))
    with pytest.raises(TypeError, match="torch.Tensor"):
        summarize([1.0, 2.0])


def test_bad_arguments_raise_clear_errors():
    cost = quadratic(0.0)
    for estimator in (pathwise_gradient, score_function_gradient):
        for sigma in (0.0, -1.0, torch.tensor([1.0, 0.0])):
            with pytest.raises(ValueError, match="sigma must be positive"):
                estimator(cost, 0.0, sigma, 10)
        with pytest.raises(ValueError, match="n_samples must be a positive int"):
            estimator(cost, 0.0, 1.0, 0)
        with pytest.raises(TypeError, match="n_samples"):
            estimator(cost, 0.0, 1.0, 10.0)
        with pytest.raises(TypeError, match="cost must be callable"):
            estimator("cost", 0.0, 1.0, 10)
        with pytest.raises(ValueError, match="one value per sample"):
            estimator(lambda z: z.sum(), 0.0, 1.0, 10)
        with pytest.raises(ValueError, match="broadcastable"):
            estimator(cost, torch.zeros(2), torch.ones(3), 10)
        with pytest.raises(TypeError, match="generator"):
            estimator(cost, 0.0, 1.0, 10, generator=0)
    with pytest.raises(ValueError, match="sigma must be a positive number"):
        quadratic_reference(0.0, 0.0, 1.0)
