"""Specifications of aebook.models.conv_vae: the convolutional VAE of chapter 11."""
import pytest
import torch

from aebook.models import VAE, ConvVAE, negative_elbo


def test_shapes_through_the_model():
    model = ConvVAE(latent_size=5)
    x = torch.rand(3, 784)
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (3, 5)
    logits, mu, logvar = model(x)
    assert logits.shape == (3, 784) and negative_elbo(logits, x, mu, logvar).shape == (3,)


def test_it_has_far_fewer_parameters_than_the_mlp_vae_at_the_same_latent_size():
    count = lambda model: sum(parameter.numel() for parameter in model.parameters())
    assert count(ConvVAE(20)) < count(VAE(20)) / 4


def test_a_pixel_of_the_output_depends_on_every_latent_dimension():
    model = ConvVAE(latent_size=4)
    z = torch.randn(1, 4, requires_grad=True)
    model.decode(z)[0, 400].backward()
    assert (z.grad != 0).all()


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="multiple of 4"):
        ConvVAE(image_size=30)
    with pytest.raises(ValueError, match="two ints"):
        ConvVAE(channels=(8, 16, 32))
