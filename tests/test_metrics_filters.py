"""Specifications of aebook.metrics.filters: how local a filter is and how much it looks like
a whole image."""
import pytest
import torch

from aebook.metrics import filter_spread, template_similarity


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
