"""Specifications of aebook.models.ae: the Autoencoder base, the linear and MLP autoencoders,
and the one-hidden-layer ShallowAutoencoder (denoising in chapter 2, sparse by a penalty in 3)."""
import pytest
import torch

from aebook.losses import kl_sparsity
from aebook.models import Autoencoder, LinearAutoencoder, MLPAutoencoder, ShallowAutoencoder


@pytest.mark.parametrize("model_class", [LinearAutoencoder, MLPAutoencoder, ShallowAutoencoder])
def test_encode_decode_shapes(model_class):
    model = model_class(code_size=5)
    x = torch.rand(7, 784)
    assert model.encode(x).shape == (7, 5)
    assert model.decode(model.encode(x)).shape == (7, 784)
    assert model(x).shape == (7, 784)


def test_mlp_reconstruction_lies_in_the_unit_interval():
    reconstruction = MLPAutoencoder(code_size=3, hidden_sizes=(32, 16))(torch.randn(4, 784) * 10)
    assert reconstruction.min() >= 0 and reconstruction.max() <= 1


def test_linear_autoencoder_has_no_nonlinearity():
    model = LinearAutoencoder(code_size=4)
    x, y = torch.rand(3, 784), torch.rand(3, 784)
    # affine: f(x) + f(y) - f(0) == f(x + y)
    assert torch.allclose(model(x) + model(y) - model(torch.zeros(1, 784)), model(x + y), atol=1e-5)


def test_shallow_autoencoder_code_is_its_one_sigmoid_hidden_layer():
    model = ShallowAutoencoder(code_size=1000)
    x = torch.randn(6, 784) * 10
    code = model.encode(x)
    assert code.shape == (6, 1000) and code.min() >= 0 and code.max() <= 1
    assert torch.allclose(code, torch.sigmoid(x @ model.filters.T + model.encoder[0].bias))
    reconstruction = model(x)
    assert reconstruction.min() >= 0 and reconstruction.max() <= 1
    assert model.filters.shape == (1000, 784)


def test_shallow_autoencoder_is_not_affine():
    model = ShallowAutoencoder(code_size=8, input_size=2)
    x, y = torch.randn(3, 2) * 3, torch.randn(3, 2) * 3
    inner = lambda z: model.decoder[0](model.encode(z))  # before the output sigmoid
    assert not torch.allclose(inner(x) + inner(y) - inner(torch.zeros(1, 2)), inner(x + y), atol=1e-3)


def test_shallow_autoencoder_is_overcomplete_by_default_and_shares_the_autoencoder_interface():
    model = ShallowAutoencoder()
    assert isinstance(model, Autoencoder)
    assert model.encoder[0].out_features == 1000 > model.encoder[0].in_features == 784


def test_shallow_autoencoder_code_is_in_the_unit_interval_and_feeds_the_sparsity_penalties():
    model = ShallowAutoencoder(code_size=30)
    code = model.encode(torch.rand(16, 784))
    assert torch.equal(model(torch.ones(1, 784)), model.decode(model.encode(torch.ones(1, 784))))
    assert code.shape == (16, 30) and code.min() > 0 and code.max() < 1
    assert model(torch.rand(2, 784)).shape == (2, 784)
    assert kl_sparsity(code, rho=0.05).item() > 0  # sigmoid(about 0) = 0.5, far from 0.05


def test_bad_sizes_raise_clear_errors():
    with pytest.raises(ValueError, match="code_size must be a positive int"):
        LinearAutoencoder(code_size=0)
    with pytest.raises(TypeError, match="code_size must be a positive int"):
        MLPAutoencoder(code_size=2.5)
    with pytest.raises(TypeError, match="hidden_sizes must be a sequence"):
        MLPAutoencoder(hidden_sizes=256)
    with pytest.raises(ValueError, match="input_size must be a positive int"):
        ShallowAutoencoder(input_size=0)
    with pytest.raises(ValueError, match="code_size must be a positive int"):
        ShallowAutoencoder(code_size=0)
