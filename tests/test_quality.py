"""Specifications of aebook.quality: sharpness, aggregate-posterior density
and k-nearest-neighbour accuracy, the measures chapter 6 puts on codes and generated images."""
import math

import pytest
import torch

from aebook.quality import (
    aggregate_posterior_log_density,
    gradient_energy,
    knn_accuracy,
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
