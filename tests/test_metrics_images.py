"""Specifications of aebook.metrics.images: sharpness (gradient energy) and the fraction of
variance a reconstruction leaves unexplained."""
import pytest
import torch

from aebook.metrics import (
    erased_ink_restored,
    fraction_of_variance_unexplained,
    gradient_energy,
    nearest_distance,
)


def test_gradient_energy_is_zero_for_a_constant_image_and_counts_each_edge():
    constant = torch.full((1, 784), 0.3)
    stripe = torch.zeros(1, 28, 28)
    stripe[:, :, 14:] = 1.0  # one vertical edge, 28 rows long, of height 1
    energies = gradient_energy(torch.cat([constant, stripe.reshape(1, 784)]))
    assert energies[0] == 0 and energies[1] == 28


def test_gradient_energy_falls_when_an_image_is_blurred():
    image = (torch.rand(1, 28, 28, generator=torch.Generator().manual_seed(0)) > 0.5).float()
    blurred = torch.nn.functional.avg_pool2d(image[None], 3, stride=1, padding=1)[0]
    assert gradient_energy(blurred.reshape(1, 784)) < gradient_energy(image.reshape(1, 784))


def test_gradient_energy_rejects_images_of_the_wrong_size():
    with pytest.raises(ValueError):
        gradient_energy(torch.rand(2, 100))


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


def test_erased_ink_restored_is_zero_for_a_copy_and_one_for_the_clean_image():
    clean = torch.rand(8, 784, generator=torch.Generator().manual_seed(0))
    corrupted = clean * (torch.rand(8, 784, generator=torch.Generator().manual_seed(1)) > 0.5)
    assert erased_ink_restored(corrupted, clean, corrupted) == 0  # the holes copied
    assert torch.isclose(erased_ink_restored(clean, clean, corrupted), torch.tensor(1.0))
    assert torch.isclose(erased_ink_restored(0.5 * clean, clean, corrupted), torch.tensor(0.5))


def test_erased_ink_restored_needs_erased_ink_and_matching_shapes():
    clean = torch.rand(2, 784) + 0.1
    with pytest.raises(ValueError):
        erased_ink_restored(clean, clean, clean)  # nothing erased
    with pytest.raises(ValueError):
        erased_ink_restored(torch.rand(2, 100), clean, clean * 0)


def test_nearest_distance_is_zero_for_a_reference_and_the_least_squared_distance_otherwise():
    references = torch.rand(50, 784, generator=torch.Generator().manual_seed(0))
    images = torch.cat([references[7:8], torch.rand(3, 784, generator=torch.Generator().manual_seed(1))])
    distances = nearest_distance(images, references, batch_size=2)
    by_hand = ((images[:, None] - references[None]) ** 2).sum(-1).min(1).values
    assert distances.shape == (4,) and distances[0].abs() < 1e-3
    assert torch.allclose(distances, by_hand, rtol=1e-4, atol=1e-3)


def test_nearest_distance_rejects_images_of_another_size():
    with pytest.raises(ValueError):
        nearest_distance(torch.rand(2, 784), torch.rand(3, 100))
