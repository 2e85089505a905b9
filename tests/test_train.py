"""Specifications of aebook.train: the one training loop (a step budget, several tensors batched
together, seeded runs), the schedules (KL warm-up, the k schedule), the recipes (train_vae,
train_classifier) and the dead-code restart."""
import math

import pytest
import torch
from torch.nn import functional as F

from aebook.losses import vae_loss
from aebook.metrics import accuracy
from aebook.models import VAE, MLPAutoencoder
from aebook.train import (
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
