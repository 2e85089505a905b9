"""Specifications of aebook.models.cvae: the conditional VAE of chapter 11."""
import pytest
import torch
from torch.nn import functional as F

from aebook.models import ConditionalVAE, negative_elbo


def test_shapes_through_the_model():
    model = ConditionalVAE(latent_size=3, hidden_size=16, classes=4)
    x, y = torch.rand(5, 784), F.one_hot(torch.arange(5) % 4, 4).float()
    mu, logvar = model.encode(x, y)
    assert mu.shape == logvar.shape == (5, 3)
    assert model.decode(mu, y).shape == (5, 784)
    logits, mu, logvar = model(x, y)
    assert logits.shape == (5, 784) and negative_elbo(logits, x, mu, logvar).shape == (5,)


def test_the_label_reaches_encoder_and_decoder():
    torch.manual_seed(0)
    model = ConditionalVAE(latent_size=2, hidden_size=16, classes=3)
    x, z = torch.rand(1, 784), torch.zeros(1, 2)
    first, second = torch.eye(3)[:1], torch.eye(3)[1:2]
    assert not torch.allclose(model.encode(x, first)[0], model.encode(x, second)[0])
    assert not torch.allclose(model.decode(z, first), model.decode(z, second))


def test_the_decoder_reads_z_then_the_one_hot_label():
    model = ConditionalVAE(latent_size=2, hidden_size=8, classes=3)
    z, y = torch.randn(4, 2), torch.eye(3)[[0, 1, 2, 0]]
    assert torch.equal(model.decode(z, y), model.decoder(torch.cat([z, y], 1)))
    assert model.decoder[0].in_features == 5


def test_bad_sizes_raise():
    with pytest.raises(ValueError, match="classes must be a positive int"):
        ConditionalVAE(classes=0)
