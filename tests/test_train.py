"""Specifications of aebook.train: the one training loop, the schedules (KL warm-up, the k
schedule), the recipes (train_vae, train_classifier) and the dead-code restart."""
import pytest
import torch

from aebook.metrics import accuracy
from aebook.models import VAE, MLPAutoencoder
from aebook.train import (
    epochs_for_steps,
    evaluate,
    kl_warmup,
    map_batches,
    pick_device,
    restart_dead_codes,
    scheduled_k,
    seed_everything,
    train,
    train_classifier,
    train_vae,
)


def small_run(seed=0, **kwargs):
    images = torch.rand(300, 784, generator=torch.Generator().manual_seed(1))
    torch.manual_seed(seed)
    model = MLPAutoencoder(code_size=4, hidden_sizes=(32,))
    history = train(model, images, epochs=3, batch_size=64, seed=seed, progress=False, **kwargs)
    return model, history, images


def test_training_is_deterministic_for_a_seed():
    first, second = small_run(), small_run()
    assert first[1].epoch_losses == second[1].epoch_losses
    for a, b in zip(first[0].parameters(), second[0].parameters()):
        assert torch.equal(a, b)


def test_training_lowers_the_loss_and_returns_a_history():
    model, history, images = small_run(lr=3e-3)
    assert len(history.epoch_losses) == 3
    assert history.epoch_losses[-1] < history.epoch_losses[0]
    assert history.seconds > 0 and history.images_per_second > 0
    assert evaluate(model, images) == pytest.approx(evaluate(model, images))


def test_cosine_schedule_ends_at_zero_learning_rate():
    _, history, _ = small_run(schedule="cosine", lr=1e-3)
    assert len(history.learning_rates) == 3
    assert 0 < history.learning_rates[0] < 1e-3
    assert history.learning_rates[-1] == pytest.approx(0.0, abs=1e-12)


def test_constant_schedule_keeps_the_learning_rate():
    _, history, _ = small_run(lr=1e-3)
    assert history.learning_rates == [1e-3] * 3


def test_evaluate_is_repeatable_and_leaves_the_callers_random_stream_alone():
    model = MLPAutoencoder(code_size=4, hidden_sizes=(32,))
    images = torch.rand(40, 784)

    def noisy_loss(model, x):  # samples, as a VAE's loss does
        return ((model(x) - x + 0.1 * torch.randn_like(x)) ** 2).mean()

    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    first = evaluate(model, images, loss_fn=noisy_loss)
    assert torch.equal(torch.rand(3), expected_next)
    assert evaluate(model, images, loss_fn=noisy_loss) == first


def test_map_batches_matches_one_big_batch():
    model = MLPAutoencoder(code_size=4, hidden_sizes=(32,))
    images = torch.rand(50, 784)
    assert torch.allclose(map_batches(model.encode, images, batch_size=7), model.encode(images).detach(),
                          atol=1e-6)


def test_pick_device_prefers_what_it_is_given():
    assert pick_device("cpu") == torch.device("cpu")
    assert pick_device().type in ("cpu", "cuda")


def test_bad_arguments_raise_clear_errors():
    model = MLPAutoencoder(code_size=2)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        train("model", torch.rand(4, 784))
    with pytest.raises(TypeError, match="floating-point"):
        train(model, torch.zeros(4, 784, dtype=torch.long))
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        train(model, torch.rand(4, 784), epochs=0)
    with pytest.raises(ValueError, match="schedule must be"):
        train(model, torch.rand(4, 784), schedule="step")
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        seed_everything(-1)


def test_a_step_budget_gives_the_same_number_of_steps_on_any_data_size():
    assert epochs_for_steps(4000, 60000, 256) == 18  # 235 batches an epoch
    assert epochs_for_steps(4000, 4000, 256) == 250  # 16 batches an epoch
    with pytest.raises(ValueError, match="steps must be a positive int"):
        epochs_for_steps(0, 10)


def test_kl_warmup_rises_linearly_from_zero_to_one_and_stays():
    assert [kl_warmup(step, 4) for step in range(7)] == [0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0]


def test_kl_warmup_rejects_bad_steps():
    with pytest.raises(ValueError, match="step"):
        kl_warmup(-1, 10)
    with pytest.raises(TypeError, match="step"):
        kl_warmup(1.5, 10)
    with pytest.raises(ValueError, match="warmup_steps"):
        kl_warmup(1, 0)


def test_scheduled_k_falls_linearly_over_the_first_half_then_holds():
    ks = [scheduled_k(10, step, 100, k_start=100) for step in range(100)]
    assert ks[0] == 100 and ks[25] == 55 and ks[50] == 10 and ks[-1] == 10
    assert all(a >= b for a, b in zip(ks, ks[1:]))
    assert scheduled_k(200, 0, 100, k_start=100) == 200  # already dense: no schedule
    with pytest.raises(ValueError, match="step must be a non-negative int"):
        scheduled_k(10, -1, 100)


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
    assert history.epoch_losses[-1] < history.epoch_losses[0]


def test_a_custom_loss_is_used_instead_of_the_elbo():
    calls = []

    def loss_fn(model, x):
        calls.append(len(x))
        return model(x)[0].pow(2).mean()

    train_vae(vae_images(), 2, steps=2, loss_fn=loss_fn, device="cpu")
    assert calls == [64, 64]


def test_train_vae_rejects_a_seed_that_is_not_an_int():
    with pytest.raises(TypeError):
        train_vae(vae_images(), 2, steps=2, seed="0")


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
