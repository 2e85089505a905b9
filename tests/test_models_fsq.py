import pytest
import torch

from aebook.models import FiniteScalarQuantizer


def test_each_channel_takes_one_of_its_levels_and_every_grid_point_is_a_token():
    quantizer = FiniteScalarQuantizer(levels=(4, 5, 2))
    assert quantizer.codebook_size == 40
    z = 4 * torch.randn(2000, 3, 1, 1)
    quantized, tokens = quantizer(z)
    assert quantized.shape == z.shape and tokens.shape == (2000, 1, 1) and tokens.dtype == torch.int64
    expected = {0: {-1.0, -0.5, 0.0, 0.5}, 1: {-1.0, -0.5, 0.0, 0.5, 1.0}, 2: {-1.0, 0.0}}
    for channel, values in expected.items():
        assert set(quantized[:, channel].flatten().tolist()) == values
    assert sorted(tokens.unique().tolist()) == list(range(40))  # all 40 combinations reachable


def test_the_token_is_the_mixed_radix_number_of_the_level_indices():
    quantizer = FiniteScalarQuantizer(levels=(8, 8, 4))
    quantized, tokens = quantizer(torch.randn(5, 3, 7, 7))
    digits = (quantized * torch.tensor([4, 4, 2]).view(1, 3, 1, 1) +
              torch.tensor([4, 4, 2]).view(1, 3, 1, 1)).round().long()  # level index 0 .. L - 1
    assert torch.equal(tokens, digits[:, 0] + 8 * digits[:, 1] + 64 * digits[:, 2])
    assert tokens.shape == (5, 7, 7) and 0 <= tokens.min() and tokens.max() < 256


def test_rounding_is_straight_through_and_the_bound_is_tanh():
    quantizer = FiniteScalarQuantizer(levels=(5,))
    z = torch.linspace(-2, 2, 9).view(9, 1).requires_grad_()
    quantized, _ = quantizer(z)
    quantized.sum().backward()
    half = 4 * (1 - 1e-3) / 2  # (L - 1)(1 - eps) / 2, the bound of an odd L
    expected = half * (1 - torch.tanh(z.detach()) ** 2) / 2  # d/dz tanh(z) * half / (L // 2)
    assert torch.allclose(z.grad, expected, atol=1e-6)
    assert torch.equal(quantizer(torch.zeros(1, 1))[0], torch.zeros(1, 1))  # 0 is a level


def test_there_is_nothing_to_learn():
    assert list(FiniteScalarQuantizer().parameters()) == []


@pytest.mark.parametrize("levels, error", [((), ValueError), ((4, 1), ValueError),
                                           ((4, 2.5), TypeError), ("44", TypeError)])
def test_bad_levels_raise(levels, error):
    with pytest.raises(error):
        FiniteScalarQuantizer(levels)


def test_bad_input_raises():
    quantizer = FiniteScalarQuantizer(levels=(8, 8, 4))
    with pytest.raises(ValueError, match="3 channels"):
        quantizer(torch.randn(2, 4, 7, 7))
    with pytest.raises(ValueError):
        quantizer(torch.zeros(2, 3, 7, 7, dtype=torch.int64))
