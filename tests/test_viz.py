import numpy as np
import pytest
import torch

from aebook.viz import INACTIVE_RGB, image_strip, kl_bars_image


def test_image_strip_puts_images_side_by_side_with_white_gaps():
    images = torch.zeros(3, 784)
    strip = image_strip(images)
    assert strip.shape == (28, 3 * 30 - 2)
    assert torch.all(strip[:, 28:30] == 1) and torch.all(strip[:, :28] == 0)


def test_image_strip_stacks_images_when_vertical():
    images = torch.rand(4, 28, 28)
    column = image_strip(images, vertical=True)
    assert column.shape == (4 * 30 - 2, 28)
    assert torch.equal(column[30:58], images[1])


def test_image_strip_refuses_what_is_not_a_batch_of_images():
    with pytest.raises(ValueError):
        image_strip(torch.zeros(784))
    with pytest.raises(ValueError):
        image_strip(torch.zeros(2, 784), gap=-1)


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
