"""Specifications of aebook.viz.images: the one image converter, image grids and strips, code
scatters, and the latent map a widget's marker moves on."""
import math
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from aebook.viz.images import (
    INACTIVE_RGB,
    image_strip,
    kl_bars_image,
    latent_square,
    map_position,
    plot_codes,
    scatter_backdrop,
    show_images,
    to_uint8,
)


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
# -- to_uint8: the book's one image converter ------------------------------------------------------
def test_to_uint8_scales_floats_in_0_1_to_grey_levels_and_clips_the_rest():
    values = torch.tensor([[0.0, 0.25, 0.5, 1.0, -0.3, 1.7]])
    converted = to_uint8(values, (2, 3))
    assert converted.dtype == np.uint8 and converted.shape == (1, 2, 3)
    assert converted.tolist() == [[[0, 64, 128], [255, 0, 255]]]


def test_to_uint8_rounds_exactly_as_the_page_script_does():
    # A widget's page draws Math.round(255 * v), in float64; float32 values next to every half
    # grey level are where float32 arithmetic would round the other way half of the time.
    values = ((torch.arange(256, dtype=torch.float64) + 0.5) / 255).float()
    expected = [min(255, math.floor(Fraction(float(v)) * 255 + Fraction(1, 2))) for v in values]
    assert to_uint8(values, (16, 16)).ravel().tolist() == expected


def test_to_uint8_accepts_every_batch_layout_and_keeps_uint8_as_it_is():
    images = torch.rand(3, 784)
    flat = to_uint8(images)
    assert flat.shape == (3, 28, 28)
    assert np.array_equal(to_uint8(images.reshape(3, 28, 28)), flat)
    assert np.array_equal(to_uint8(images.reshape(3, 1, 28, 28)), flat)  # a conv model's batch
    assert np.array_equal(to_uint8(images.numpy()), flat)  # an array as a tensor
    assert np.array_equal(to_uint8(images[0]), flat[:1])  # (pixels,): one image
    assert to_uint8(torch.rand(2, 12), (3, 4)).shape == (2, 3, 4)
    grey = np.arange(6, dtype=np.uint8).reshape(1, 2, 3) * 40
    assert np.array_equal(to_uint8(grey), grey)  # uint8: not scaled again
    assert np.array_equal(to_uint8(torch.from_numpy(grey)), grey)


def test_to_uint8_refuses_what_is_not_a_batch_of_images():
    with pytest.raises(ValueError, match="do not fit image_shape"):
        to_uint8(torch.zeros(2, 100))
    with pytest.raises(ValueError, match=r"\(n, pixels\), \(n, h, w\) or \(n, 1, h, w\)"):
        to_uint8(torch.zeros(2, 3, 28, 28))
    with pytest.raises(TypeError, match="must hold numbers"):
        to_uint8(np.array([["a", "b"]]))


# -- show_images and plot_codes: figures -------------------------------------------------------------
@pytest.fixture
def close_figures():
    yield
    plt.close("all")


def test_show_images_draws_one_row_per_batch_with_labels_and_titles(close_figures):
    first, second = torch.rand(4, 784), torch.rand(2, 784)
    figure = show_images([first, second], row_labels=["inputs", "outputs"],
                         titles=["a", "b", "c", "d"], title="grid")
    axes = np.array(figure.axes).reshape(2, 4)  # as many columns as the longest row
    assert np.array_equal(axes[0, 2].images[0].get_array(), to_uint8(first)[2])
    assert np.array_equal(axes[1, 1].images[0].get_array(), to_uint8(second)[1])
    assert len(axes[1, 3].images) == 0  # the shorter row leaves its last cells empty
    assert [axis.get_title() for axis in axes[0]] == ["a", "b", "c", "d"]
    assert [axis.get_ylabel() for axis in axes[:, 0]] == ["inputs", "outputs"]
    assert figure._suptitle.get_text() == "grid"
    single = show_images(first[:3])  # one batch: one row
    assert len(single.axes) == 3


def test_show_images_refuses_labels_that_do_not_match_the_rows(close_figures):
    with pytest.raises(ValueError, match="one label per row"):
        show_images([torch.rand(2, 784)], row_labels=["a", "b"])
    with pytest.raises(TypeError, match="non-empty list"):
        show_images([])


def test_plot_codes_scatters_each_class_in_its_colour_with_a_legend(close_figures):
    codes = torch.tensor([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]])
    labels = torch.tensor([2, 0, 2, 1])
    axis = plot_codes(codes, labels, class_names=["zero", "one", "two"], title="codes")
    scatters = axis.collections
    assert len(scatters) == 3  # one per class present, in label order
    assert np.array_equal(scatters[0].get_offsets(), [[2.0, 3.0]])
    assert np.array_equal(scatters[2].get_offsets(), [[0.0, 1.0], [4.0, 5.0]])
    assert np.allclose(scatters[2].get_facecolor()[0][:3], plt.get_cmap("tab10")(2)[:3])
    assert [text.get_text() for text in axis.get_legend().get_texts()] == ["zero", "one", "two"]
    assert axis.get_title() == "codes"
    figure, given = plt.subplots()
    assert plot_codes(codes.numpy(), labels.numpy(), axis=given) is given  # draws where asked
    assert [text.get_text() for text in given.get_legend().get_texts()] == ["0", "1", "2"]


def test_plot_codes_refuses_codes_and_labels_that_do_not_fit(close_figures):
    with pytest.raises(ValueError, match=r"codes must be \(n, 2\)"):
        plot_codes(torch.zeros(3, 3), torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="one per code"):
        plot_codes(torch.zeros(3, 2), torch.zeros(2, dtype=torch.long))
    with pytest.raises(TypeError, match="labels must be ints"):
        plot_codes(torch.zeros(3, 2), torch.zeros(3))
    with pytest.raises(ValueError, match="one per class name"):
        plot_codes(torch.zeros(3, 2), torch.tensor([0, 1, 2]), class_names=["a", "b"])


# -- the latent map: scatter_backdrop and map_position ------------------------------------------------
def test_map_position_puts_the_corners_of_the_square_at_the_corners_of_the_map():
    assert map_position(-2, 4, (-2, 4)) == (0.0, 0.0)  # top-left: smallest z1, largest z2
    assert map_position(4, -2, (-2, 4)) == (1.0, 1.0)
    assert map_position(1, 1, (-2, 4)) == (0.5, 0.5)
    assert map_position(1, 4, (-2, 4)) == (0.5, 0.0)  # z2 grows upwards
    assert map_position(7, 1, (-2, 4)) == (1.5, 0.5)  # outside the square: outside [0, 1]


def test_scatter_backdrop_puts_each_code_where_map_position_puts_its_marker():
    codes = torch.tensor([[-3.0, 3.0], [3.0, -3.0], [2.0, 2.5]])
    picture = scatter_backdrop(codes, torch.tensor([0, 3, 6]), (-4, 4), pixels=100)
    assert picture.shape == (100, 100, 3) and picture.dtype == np.uint8
    colourful = picture.astype(int).std(-1) > 20  # grey background and frame, coloured dots
    for z1, z2 in codes.tolist():
        x, y = map_position(z1, z2, (-4, 4))
        row, column = int(round(y * 99)), int(round(x * 99))
        assert colourful[row - 1:row + 2, column - 1:column + 2].any(), \
            f"no coloured dot where the code {z1, z2} lies"
    assert colourful.sum() < 3 * 25  # nothing coloured elsewhere: three small dots


def test_latent_maps_refuse_a_square_that_is_not_one():
    with pytest.raises(ValueError, match="low < high"):
        map_position(0, 0, (1, -1))
    with pytest.raises(TypeError, match="two numbers"):
        map_position(0, 0, "ab")
    with pytest.raises(TypeError, match="two numbers"):
        latent_square((1, 2, 3))
    with pytest.raises(ValueError, match="codes must be"):
        scatter_backdrop(torch.zeros(3, 3), torch.zeros(3), (-4, 4))
