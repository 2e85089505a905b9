"""Specifications of aebook.metrics.distributions: the maximum mean discrepancy (chapter 10)."""
import pytest
import torch

from aebook.metrics import mmd


def test_mmd_is_small_for_one_distribution_and_grows_with_a_shift():
    generator = torch.Generator().manual_seed(0)
    a, b = torch.randn(500, 2, generator=generator), torch.randn(500, 2, generator=generator)
    assert mmd(a, a) == pytest.approx(0.0, abs=1e-12)
    same, shifted, far = mmd(a, b), mmd(a, b + 1), mmd(a, b + 3)
    assert same < 0.02 < shifted < far
    with pytest.raises(ValueError):
        mmd(a, torch.randn(5, 3))
    with pytest.raises(ValueError):
        mmd(a, b, bandwidths=())
