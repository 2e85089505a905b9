"""Specifications of aebook.vae_diagnostics: KL per dimension, active units, the KL bar image."""
import numpy as np
import pytest
import torch

from aebook.losses import kl_divergence
from aebook.vae_diagnostics import (
    INACTIVE_RGB,
    active_units,
    kl_bars_image,
    kl_per_dimension,
    latent_activity,
)


def test_kl_per_dimension_adds_up_to_the_mean_kl_term():
    mu, logvar = torch.randn(50, 6), torch.randn(50, 6)
    per_dimension = kl_per_dimension(mu, logvar)
    assert per_dimension.shape == (6,)
    assert torch.allclose(per_dimension.sum(), kl_divergence(mu, logvar).mean())


def test_a_dimension_at_the_prior_has_zero_kl():
    mu, logvar = torch.randn(10, 3), torch.randn(10, 3)
    mu[:, 1], logvar[:, 1] = 0.0, 0.0
    assert kl_per_dimension(mu, logvar)[1].item() == 0.0


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
    with pytest.raises(ValueError, match="same shape"):
        kl_per_dimension(torch.randn(5, 3), torch.randn(5, 2))


def test_kl_bars_image_draws_one_bar_per_dimension_with_height_proportional_to_kl():
    image = kl_bars_image(torch.tensor([2.0, 1.0, 0.0]), active=[True, False, True],
                          height=41, bar_width=4, gap=2)
    assert image.shape == (41, 3 * 6 + 2, 3) and image.dtype == np.uint8
    filled = [(image[:-1, 2 + index * 6] != 255).any(-1).sum() for index in range(3)]
    assert filled == [40, 20, 0]
    assert tuple(image[-2, 2 + 6]) == INACTIVE_RGB and (image[-1] == 0).all()


def test_kl_bars_image_clips_at_top_and_rejects_negative_values():
    image = kl_bars_image([5.0, 1.0], top=2.0, height=11, bar_width=1, gap=0)
    assert [(image[:-1, column] != 255).any(-1).sum() for column in range(2)] == [10, 5]
    with pytest.raises(ValueError, match="non-negative"):
        kl_bars_image([1.0, -0.5])
    with pytest.raises(ValueError, match="active"):
        kl_bars_image([1.0, 0.5], active=[True])
