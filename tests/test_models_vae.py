"""Specifications of aebook.models.vae: the reparameterization trick and the three VAEs that
share VAEBase: the VAE of chapters 6 to 8, the convolutional VAE and the conditional VAE of
chapter 11."""
import math

import pytest
import torch
from torch.nn import functional as F

from aebook.losses import negative_elbo
from aebook.models import VAE, ConditionalVAE, ConvVAE, VAEBase, reparameterize


def test_vae_shapes_through_the_model():
    model = VAE(code_size=3, hidden_size=16)
    x = torch.rand(5, 784)
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (5, 3)
    assert model.decode(model.reparameterize(mu, logvar)).shape == (5, 784)
    logits, mu, logvar = model(x)
    assert logits.shape == (5, 784) and mu.shape == (5, 3)


def test_reparameterize_passes_gradients_to_mu_and_logvar():
    mu = torch.tensor([[0.5, -1.0]], requires_grad=True)
    logvar = torch.tensor([[0.2, -0.4]], requires_grad=True)
    torch.manual_seed(0)
    z = reparameterize(mu, logvar)
    z.sum().backward()
    torch.manual_seed(0)
    epsilon = torch.randn(1, 2)
    # z = mu + exp(logvar / 2) * epsilon: dz/dmu = 1, dz/dlogvar = exp(logvar / 2) * epsilon / 2
    assert torch.allclose(mu.grad, torch.ones(1, 2))
    assert torch.allclose(logvar.grad, 0.5 * torch.exp(0.5 * logvar.detach()) * epsilon)


def test_reparameterize_samples_the_right_gaussian():
    mu, logvar = torch.tensor([1.0, -2.0]), torch.tensor([0.0, math.log(4.0)])
    z = reparameterize(mu.expand(200_000, 2), logvar.expand(200_000, 2))
    assert torch.allclose(z.mean(0), mu, atol=0.02)
    assert torch.allclose(z.var(0), logvar.exp(), rtol=0.02)


def test_an_untrained_model_scores_near_log_2_per_pixel_and_training_helps():
    torch.manual_seed(0)
    model = VAE(code_size=2, hidden_size=32)
    torch.nn.init.zeros_(model.decoder[-1].weight), torch.nn.init.zeros_(model.decoder[-1].bias)
    x = torch.bernoulli(torch.full((64, 784), 0.5))
    logits, mu, logvar = model(x)
    before = negative_elbo(logits, x, mu, logvar).mean().item()
    assert before == pytest.approx(784 * math.log(2), rel=0.01)  # logits 0: every pixel a coin flip
    images = torch.rand(256, 784).round()
    images[:, :392] = 0  # structure the decoder can learn: the top half is always black
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(100):
        logits, mu, logvar = model(images)
        loss = negative_elbo(logits, images, mu, logvar).mean()
        optimizer.zero_grad(), loss.backward(), optimizer.step()
    assert loss.item() < 0.6 * 784 * math.log(2)


def test_vae_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="code_size must be a positive int"):
        VAE(code_size=0)
    with pytest.raises(TypeError, match="hidden_size must be a positive int"):
        VAE(hidden_size=400.0)
    with pytest.raises(ValueError, match="mu and logvar must have the same shape"):
        reparameterize(torch.zeros(2, 3), torch.zeros(2, 2))


def test_conv_vae_shapes_through_the_model():
    model = ConvVAE(code_size=5)
    x = torch.rand(3, 784)
    mu, logvar = model.encode(x)
    assert mu.shape == logvar.shape == (3, 5)
    logits, mu, logvar = model(x)
    assert logits.shape == (3, 784) and negative_elbo(logits, x, mu, logvar).shape == (3,)


def test_conv_vae_has_far_fewer_parameters_than_the_mlp_vae_at_the_same_code_size():
    count = lambda model: sum(parameter.numel() for parameter in model.parameters())
    assert count(ConvVAE(20)) < count(VAE(20)) / 4


def test_a_pixel_of_the_output_depends_on_every_latent_dimension():
    model = ConvVAE(code_size=4)
    z = torch.randn(1, 4, requires_grad=True)
    model.decode(z)[0, 400].backward()
    assert (z.grad != 0).all()


def test_conv_vae_bad_arguments_raise():
    with pytest.raises(ValueError, match="multiple of 4"):
        ConvVAE(image_size=30)
    with pytest.raises(ValueError, match="two ints"):
        ConvVAE(channels=(8, 16, 32))


def test_conditional_vae_shapes_through_the_model():
    model = ConditionalVAE(code_size=3, hidden_size=16, classes=4)
    x, y = torch.rand(5, 784), F.one_hot(torch.arange(5) % 4, 4).float()
    mu, logvar = model.encode(x, y)
    assert mu.shape == logvar.shape == (5, 3)
    assert model.decode(mu, y).shape == (5, 784)
    logits, mu, logvar = model(x, y)
    assert logits.shape == (5, 784) and negative_elbo(logits, x, mu, logvar).shape == (5,)


def test_the_label_reaches_encoder_and_decoder():
    torch.manual_seed(0)
    model = ConditionalVAE(code_size=2, hidden_size=16, classes=3)
    x, z = torch.rand(1, 784), torch.zeros(1, 2)
    first, second = torch.eye(3)[:1], torch.eye(3)[1:2]
    assert not torch.allclose(model.encode(x, first)[0], model.encode(x, second)[0])
    assert not torch.allclose(model.decode(z, first), model.decode(z, second))


def test_the_decoder_reads_z_then_the_one_hot_label():
    model = ConditionalVAE(code_size=2, hidden_size=8, classes=3)
    z, y = torch.randn(4, 2), torch.eye(3)[[0, 1, 2, 0]]
    assert torch.equal(model.decode(z, y), model.decoder(torch.cat([z, y], 1)))
    assert model.decoder[0].in_features == 5


def test_conditional_vae_bad_sizes_raise():
    with pytest.raises(ValueError, match="classes must be a positive int"):
        ConditionalVAE(classes=0)


def test_the_three_vaes_share_one_base_and_only_the_conditional_one_takes_labels():
    x, y = torch.rand(3, 784), torch.eye(10)[:3]
    for model in (VAE(code_size=2), ConvVAE(code_size=2), ConditionalVAE(code_size=2)):
        assert isinstance(model, VAEBase)
        assert type(model).forward is VAEBase.forward and type(model).encode is VAEBase.encode
    with pytest.raises(TypeError, match="takes no condition y"):
        VAE(code_size=2).encode(x, y)
    with pytest.raises(TypeError, match="needs the labels y"):
        ConditionalVAE(code_size=2)(x)
