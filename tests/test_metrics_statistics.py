"""Specifications of aebook.metrics.statistics: the percentile bootstrap interval."""
import pytest
import torch

from aebook.metrics import bootstrap_interval


def test_the_interval_of_a_mean_covers_it_with_the_normal_width():
    sample = torch.randn(2000, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    low, high = bootstrap_interval(torch.mean, sample, resamples=2000,
                                   generator=torch.Generator().manual_seed(1))
    assert low < sample.mean().item() < high
    normal_width = 2 * 1.96 * sample.std().item() / 2000 ** 0.5
    assert abs((high - low) - normal_width) < 0.1 * normal_width


def test_paired_samples_are_resampled_together():
    x = torch.randn(500, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    low, high = bootstrap_interval(lambda a, b: (a - b).abs().max(), x, x.clone(),
                                   resamples=50)
    assert low == high == 0.0  # the same rows of both: every difference is 0


def test_a_narrower_level_gives_a_narrower_interval_and_bad_arguments_fail():
    x = torch.rand(300, generator=torch.Generator().manual_seed(3))
    wide = bootstrap_interval(torch.mean, x, generator=torch.Generator().manual_seed(4))
    narrow = bootstrap_interval(torch.mean, x, level=0.5, generator=torch.Generator().manual_seed(4))
    assert wide[0] < narrow[0] < narrow[1] < wide[1]
    with pytest.raises(ValueError):
        bootstrap_interval(torch.mean, x, torch.rand(10))
    with pytest.raises(ValueError):
        bootstrap_interval(torch.mean, x, level=1.5)
    with pytest.raises(ValueError):
        bootstrap_interval(torch.mean)
