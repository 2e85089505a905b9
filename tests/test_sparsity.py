import pytest
import torch

from aebook.sparsity import dead_unit_fraction, filter_spread, scheduled_k, template_similarity


def test_scheduled_k_falls_linearly_over_the_first_half_then_holds():
    ks = [scheduled_k(10, step, 100, k_start=100) for step in range(100)]
    assert ks[0] == 100 and ks[25] == 55 and ks[50] == 10 and ks[-1] == 10
    assert all(a >= b for a, b in zip(ks, ks[1:]))
    assert scheduled_k(200, 0, 100, k_start=100) == 200  # already dense: no schedule
    with pytest.raises(ValueError, match="step must be a non-negative int"):
        scheduled_k(10, -1, 100)


def test_dead_unit_fraction_counts_units_that_no_code_uses():
    codes = torch.zeros(3, 8)
    codes[0, 1], codes[1, 1], codes[2, 5] = 2.0, -1.0, 0.5  # units 1 and 5 used; 6 of 8 dead
    assert dead_unit_fraction(codes) == pytest.approx(0.75)
    assert dead_unit_fraction(torch.ones(2, 4)) == 0.0
    with pytest.raises(TypeError, match="codes must be a floating-point tensor"):
        dead_unit_fraction(torch.zeros(2, 4, dtype=torch.long))


def test_filter_spread_measures_how_far_a_filter_reaches():
    dot = torch.zeros(1, 784)
    dot[0, 14 * 28 + 14] = 1.0
    assert filter_spread(dot).item() == pytest.approx(0.0, abs=1e-6)
    pair = torch.zeros(1, 784)
    pair[0, [14 * 28 + 10, 14 * 28 + 18]] = 1.0  # two dots 8 pixels apart: each 4 from the centre
    assert filter_spread(pair).item() == pytest.approx(4.0)
    flat = torch.ones(1, 784)  # uniform mass on 28 x 28: sqrt(2 * (28^2 - 1) / 12)
    assert filter_spread(flat).item() == pytest.approx(((28 ** 2 - 1) / 6) ** 0.5)
    assert filter_spread(-pair).item() == pytest.approx(4.0)  # the sign does not matter
    with pytest.raises(ValueError, match="do not fit image_shape"):
        filter_spread(torch.ones(2, 100))


def test_template_similarity_is_one_for_a_filter_that_is_an_image():
    torch.manual_seed(0)
    images = torch.randn(20, 784)
    filters = torch.stack([-3 * images[5], torch.zeros(784).index_fill(0, torch.tensor([0]), 1.0)])
    similarity = template_similarity(filters, images)
    assert similarity[0].item() == pytest.approx(1.0) and similarity[1].item() < 0.5
    with pytest.raises(ValueError, match="same number of pixels"):
        template_similarity(filters, torch.randn(3, 100))
