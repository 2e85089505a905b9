import pytest
import torch

from aebook.viz import image_strip


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
