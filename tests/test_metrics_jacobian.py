"""Specifications of aebook.metrics.jacobian: a sigmoid encoder's Jacobian, its singular
directions, what they capture, and small changes of an image."""
import math

import pytest
import torch
from torch.func import jacrev, vmap

from aebook.metrics import captured_fraction, encoder_jacobian, singular_directions, small_changes
from aebook.models import ContractiveAutoencoder


def model(code_size=32, seed=0):
    torch.manual_seed(seed)
    return ContractiveAutoencoder(code_size=code_size)


def test_encoder_jacobian_is_the_autograd_jacobian_in_closed_form():
    autoencoder, x = model(), torch.rand(6, 784)
    jacobian = vmap(jacrev(autoencoder.encode))(x)  # (6, 32, 784)
    assert torch.allclose(encoder_jacobian(autoencoder, x), jacobian, atol=1e-7)


def test_singular_directions_match_a_full_svd():
    jacobian = encoder_jacobian(model(), torch.rand(3, 784))  # (3, 32, 784)
    values, directions = singular_directions(jacobian, k=4)
    reference = torch.linalg.svd(jacobian.double(), full_matrices=False)
    assert values.shape == (3, 32) and directions.shape == (3, 4, 784)
    assert torch.allclose(values.double(), reference.S, rtol=1e-4, atol=1e-7)
    # the same directions up to sign: |<v, v_svd>| = 1
    overlap = (directions.double() * reference.Vh[:, :4]).sum(2).abs()
    assert torch.allclose(overlap, torch.ones(3, 4, dtype=torch.float64), atol=1e-4)
    with pytest.raises(ValueError, match="k must be at most"):
        singular_directions(jacobian, k=33)


def test_captured_fraction_is_one_inside_the_span_and_k_over_n_for_random_vectors():
    directions = torch.eye(784)[:10]  # the first ten pixels
    inside = torch.zeros(2, 784)
    inside[:, :10] = torch.randn(2, 10)
    assert torch.allclose(captured_fraction(directions, inside), torch.ones(2))
    torch.manual_seed(0)
    random = captured_fraction(directions, torch.randn(2000, 784)).mean().item()
    assert random == pytest.approx(10 / 784, rel=0.05)
    with pytest.raises(ValueError, match="directions"):
        captured_fraction(torch.rand(3, 10, 784), torch.rand(2, 784))


def test_small_changes_shift_rotate_and_thicken_the_image():
    image = torch.zeros(1, 28, 28)
    image[0, 10:18, 13] = 1.0  # a vertical bar
    changes = small_changes(image.reshape(1, 784))
    assert set(changes) == {"shift", "rotation", "thickening"}
    shifted = (image.reshape(1, 784) + changes["shift"]).reshape(28, 28)
    assert torch.equal(shifted[10:18, 14], torch.ones(8)) and shifted[:, 13].sum() == 0
    thicker = image.reshape(1, 784) + changes["thickening"]
    assert thicker.sum().item() == 3 * 10  # the bar is three pixels wide and a pixel longer
    rotated = image.reshape(1, 784) + small_changes(image.reshape(1, 784), angle=90)["rotation"]
    rotated = rotated.reshape(28, 28)
    assert rotated[13:15, 9:19].sum() > 7.5 and rotated[:13].sum() < 0.5  # now horizontal
    assert math.isclose(changes["rotation"].sum().item(), 0.0, abs_tol=1.0)  # mass kept
    with pytest.raises(ValueError, match="image_shape"):
        small_changes(torch.rand(2, 100))
