"""Specifications of aebook.vae_training: the one VAE recipe chapters 6 to 8 retrain with."""
import pytest
import torch

from aebook.models import VAE, negative_elbo
from aebook.train import train
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
    assert history.losses[-1] < history.losses[0]


def test_hidden_size_rate_and_schedule_are_the_callers():
    # chapter 10's smaller VAEs: 256 hidden units, Adam 2e-3 with a cosine schedule
    model, history = train_vae(images(100), 3, hidden_size=16, lr=2e-3, schedule="cosine",
                               steps=5, batch_size=32, device="cpu", progress=False)
    assert model.to_mu.in_features == 16 and model.to_mu.out_features == 3
    assert history.steps[-1] == 5 and history.learning_rates[-1] == 0.0


def test_the_recipe_is_the_shared_loop_on_a_seeded_vae():
    model, history = train_vae(images(), 2, steps=3, seed=5, device="cpu", progress=False)
    torch.manual_seed(5)
    twin = VAE(2)
    twin_history = train(twin, images(), steps=3, loss_fn=vae_loss(), seed=5, device="cpu",
                         progress=False)
    assert history.losses == twin_history.losses
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), twin.parameters()))


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
    with pytest.raises(TypeError, match="seed"):
        train_vae(images(), 2, steps=2, seed="0")
    with pytest.raises(ValueError, match="hidden_size"):
        train_vae(images(), 2, hidden_size=0)
    with pytest.raises(ValueError, match="schedule"):
        train_vae(images(), 2, schedule="linear")
    with pytest.raises(ValueError, match="must have 2 dimensions"):
        train_vae(images().view(64, 28, 28), 2)
