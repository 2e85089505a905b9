import pytest
import torch

from aebook.losses import (
    kl_divergence,
    kl_sparsity,
    l1_sparsity,
    reconstruction_error,
)


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
