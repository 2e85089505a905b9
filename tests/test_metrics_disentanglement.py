"""Specifications of aebook.metrics.disentanglement: mutual information between code
dimensions and factors, and the mutual information gap."""
import math

import pytest
import torch

from aebook.metrics import (
    discretize,
    factor_entropies,
    mutual_information_gap,
    mutual_information_matrix,
)


def factors(n=4000, levels=8):
    generator = torch.Generator().manual_seed(0)
    return torch.randint(levels, (n, 2), generator=generator)


def test_discretize_cuts_each_column_into_equal_width_bins():
    values = torch.tensor([[0.0, 5.0], [0.49, 5.0], [0.5, 5.0], [1.0, 5.0]])
    assert discretize(values, bins=2).tolist() == [[0, 0], [0, 0], [1, 0], [1, 0]]


def test_factor_entropy_of_a_uniform_factor_is_log_of_its_levels():
    assert torch.allclose(factor_entropies(factors(40_000, 8)), torch.full((2,), math.log(8), dtype=torch.float64), atol=0.01)


def test_a_latent_equal_to_a_factor_carries_its_whole_entropy():
    v = factors()
    information = mutual_information_matrix(v.float(), v, bins=8)
    assert torch.allclose(information.diagonal(), factor_entropies(v), atol=1e-9)
    assert information[0, 1] < 0.01 and information[1, 0] < 0.01


def test_an_axis_aligned_code_has_a_gap_near_one():
    v = factors()
    codes = torch.cat([v.float(), torch.randn(len(v), 2)], 1)  # two factors, two noise latents
    assert (mutual_information_gap(codes, v, bins=8) > 0.9).all()


def test_a_rotated_code_has_a_small_gap():
    v = factors()
    centred = v.float() - 3.5
    rotated = torch.stack([centred[:, 0] + centred[:, 1], centred[:, 0] - centred[:, 1]], 1)
    assert (mutual_information_gap(rotated, v, bins=15) < 0.2).all()


def test_mutual_information_gap_rejects_bad_arguments():
    v = factors(10)
    with pytest.raises(TypeError, match="integer"):
        mutual_information_gap(torch.randn(10, 3), v.float())
    with pytest.raises(ValueError, match="same"):
        mutual_information_gap(torch.randn(9, 3), v)
    with pytest.raises(ValueError, match="two latent"):
        mutual_information_gap(torch.randn(10, 1), v)
    with pytest.raises(ValueError, match="bins"):
        mutual_information_gap(torch.randn(10, 3), v, bins=0)
