"""Specifications of aebook.losses.sparsity: the sparsity and contractive penalties."""
import functools

import pytest
import torch
from torch.func import jacrev, vmap

from aebook.losses import contractive_loss, contractive_penalty, kl_sparsity, l1_sparsity
from aebook.models import ContractiveAutoencoder


def test_sparsity_penalties():
    code = torch.full((8, 5), 0.05)
    assert kl_sparsity(code, rho=0.05).item() == pytest.approx(0.0, abs=1e-6)
    assert kl_sparsity(torch.full((8, 5), 0.5), rho=0.05).item() > 0
    assert l1_sparsity(-code).item() == pytest.approx(0.25)


def test_a_bad_rho_raises_a_clear_error():
    with pytest.raises(ValueError, match="rho must be in"):
        kl_sparsity(torch.zeros(2, 2), rho=2.0)


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
