"""Specifications of aebook.metrics.codebook: how a VQ-VAE uses its codebook."""
import math

import pytest
import torch

from aebook.metrics import code_usage, dead_codes, perplexity


def test_usage_counts_each_token_and_sums_to_one():
    usage = code_usage(torch.tensor([[0, 0], [2, 0]]), 4)
    assert torch.allclose(usage, torch.tensor([0.75, 0.0, 0.25, 0.0], dtype=torch.float64))


def test_perplexity_is_k_for_uniform_use_and_one_for_a_single_token():
    assert math.isclose(perplexity(torch.arange(8).repeat(3), 8), 8.0, rel_tol=1e-9)
    assert math.isclose(perplexity(torch.full((10,), 3), 8), 1.0)
    assert math.isclose(perplexity(torch.tensor([0, 0, 1, 1]), 8), 2.0, rel_tol=1e-9)


def test_dead_codes_counts_the_rows_no_token_uses():
    assert dead_codes(torch.tensor([0, 1, 1, 5]), 8) == 5
    assert dead_codes(torch.arange(8), 8) == 0


def test_usage_rejects_tokens_out_of_range_or_of_the_wrong_type():
    with pytest.raises(ValueError):
        code_usage(torch.tensor([0, 8]), 8)
    with pytest.raises(TypeError):
        code_usage(torch.tensor([0.0, 1.0]), 8)
    with pytest.raises(ValueError):
        code_usage(torch.tensor([], dtype=torch.int64), 8)
