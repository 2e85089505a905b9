"""Monte-Carlo gradient estimators for E_{z ~ N(mu, sigma^2)}[cost(z)] (chapter 6).

Two ways to estimate the gradient of an expectation with respect to the parameters of the
distribution the expectation is taken over:

- :func:`pathwise_gradient`, the reparameterization trick (Kingma & Welling 2014; Rezende et al.
  2014): write z = mu + sigma * epsilon with epsilon ~ N(0, I) and differentiate through cost.
- :func:`score_function_gradient`, REINFORCE (Williams 1992): cost(z) * grad log q(z), which
  needs no derivative of cost.

Both return one estimate per sample, so their means and variances can be measured; the
average over samples is the usual Monte-Carlo estimator. :func:`quadratic_reference` gives the
closed forms for the cost (z - c)^2 (Mohamed et al. 2020, section 3). Everything is computed in
float64 so that variances measured from millions of samples are not limited by rounding.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Callable

import torch

from ._checks import check_positive, check_size, is_real

__all__ = ["pathwise_gradient", "score_function_gradient", "Summary", "summarize",
           "QuadraticReference", "quadratic_reference"]


def _check_arguments(cost, mu, sigma, n_samples, generator) -> tuple:
    """Checked (mu, sigma) as float64 tensors of one shape, each copied once per sample and
    marked for autograd: (n_samples, *shape). One copy per sample makes autograd return one
    gradient per sample instead of their sum."""
    if not callable(cost):
        raise TypeError("cost must be callable as cost(z: (n_samples, ...)) -> (n_samples,)")
    check_size("n_samples", n_samples)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {type(generator).__name__}")
    values = []
    for name, value in (("mu", mu), ("sigma", sigma)):
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, torch.Tensor)):
            raise TypeError(f"{name} must be a number or a torch.Tensor, got {type(value).__name__}")
        value = torch.as_tensor(value, dtype=torch.float64).detach()
        if not torch.isfinite(value).all():
            raise ValueError(f"{name} must be finite")
        values.append(value)
    mu, sigma = values
    if not (sigma > 0).all():
        raise ValueError(f"sigma must be positive, got {sigma.min().item()}")
    try:
        mu, sigma = torch.broadcast_tensors(mu, sigma)
    except RuntimeError:
        raise ValueError(f"mu and sigma must have broadcastable shapes, got "
                         f"{tuple(mu.shape)} and {tuple(sigma.shape)}") from None
    return tuple(value.expand(n_samples, *value.shape).clone().requires_grad_()
                 for value in (mu, sigma))


def _costs(cost, z: torch.Tensor) -> torch.Tensor:
    """cost(z) checked to be one number per sample: (n_samples,)."""
    values = cost(z)
    if not isinstance(values, torch.Tensor) or values.shape != z.shape[:1]:
        shape = tuple(values.shape) if isinstance(values, torch.Tensor) else type(values).__name__
        raise ValueError(f"cost must return one value per sample, shape ({len(z)},), got {shape}")
    return values


def pathwise_gradient(cost: Callable, mu, sigma, n_samples: int,
                      generator: torch.Generator | None = None) -> tuple:
    """Per-sample pathwise (reparameterized) estimates of the gradient of E_q[cost(z)].

    z = mu + sigma * epsilon with epsilon ~ N(0, I): the randomness sits in epsilon alone, so
    autograd differentiates cost(z) along the path from (mu, sigma) to z. Needs a cost that is
    differentiable in z: a step function, or a cost cut from the graph, gets gradient zero.

    Args:
        cost: cost(z: (n_samples, *shape)) -> (n_samples,), one value per sample, in torch ops.
        mu, sigma: numbers or tensors of shape ``shape`` (broadcast together); sigma > 0.
        n_samples: how many estimates to draw, >= 1.
        generator: a seeded torch.Generator for reproducible draws (None: the global one).
    Returns:
        (grad_mu, grad_sigma), each (n_samples, *shape) float64: one estimate per sample.
    """
    mu, sigma = _check_arguments(cost, mu, sigma, n_samples, generator)
    epsilon = torch.randn(mu.shape, generator=generator, dtype=torch.float64)
    z = mu + sigma * epsilon  # the reparameterization trick
    total = _costs(cost, z).sum()
    if not total.requires_grad:  # e.g. a step function: its derivative is zero almost everywhere
        return torch.zeros_like(mu), torch.zeros_like(sigma)
    return torch.autograd.grad(total, (mu, sigma), materialize_grads=True)


def score_function_gradient(cost: Callable, mu, sigma, n_samples: int,
                            generator: torch.Generator | None = None,
                            baseline: float = 0.0) -> tuple:
    """Per-sample score-function (REINFORCE) estimates of the gradient of E_q[cost(z)].

    (cost(z) - baseline) * grad_(mu, sigma) log q(z), with z drawn and then cut from the graph:
    cost is only evaluated, never differentiated, so it may be a step function or a black box.
    A constant baseline leaves the mean unchanged (E_q[grad log q] = 0) and can lower the variance.

    Args:
        cost: cost(z: (n_samples, *shape)) -> (n_samples,), one value per sample.
        mu, sigma: numbers or tensors of shape ``shape`` (broadcast together); sigma > 0.
        n_samples: how many estimates to draw, >= 1.
        generator: a seeded torch.Generator for reproducible draws (None: the global one).
        baseline: a number subtracted from every cost (a control variate).
    Returns:
        (grad_mu, grad_sigma), each (n_samples, *shape) float64: one estimate per sample.
    """
    if not is_real(baseline):
        raise TypeError(f"baseline must be a number, got {type(baseline).__name__}")
    mu, sigma = _check_arguments(cost, mu, sigma, n_samples, generator)
    epsilon = torch.randn(mu.shape, generator=generator, dtype=torch.float64)
    z = (mu + sigma * epsilon).detach()  # a plain sample: no path back to mu and sigma
    with torch.no_grad():
        weights = _costs(cost, z) - baseline  # (n_samples,)
    log_q = torch.distributions.Normal(mu, sigma).log_prob(z).reshape(n_samples, -1).sum(1)
    return torch.autograd.grad((weights * log_q).sum(), (mu, sigma))


@dataclass(frozen=True)
class Summary:
    """Mean and variance of per-sample estimates, each with its Monte-Carlo standard error."""

    mean: float
    mean_error: float  # sd / sqrt(n)
    variance: float
    variance_error: float  # sd of (x - mean)^2 / sqrt(n): large for heavy-tailed estimates


def summarize(estimates: torch.Tensor) -> Summary:
    """estimates: (n,) with n >= 2, one estimate per sample -> their :class:`Summary`."""
    if not isinstance(estimates, torch.Tensor):
        raise TypeError(f"estimates must be a torch.Tensor, got {type(estimates).__name__}")
    if estimates.dim() != 1 or len(estimates) < 2:
        raise ValueError(f"estimates must be (n,) with n >= 2, got shape {tuple(estimates.shape)}")
    estimates = estimates.detach().double()
    root_n = len(estimates) ** 0.5
    squares = (estimates - estimates.mean()) ** 2
    return Summary(mean=estimates.mean().item(), mean_error=estimates.std().item() / root_n,
                   variance=estimates.var().item(), variance_error=squares.std().item() / root_n)


@dataclass(frozen=True)
class QuadraticReference:
    """Closed forms for cost(z) = (z - c)^2 with z ~ N(mu, sigma^2) (one dimension).

    With d = mu - c: E[cost] = d^2 + sigma^2, so the gradient is (2 d, 2 sigma). For the mu
    component, per-sample variances: pathwise 4 sigma^2; score function d^4 / sigma^2 +
    14 d^2 + 15 sigma^2; score function with baseline E[cost], 8 d^2 + 10 sigma^2.
    """

    expected_cost: float
    gradient_mu: float
    gradient_sigma: float
    pathwise_variance: float
    score_function_variance: float
    score_function_baseline_variance: float


def quadratic_reference(mu: float, sigma: float, c: float) -> QuadraticReference:
    """The exact values that the estimators of d/dmu E[(z - c)^2], z ~ N(mu, sigma^2), should hit."""
    for name, value in (("mu", mu), ("c", c)):
        if not is_real(value):
            raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    sigma = check_positive("sigma", sigma)
    d = float(mu) - float(c)
    return QuadraticReference(
        expected_cost=d ** 2 + sigma ** 2,
        gradient_mu=2 * d,
        gradient_sigma=2 * sigma,
        pathwise_variance=4 * sigma ** 2,
        score_function_variance=d ** 4 / sigma ** 2 + 14 * d ** 2 + 15 * sigma ** 2,
        score_function_baseline_variance=8 * d ** 2 + 10 * sigma ** 2)
