import math

import pytest
import torch

from aebook.interpretability import (
    class_purity,
    dead_latents,
    fraction_of_variance_unexplained,
    top_activating,
)


def test_fvu_is_zero_for_a_perfect_reconstruction_and_one_for_the_mean():
    x = torch.randn(50, 6)
    assert fraction_of_variance_unexplained(x.clone(), x) == 0
    assert fraction_of_variance_unexplained(x.mean(0).expand_as(x), x) == pytest.approx(1.0)


def test_fvu_is_the_squared_error_over_the_variance_around_the_mean():
    x = torch.tensor([[0.0, 0.0], [2.0, 2.0]])  # mean (1, 1): total variance 4
    reconstruction = torch.tensor([[0.0, 1.0], [2.0, 2.0]])  # squared error 1
    assert fraction_of_variance_unexplained(reconstruction, x) == pytest.approx(0.25)


def test_fvu_rejects_shape_mismatch():
    with pytest.raises(ValueError):
        fraction_of_variance_unexplained(torch.zeros(3, 2), torch.zeros(3, 3))


def test_dead_latents_are_those_zero_on_every_row():
    codes = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]])
    assert dead_latents(codes).tolist() == [True, False, False]


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
