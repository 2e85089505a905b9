"""Specifications of aebook.vae_training: the one VAE recipe chapters 6 to 8 retrain with."""
import pytest
import torch

from aebook.models import VAE, negative_elbo
from aebook.vae_training import train_vae, vae_loss


def images(n=64, seed=0):
    return torch.rand(n, 784, generator=torch.Generator().manual_seed(seed))


def test_the_same_arguments_give_the_same_weights():
    first, _ = train_vae(images(), 2, steps=3, seed=0, device="cpu")
    second, _ = train_vae(images(), 2, steps=3, seed=0, device="cpu")
    other, _ = train_vae(images(), 2, steps=3, seed=1, device="cpu")
    for a, b in zip(first.parameters(), second.parameters()):
        assert torch.equal(a, b)
    assert not all(torch.equal(a, c) for a, c in zip(first.parameters(), other.parameters()))


def test_training_lowers_the_loss_and_returns_a_vae_in_eval_mode():
    model, history = train_vae(images(256), 2, steps=40, device="cpu")
    assert isinstance(model, VAE) and not model.training and model.to_mu.out_features == 2
    assert history.epoch_losses[-1] < history.epoch_losses[0]


def test_vae_loss_is_the_mean_negative_elbo_with_the_same_sample():
    model, x = VAE(2, hidden_size=8), images(5)
    torch.manual_seed(0)
    loss = vae_loss("gaussian", sigma=0.3)(model, x)
    torch.manual_seed(0)
    logits, mu, logvar = model(x)
    assert torch.allclose(loss, negative_elbo(logits, x, mu, logvar, "gaussian", 0.3).mean())


def test_a_custom_loss_is_used_instead_of_the_elbo():
    calls = []

    def loss_fn(model, x):
        calls.append(len(x))
        return model(x)[0].pow(2).mean()

    train_vae(images(), 2, steps=2, loss_fn=loss_fn, device="cpu")
    assert calls == [64, 64]


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError):
        vae_loss("poisson")
    with pytest.raises(ValueError):
        vae_loss("gaussian", sigma=0.0)
    with pytest.raises(TypeError):
        train_vae(images(), 2, steps=2, seed="0")
