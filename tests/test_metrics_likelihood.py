"""Specifications of aebook.metrics.likelihood: the importance-weighted bound of chapter 8."""
import pytest
import torch

from aebook.losses import negative_elbo
from aebook.metrics import importance_weighted_bound
from aebook.models import VAE


def test_importance_weighted_bound_starts_at_the_elbo_and_rises_with_k():
    torch.manual_seed(0)
    model = VAE(code_size=2, hidden_size=16)
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


def test_importance_weighted_bound_rejects_bad_arguments():
    x, mu = torch.zeros(2, 784), torch.zeros(2, 3)
    with pytest.raises(ValueError, match="samples must be a positive int"):
        importance_weighted_bound(lambda z: z, x, mu, mu, samples=0)
    with pytest.raises(TypeError, match="decode must be callable"):
        importance_weighted_bound(None, x, mu, mu)
