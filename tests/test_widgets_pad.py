"""Specifications of aebook.widgets.pad: the latent pad, a decoder that runs live and in the page."""
import io
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from aebook.widgets.pad import (
    PAD_SCRIPT,
    LatentPad,
    decoder_layers,
    pack_float16,
    scatter_backdrop,
    unpack_float16,
)

CLASSES = [f"class {k}" for k in range(10)]


def conditional_decoder(seed: int = 0) -> nn.Sequential:
    """[z1, z2, one_hot(10)] -> 784 logits, with weights large enough to draw varied images."""
    torch.manual_seed(seed)
    decoder = nn.Sequential(nn.Linear(12, 64), nn.ReLU(), nn.Linear(64, 64), nn.LeakyReLU(0.1),
                            nn.Linear(64, 784))
    with torch.no_grad():
        decoder[0].weight.mul_(3)
        decoder[-1].weight.mul_(4)
    return decoder


def png_pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"))


def test_float16_packing_round_trips_the_weights():
    weights = torch.randn(30, 12).numpy()
    restored = unpack_float16(pack_float16(weights), weights.shape)
    assert restored.shape == weights.shape and restored.dtype == np.float32
    assert np.array_equal(restored, weights.astype(np.float16).astype(np.float32))
    assert np.abs(restored - weights).max() <= np.abs(weights).max() * 2 ** -11
    with pytest.raises(ValueError, match="float16's range"):
        pack_float16(np.array([1e6]))


def test_decoder_layers_list_linear_layers_and_activations_in_order():
    layers = decoder_layers(conditional_decoder())
    assert [layer["kind"] for layer in layers] == ["linear", "relu", "linear", "leaky_relu",
                                                   "linear"]
    assert layers[0]["shape"] == [64, 12] and layers[3]["slope"] == pytest.approx(0.1)
    weight = unpack_float16(layers[0]["weight"], layers[0]["shape"])
    assert np.allclose(weight, conditional_decoder()[0].weight.detach().numpy(), rtol=1e-3, atol=1e-4)
    with pytest.raises(TypeError, match="cannot run a Conv2d"):
        decoder_layers(nn.Sequential(nn.Linear(12, 4), nn.Conv2d(1, 1, 1)))


def test_the_packed_decode_matches_torch_within_two_grey_levels():
    pad = LatentPad(conditional_decoder(), (-3, 3), CLASSES)
    z = torch.rand(50, 2) * 6 - 3
    for class_index in (0, 7):
        expected = pad.decode(z, class_index).numpy()
        assert expected.std() > 0.1  # the test decoder draws varied pixels, not flat grey
        assert np.abs(pad.decode_packed(z, class_index) - expected).max() < 2 / 255


def test_static_pad_is_self_contained_and_carries_the_script():
    backdrop = np.zeros((120, 120, 3), dtype=np.uint8)
    page = LatentPad(conditional_decoder(), (-3, 3), CLASSES, backdrop, title="pad").to_html()
    # No address of another host (base64 and JavaScript comments hold "//", so look for URLs),
    # and nothing that could fetch one.
    assert not re.search(r"https?:|(src|href)=[\"']?//|url\(|fetch\(|XMLHttpRequest|import\(", page)
    assert "var aebookLatentPad = window.aebookLatentPad" in page and "aebookLatentPad(document" in page
    assert page.count('type="range"') == 2 and page.count("<option") == 10
    assert 'class="aebook-widget aebook-pad"' in page and "data-panel" in page
    assert len(page.encode()) < 500_000


def test_the_page_script_ships_as_package_data():
    from importlib import resources

    script = resources.files("aebook.widgets").joinpath(PAD_SCRIPT).read_text()
    assert "function (root, data)" in script and "window.aebookLatentPad" in script
    assert "</script" not in script.lower()  # it is inlined into a <script> element
    config = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert "*.js" in config["tool"]["setuptools"]["package-data"]["aebook.widgets"]


def test_the_pad_and_the_slider_view_share_one_layout_and_one_marker():
    from aebook.widgets import LiveView, SliderView, Widget

    pad = LatentPad(conditional_decoder(), (-3, 3), CLASSES)
    assert isinstance(pad, Widget) and issubclass(SliderView, Widget)
    assert isinstance(pad.live(), LiveView) and pad.live().backdrop is not None
    html = pad.to_html()
    assert "data-backdrop" in html and "data-marker" in html  # the cross of every widget


def test_marker_maps_the_corners_of_the_latent_square_to_the_corners_of_the_map():
    pad = LatentPad(conditional_decoder(), (-2, 4), CLASSES)
    assert pad.marker(-2, 4) == (0.0, 0.0)  # top-left: smallest z1, largest z2
    assert pad.marker(4, -2) == (1.0, 1.0)
    assert pad.marker(1, 1) == (0.5, 0.5)


def test_moving_a_live_slider_or_the_class_redraws_the_torch_decode():
    pad = LatentPad(conditional_decoder(), (-3, 3), CLASSES, scale=1)
    live = pad.live()
    before = live.images[0].value
    live.controls["z1"].value = 2.0
    live.controls["z2"].value = -1.0
    after = live.images[0].value
    assert after != before and live.text.value == "z = (2.00, -1.00), class: class 0"
    expected = np.round(255 * pad.decode([2.0, -1.0], 0)[0].numpy()).reshape(28, 28)
    assert np.abs(png_pixels(after).astype(int) - expected).max() <= 1
    live.controls["class"].value = 3
    assert live.images[0].value != after and live.text.value.endswith("class: class 3")
    assert pad.live() is live


def test_mimebundle_offers_the_live_widget_and_the_static_html():
    bundle = LatentPad(conditional_decoder(), (-3, 3), CLASSES)._repr_mimebundle_()
    assert {"text/plain", "text/html", "application/vnd.jupyter.widget-view+json"} <= set(bundle)
    assert "0x" not in bundle["text/plain"]  # no object address: stable across runs


def test_an_unconditional_decoder_needs_no_classes():
    decoder = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 784), nn.Sigmoid())
    pad = LatentPad(decoder, (-1, 1), output="identity")
    assert "<select data-class" not in pad.to_html()
    assert np.abs(pad.decode_packed([[0.3, -0.2]]) - pad.decode([0.3, -0.2]).numpy()).max() < 1e-3


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="takes 12 inputs; a 2-D latent and 5 classes need 7"):
        LatentPad(conditional_decoder(), (-3, 3), CLASSES[:5])
    with pytest.raises(ValueError, match="low < high"):
        LatentPad(conditional_decoder(), (3, -3), CLASSES)
    with pytest.raises(ValueError, match="uint8"):
        LatentPad(conditional_decoder(), (-3, 3), CLASSES, np.zeros((10, 10, 3)))
    with pytest.raises(TypeError, match="nn.Sequential"):
        LatentPad(lambda z: z, (-3, 3), CLASSES)
    with pytest.raises(ValueError, match="class_index"):
        LatentPad(conditional_decoder(), (-3, 3), CLASSES).decode([0, 0], 10)
    with pytest.raises(ValueError, match="over max_bytes"):
        LatentPad(conditional_decoder(), (-3, 3), CLASSES, max_bytes=10_000).to_html()


def test_scatter_backdrop_puts_each_code_where_the_pad_puts_its_marker():
    codes = torch.tensor([[-3.0, 3.0], [3.0, -3.0]])  # towards the top-left and bottom-right
    picture = scatter_backdrop(codes, torch.tensor([0, 3]), (-4, 4), pixels=100)
    assert picture.shape == (100, 100, 3) and picture.dtype == np.uint8
    pad = LatentPad(conditional_decoder(), (-4, 4), CLASSES, picture)
    for (z1, z2) in codes.tolist():
        x, y = pad.marker(z1, z2)
        spot = picture[int(y * 99) - 1:int(y * 99) + 2, int(x * 99) - 1:int(x * 99) + 2]
        assert (spot.astype(int).std(-1) > 20).any(), "no coloured dot where the code lies"
    with pytest.raises(ValueError, match="codes must be"):
        scatter_backdrop(torch.zeros(3, 3), torch.zeros(3), (-4, 4))
