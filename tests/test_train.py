import pytest
import torch

from aebook.models import MLPAutoencoder
from aebook.train import (
    epochs_for_steps,
    evaluate,
    map_batches,
    pick_device,
    seed_everything,
    train,
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
