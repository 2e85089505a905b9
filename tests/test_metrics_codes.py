"""Specifications of aebook.metrics.codes: units in use, what a code tells about the class,
where codes lie, and what a unit responds to."""
import math

import numpy as np
import pytest
import torch

from aebook.metrics import (
    active_units,
    aggregate_posterior_log_density,
    class_purity,
    dead_units,
    knn_accuracy,
    latent_activity,
    linear_probe,
    mean_class_purity,
    top_activating,
)


def test_dead_units_are_the_units_that_no_code_uses():
    codes = torch.zeros(3, 8)
    codes[0, 1], codes[1, 1], codes[2, 5] = 2.0, -1.0, 0.5  # units 1 and 5 used; 6 of 8 dead
    assert dead_units(codes).float().mean().item() == pytest.approx(0.75)
    assert dead_units(torch.ones(2, 4)).float().mean().item() == 0.0
    with pytest.raises(TypeError, match="codes must be a floating-point tensor"):
        dead_units(torch.zeros(2, 4, dtype=torch.long))


def test_dead_units_are_those_zero_on_every_row():
    codes = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]])
    assert dead_units(codes).tolist() == [True, False, False]


def test_active_units_count_dimensions_whose_mean_varies_more_than_the_threshold():
    torch.manual_seed(0)
    mu = torch.randn(1000, 4) * torch.tensor([1.0, 0.5, 0.05, 0.0])  # variances 1, 0.25, 0.0025, 0
    assert torch.allclose(latent_activity(mu), torch.tensor([1.0, 0.25, 0.0025, 0.0]), rtol=0.15)
    assert active_units(mu) == 2
    assert active_units(mu, threshold=0.001) == 3


def test_active_units_reject_bad_arguments():
    with pytest.raises(ValueError, match="at least two"):
        active_units(torch.randn(1, 3))
    with pytest.raises(ValueError, match="threshold"):
        active_units(torch.randn(5, 3), threshold=0)
    with pytest.raises(TypeError, match="mu"):
        active_units(np.zeros((5, 3)))


def test_aggregate_posterior_density_of_one_gaussian_is_its_density():
    mu, logvar = torch.tensor([[1.0, -1.0]]), torch.tensor([[0.5, -0.5]])
    z = torch.randn(5, 2)
    expected = torch.distributions.Normal(mu, torch.exp(0.5 * logvar)).log_prob(z).sum(1)
    assert torch.allclose(aggregate_posterior_log_density(z, mu, logvar), expected.double(),
                          atol=1e-5)


def test_aggregate_posterior_density_averages_the_mixture_in_chunks():
    generator = torch.Generator().manual_seed(0)
    mu, logvar = torch.randn(7, 3, generator=generator), torch.randn(7, 3, generator=generator)
    z = torch.randn(10, 3, generator=generator)
    components = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    log_densities = components.log_prob(z[:, None]).sum(-1)  # (10, 7)
    expected = (torch.logsumexp(log_densities, 1) - math.log(7)).double()
    assert torch.allclose(aggregate_posterior_log_density(z, mu, logvar, chunk=3), expected,
                          atol=1e-5)


def test_knn_accuracy_is_one_on_separated_clusters_and_one_third_on_shuffled_labels():
    generator = torch.Generator().manual_seed(0)
    centres = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    labels = torch.arange(300) % 3
    codes = centres[labels] + torch.randn(300, 2, generator=generator)
    assert knn_accuracy(codes[:150], labels[:150], codes[150:], labels[150:], k=5) == 1.0
    shuffled = labels[torch.randperm(300, generator=generator)]
    assert knn_accuracy(codes[:150], labels[:150], codes[150:], shuffled[150:], k=5) < 0.6


def test_knn_accuracy_rejects_k_larger_than_the_training_codes():
    with pytest.raises(ValueError):
        knn_accuracy(torch.rand(3, 2), torch.zeros(3, dtype=torch.long), torch.rand(2, 2),
                     torch.zeros(2, dtype=torch.long), k=4)


def blobs(n_per_class: int, classes: int = 3, features: int = 5, spread: float = 0.3, seed: int = 0):
    """Gaussian blobs around well-separated centres: linearly separable up to rare outliers."""
    generator = torch.Generator().manual_seed(seed)
    centres = torch.eye(classes, features) * 4
    labels = torch.arange(classes).repeat_interleave(n_per_class)
    features = centres[labels] + spread * torch.randn(len(labels), features, generator=generator)
    return features, labels


def test_probe_beats_chance_on_separable_data():
    train_x, train_y = blobs(100)
    test_x, test_y = blobs(50, seed=1)
    assert linear_probe(train_x, train_y, test_x, test_y) > 0.95  # chance: 1/3


def test_probe_is_at_chance_when_features_carry_no_label():
    generator = torch.Generator().manual_seed(0)
    train_x, test_x = torch.randn(600, 4, generator=generator), torch.randn(3000, 4, generator=generator)
    train_y = torch.randint(0, 2, (600,), generator=generator)
    test_y = torch.randint(0, 2, (3000,), generator=generator)
    assert abs(linear_probe(train_x, train_y, test_x, test_y) - 0.5) < 0.05


def test_probe_is_seeded_and_handles_constant_features():
    train_x, train_y = blobs(40)
    test_x, test_y = blobs(40, seed=2)
    train_x = torch.cat([train_x, torch.zeros(len(train_x), 3)], 1)  # dead units: std 0
    test_x = torch.cat([test_x, torch.zeros(len(test_x), 3)], 1)
    first = linear_probe(train_x, train_y, test_x, test_y, seed=3)
    assert first == linear_probe(train_x, train_y, test_x, test_y, seed=3)
    assert first > 0.95


def test_probe_rejects_bad_arguments():
    x, y = blobs(10)
    with pytest.raises(ValueError, match="same number of columns"):
        linear_probe(x, y, x[:, :2], y)
    with pytest.raises(ValueError, match="one label per row"):
        linear_probe(x, y[:-1], x, y)
    with pytest.raises(TypeError, match="integer class indices"):
        linear_probe(x, y.float(), x, y)
    with pytest.raises(ValueError, match="weight_decay must be a non-negative number"):
        linear_probe(x, y, x, y, weight_decay=-1.0)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        linear_probe(x, y, x, y, steps=0)
    with pytest.raises(TypeError, match="train_features must be a torch.Tensor"):
        linear_probe(x.tolist(), y, x, y)


def test_top_activating_returns_the_largest_rows_of_each_unit_largest_first():
    activations = torch.tensor([[0.1, 5.0], [0.9, 1.0], [0.5, 3.0]])
    assert top_activating(activations, 2).tolist() == [[1, 2], [0, 2]]


def test_top_activating_rejects_count_above_the_rows():
    with pytest.raises(ValueError):
        top_activating(torch.rand(3, 2), 4)


def test_class_purity_is_one_for_a_unit_on_one_class_and_a_tenth_for_an_even_unit():
    labels = torch.arange(10).repeat(5)  # 50 rows, 5 per class
    one_class = (labels == 3).float()  # fires on class 3 only
    even = torch.ones(50)  # fires alike on every class
    purity = class_purity(torch.stack([one_class, even], 1), labels)
    assert purity.tolist() == pytest.approx([1.0, 0.1])


def test_class_purity_weights_by_activation_and_is_nan_for_a_silent_unit():
    labels = torch.tensor([0, 0, 1])
    activations = torch.tensor([[1.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    purity = class_purity(activations, labels)
    assert purity[0].item() == pytest.approx(0.5) and math.isnan(purity[1].item())


def test_class_purity_rejects_negative_activations_and_bad_labels():
    with pytest.raises(ValueError):
        class_purity(torch.tensor([[-1.0]]), torch.tensor([0]))
    with pytest.raises(TypeError):
        class_purity(torch.ones(2, 1), torch.tensor([0.0, 1.0]))


def test_mean_class_purity_counts_only_units_active_on_enough_rows():
    labels = torch.arange(10).repeat(2)  # 20 rows, 2 per class
    rare = torch.zeros(20)
    rare[0] = 1.0  # fires once: purity 1 by chance
    even = torch.ones(20)  # fires on every row: purity 0.1
    half = (labels < 5).float()  # fires on 10 rows of 5 classes: purity 0.2
    activations = torch.stack([rare, even, half], 1)
    assert mean_class_purity(activations, labels, min_active=8) == (pytest.approx(0.15), 2)
    assert mean_class_purity(activations, labels, min_active=1) == (
        pytest.approx((1 + 0.1 + 0.2) / 3), 3)
    mean, counted = mean_class_purity(activations, labels, min_active=21)
    assert math.isnan(mean) and counted == 0
    with pytest.raises(ValueError):
        mean_class_purity(activations, labels, min_active=0)
