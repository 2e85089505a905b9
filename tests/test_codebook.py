import math

import pytest
import torch

from aebook.codebook import code_usage, dead_codes, perplexity, quantize_uniform, restart_dead_codes


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


def test_restart_moves_only_dead_rows_onto_encoder_outputs():
    codebook, vectors = torch.zeros(5, 3), torch.randn(20, 3) + 10
    counts = torch.tensor([4, 0, 1, 0, 2])
    new = restart_dead_codes(codebook, vectors, counts)
    assert torch.equal(new[counts > 0], codebook[counts > 0])
    for row in new[counts == 0]:
        assert (vectors == row).all(1).any(), "a restarted row should be one of the vectors"
    assert new.data_ptr() != codebook.data_ptr() and not new.requires_grad


def test_restart_rejects_mismatched_shapes():
    with pytest.raises(ValueError):
        restart_dead_codes(torch.zeros(5, 3), torch.randn(4, 2), torch.zeros(5))
    with pytest.raises(ValueError):
        restart_dead_codes(torch.zeros(5, 3), torch.randn(4, 3), torch.zeros(4))


def test_uniform_quantiser_uses_2_to_the_bits_levels_and_clips():
    code = torch.linspace(-1, 2, 1000)[:, None]
    quantized = quantize_uniform(code, torch.tensor([0.0]), torch.tensor([1.0]), bits=3)
    assert len(quantized.unique()) == 8
    assert quantized.min() == 0 and quantized.max() == 1
    inside = (code >= 0) & (code <= 1)
    assert (quantized - code)[inside].abs().max() <= 0.5 / 7 + 1e-6  # half a step at most


def test_uniform_quantiser_rejects_an_empty_range_and_zero_bits():
    with pytest.raises(ValueError):
        quantize_uniform(torch.rand(2, 1), torch.tensor([1.0]), torch.tensor([1.0]), bits=2)
    with pytest.raises(ValueError):
        quantize_uniform(torch.rand(2, 1), torch.tensor([0.0]), torch.tensor([1.0]), bits=0)
