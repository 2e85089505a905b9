"""Specifications of aebook.train.recipes: train_vae, train_classifier and the dead-code restart."""

import pytest
import torch

from aebook.losses import vae_loss
from aebook.metrics import accuracy
from aebook.models import VAE
from aebook.train import restart_dead_codes, train, train_classifier, train_vae


def vae_images(n=64, seed=0):
    return torch.rand(n, 784, generator=torch.Generator().manual_seed(seed))


def test_the_same_arguments_give_the_same_weights():
    first, _ = train_vae(vae_images(), 2, steps=3, seed=0, device="cpu")
    second, _ = train_vae(vae_images(), 2, steps=3, seed=0, device="cpu")
    other, _ = train_vae(vae_images(), 2, steps=3, seed=1, device="cpu")
    for a, b in zip(first.parameters(), second.parameters()):
        assert torch.equal(a, b)
    assert not all(torch.equal(a, c) for a, c in zip(first.parameters(), other.parameters()))


def test_train_vae_lowers_the_loss_and_returns_a_vae_in_eval_mode():
    model, history = train_vae(vae_images(256), 2, steps=40, device="cpu")
    assert isinstance(model, VAE) and not model.training and model.to_mu.out_features == 2
    assert history.losses[-1] < history.losses[0]


def test_a_custom_loss_is_used_instead_of_the_elbo():
    calls = []

    def loss_fn(model, x):
        calls.append(len(x))
        return model(x)[0].pow(2).mean()

    train_vae(vae_images(), 2, steps=2, loss_fn=loss_fn, device="cpu")
    assert calls == [64, 64]


def test_train_vae_takes_the_hidden_size_rate_and_schedule_of_chapter_10():
    # chapter 10's smaller VAEs: a narrower hidden layer, Adam 2e-3 with a cosine schedule
    model, history = train_vae(vae_images(100), 3, hidden_size=16, lr=2e-3, schedule="cosine",
                               steps=5, batch_size=32, device="cpu", progress=False)
    assert model.to_mu.in_features == 16 and model.to_mu.out_features == 3
    assert history.steps[-1] == 5 and history.learning_rates[-1] == 0.0


def test_train_vae_is_the_shared_loop_on_a_seeded_vae():
    model, history = train_vae(vae_images(), 2, steps=3, seed=5, device="cpu", progress=False)
    torch.manual_seed(5)
    twin = VAE(2)
    twin_history = train(twin, vae_images(), steps=3, loss_fn=vae_loss(), seed=5, device="cpu",
                         progress=False)
    assert history.losses == twin_history.losses
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), twin.parameters()))


def test_train_vae_rejects_bad_arguments():
    with pytest.raises(TypeError, match="seed"):
        train_vae(vae_images(), 2, steps=2, seed="0")
    with pytest.raises(ValueError, match="hidden_size"):
        train_vae(vae_images(), 2, hidden_size=0)
    with pytest.raises(ValueError, match="schedule"):
        train_vae(vae_images(), 2, schedule="linear")
    with pytest.raises(ValueError, match="must have 2 dimensions"):
        train_vae(vae_images().view(64, 28, 28), 2)


def blobs(n_per_class=100, classes=3, features=10, seed=0):
    generator = torch.Generator().manual_seed(seed)
    labels = torch.arange(classes).repeat_interleave(n_per_class)
    images = 3 * torch.eye(classes, features)[labels] + 0.2 * torch.randn(len(labels), features,
                                                                       generator=generator)
    return images, labels


@pytest.mark.parametrize("schedule", ["cosine", "constant"])
def test_trained_classifier_separates_separable_classes(schedule):
    images, labels = blobs()
    test_images, test_labels = blobs(seed=1)
    model = train_classifier(images, labels, hidden_size=16, steps=300, batch_size=32,
                             schedule=schedule, device="cpu", progress=False)
    assert not model.training  # returned in eval mode
    assert accuracy(model(test_images).detach(), test_labels) > 0.95  # chance: 1/3


def test_classifier_training_is_seeded():
    images, labels = blobs()
    first, second, third = (train_classifier(images, labels, hidden_size=8, steps=20, seed=seed,
                                             device="cpu", progress=False) for seed in (3, 3, 4))
    assert torch.equal(first.first.weight, second.first.weight)
    assert not torch.equal(first.first.weight, third.first.weight)


def test_train_classifier_rejects_labels_that_are_not_one_per_row():
    with pytest.raises(ValueError, match="one label per row"):
        train_classifier(torch.rand(4, 3), torch.tensor([0, 1, 0]))  # one label short


def test_restart_moves_only_dead_rows_onto_encoder_outputs():
    codebook, vectors = torch.zeros(5, 3), torch.randn(20, 3) + 10
    counts = torch.tensor([4, 0, 1, 0, 2])
    new = restart_dead_codes(codebook, vectors, counts)
    assert torch.equal(new[counts > 0], codebook[counts > 0])
    for row in new[counts == 0]:
        assert (vectors == row).all(1).any(), "a restarted row should be one of the vectors"
    assert new.data_ptr() != codebook.data_ptr() and not new.requires_grad


def test_restart_rejects_mismatched_shapes():
    with pytest.raises(ValueError):
        restart_dead_codes(torch.zeros(5, 3), torch.randn(4, 2), torch.zeros(5))
    with pytest.raises(ValueError):
        restart_dead_codes(torch.zeros(5, 3), torch.randn(4, 3), torch.zeros(4))
