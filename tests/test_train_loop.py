"""Specifications of aebook.train.loop: the one training loop (a step budget, several tensors
batched together, seeded runs), evaluate and map_batches, the device."""
import math

import pytest
import torch
from torch.nn import functional as F

from aebook.models import MLPAutoencoder
from aebook.train import evaluate, map_batches, pick_device, seed_everything, train


def rows(n=300, width=784, seed=1):
    return torch.rand(n, width, generator=torch.Generator().manual_seed(seed))


def small_model(seed=0):
    torch.manual_seed(seed)
    return MLPAutoencoder(code_size=4, hidden_sizes=(32,))


def small_run(seed=0, steps=12, **kwargs):
    model, images = small_model(seed), rows()
    history = train(model, images, steps=steps, batch_size=64, seed=seed, progress=False, **kwargs)
    return model, history, images


class Recorder:
    """A loss_fn that records the batches it is given and returns a loss of the model."""

    def __init__(self):
        self.batches = []

    def __call__(self, model, *batch):
        self.batches.append([value.clone() for value in batch])
        return model(batch[0]).pow(2).mean()


def test_exactly_the_given_number_of_steps_is_taken_also_mid_pass():
    # 300 rows in batches of 64: 5 batches a pass (the fifth of 44 rows); 12 steps end mid-pass
    record = Recorder()
    history = train(small_model(), rows(), steps=12, batch_size=64, loss_fn=record, progress=False)
    assert len(record.batches) == 12
    assert [len(batch[0]) for batch in record.batches] == [64, 64, 64, 64, 44] * 2 + [64, 64]
    assert history.steps == [5, 10, 12]  # one entry per pass, the last one partial


def test_log_every_makes_one_entry_per_block_of_steps():
    _, history, _ = small_run(steps=7, log_every=3)
    assert history.steps == [3, 6, 7]
    assert len(history.losses) == len(history.learning_rates) == 3


def test_each_pass_sees_every_row_once():
    record = Recorder()
    index = torch.arange(300.0)[:, None]  # each row is its own index
    train(small_model(), rows(), index, steps=5, batch_size=64, loss_fn=record, progress=False)
    seen = torch.cat([batch[1] for batch in record.batches]).flatten()
    assert torch.equal(seen.sort().values, index.flatten())


def test_several_tensors_are_sliced_with_the_same_rows():
    images, labels = rows(), torch.arange(300) % 10
    conditions = F.one_hot(labels, 10).float()
    record = Recorder()
    train(small_model(), images, labels, conditions, steps=6, batch_size=64, loss_fn=record,
          progress=False)
    for x, y, c in record.batches:
        assert x.shape[1:] == (784,) and y.dtype == torch.int64 and c.shape[1:] == (10,)
        rows_of_x = (x[:, None] == images[None]).all(-1).int().argmax(1)  # where each row came from
        assert torch.equal(labels[rows_of_x], y) and torch.equal(conditions[rows_of_x], c)


def test_the_batch_order_is_seeded_and_unchanged_by_what_loss_fn_draws():
    def orders(seed, draw):
        record = Recorder()

        def loss_fn(model, x, index):
            if draw:
                torch.randn(10)  # a VAE's loss samples: it must not move the batch order
            return record(model, x, index)

        train(small_model(), rows(), torch.arange(300), steps=8, batch_size=64, loss_fn=loss_fn,
              seed=seed, progress=False)
        return torch.cat([batch[1] for batch in record.batches])

    assert torch.equal(orders(0, draw=False), orders(0, draw=True))
    assert not torch.equal(orders(0, draw=False), orders(1, draw=False))
    # the first pass is torch.randperm of the seeded generator, as before steps were counted
    expected = torch.randperm(300, generator=torch.Generator().manual_seed(0))
    assert torch.equal(orders(0, draw=False)[:300], expected)


def test_the_same_seed_gives_the_same_weights_and_history():
    (first, first_history, _), (second, second_history, _) = small_run(), small_run()
    assert first_history.losses == second_history.losses
    for a, b in zip(first.parameters(), second.parameters()):
        assert torch.equal(a, b)


def test_training_lowers_the_loss_and_times_itself():
    _, history, _ = small_run(steps=30, lr=3e-3)
    assert history.losses[-1] < history.losses[0]
    assert history.final_loss == history.losses[-1]
    assert history.seconds > 0 and history.images_per_second > 0


def test_the_history_loss_is_the_batch_size_weighted_mean_of_its_steps():
    losses = iter([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])  # batches of 64, 64, 64, 64, 44, then 64

    def loss_fn(model, x):
        return model(x).sum() * 0 + next(losses)  # a differentiable constant

    history = train(small_model(), rows(), steps=6, batch_size=64, loss_fn=loss_fn, progress=False)
    assert history.losses[0] == pytest.approx((64 * (1 + 2 + 3 + 4) + 44 * 5) / 300)
    assert history.losses[1] == pytest.approx(6.0)


def test_cosine_schedule_falls_to_zero_at_the_last_step():
    _, history, _ = small_run(steps=12, schedule="cosine", lr=1e-3)
    assert history.learning_rates[0] == pytest.approx(0.5e-3 * (1 + math.cos(math.pi * 5 / 12)))
    assert history.learning_rates[-1] == 0.0


def test_constant_schedule_keeps_the_learning_rate():
    _, history, _ = small_run(steps=12, lr=1e-3)
    assert history.learning_rates == [1e-3] * 3


def test_evaluate_takes_several_tensors_and_weights_batches_by_size():
    model, images = small_model(), rows(50)
    labels = torch.arange(50)

    def loss_fn(model, x, y):
        return y.float().mean()  # the mean label of the batch

    assert evaluate(model, images, labels, loss_fn=loss_fn, batch_size=7) == pytest.approx(24.5)


def test_evaluate_is_repeatable_and_leaves_the_callers_random_stream_alone():
    model, images = small_model(), rows(40)

    def noisy_loss(model, x):  # samples, as a VAE's loss does
        return ((model(x) - x + 0.1 * torch.randn_like(x)) ** 2).mean()

    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    first = evaluate(model, images, loss_fn=noisy_loss)
    assert torch.equal(torch.rand(3), expected_next)
    assert evaluate(model, images, loss_fn=noisy_loss) == first
    assert evaluate(model, images, loss_fn=noisy_loss, seed=1) != first


def test_map_batches_matches_one_big_batch():
    model, images = small_model(), rows(50)
    assert torch.allclose(map_batches(model.encode, images, batch_size=7),
                          model.encode(images).detach(), atol=1e-6)


def test_map_batches_takes_several_tensors_and_returns_tuples_as_tuples():
    images, shifts = rows(50), torch.arange(50.0)[:, None]
    first, second = map_batches(lambda x, s: (x.sum(1), x[:, :2] + s), images, shifts, batch_size=7)
    assert torch.allclose(first, images.sum(1), atol=1e-4)
    assert torch.equal(second, images[:, :2] + shifts)


def test_pick_device_takes_what_it_is_given():
    assert pick_device("cpu") == torch.device("cpu")
    assert pick_device(torch.device("cpu")) == torch.device("cpu")


@pytest.mark.parametrize("arguments, error, message", [
    ((), TypeError, "at least one tensor"),
    ((torch.zeros(4, 784, dtype=torch.long),), TypeError, "floating-point"),
    ((torch.rand(4, 784), torch.arange(3)), ValueError, "same number of rows"),
    ((torch.rand(4, 784), [0, 1, 2, 3]), TypeError, r"tensors\[1\] must be a torch.Tensor"),
    ((torch.rand(0, 784),), ValueError, "empty"),
])
def test_bad_data_is_rejected_by_train_evaluate_and_map_batches(arguments, error, message):
    model = MLPAutoencoder(code_size=2)
    with pytest.raises(error, match=message):
        train(model, *arguments, steps=1)
    with pytest.raises(error, match=message):
        evaluate(model, *arguments)
    with pytest.raises(error, match=message):
        map_batches(model, *arguments)


@pytest.mark.parametrize("settings, error, message", [
    ({}, TypeError, "steps"),  # steps has no default: the budget is always said
    ({"steps": 0}, ValueError, "steps must be a positive int"),
    ({"steps": 2.5}, TypeError, "steps must be a positive int"),
    ({"steps": 1, "epochs": 1}, TypeError, "epochs"),
    ({"steps": 1, "batch_size": 0}, ValueError, "batch_size"),
    ({"steps": 1, "lr": 0}, ValueError, "lr must be a positive number"),
    ({"steps": 1, "schedule": "step"}, ValueError, "schedule must be one of"),
    ({"steps": 1, "log_every": 0}, ValueError, "log_every"),
    ({"steps": 1, "seed": -1}, ValueError, "seed"),
    ({"steps": 1, "loss_fn": "mse"}, TypeError, "loss_fn must be callable"),
])
def test_bad_settings_are_rejected(settings, error, message):
    with pytest.raises(error, match=message):
        train(MLPAutoencoder(code_size=2), torch.rand(4, 784), **settings)


def test_a_loss_fn_that_returns_no_scalar_is_named():
    with pytest.raises(TypeError, match="loss_fn must return a scalar tensor"):
        train(MLPAutoencoder(code_size=2), torch.rand(4, 784), steps=1,
              loss_fn=lambda model, x: model(x), progress=False)


def test_a_model_that_is_no_module_and_a_negative_seed_are_named():
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        train("model", torch.rand(4, 784), steps=1)
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        seed_everything(-1)
