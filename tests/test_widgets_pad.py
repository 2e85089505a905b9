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

from aebook.viz import map_position
from aebook.widgets import LatentPad, SliderView, Widget
from aebook.widgets.static import PAD_DRIVER, range_input, select_input

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


def test_the_pads_controls_are_the_static_views_controls():
    html = LatentPad(conditional_decoder(), (-3, 3), CLASSES).to_html()
    for k, name in enumerate(("z1", "z2")):  # 800 steps across the square, starting at 0
        assert range_input(name, "0.00", -3, 3, 6 / 800, 0, f'data-latent="{k}"') in html
    assert select_input("class", CLASSES, "data-class") in html


def test_the_page_script_ships_as_package_data():
    from importlib import resources

    script = resources.files("aebook.widgets").joinpath(PAD_DRIVER + ".js").read_text()
    assert "function (root, data)" in script and "window.aebookLatentPad" in script
    assert "</script" not in script.lower()  # it is inlined into a <script> element
    config = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert "*.js" in config["tool"]["setuptools"]["package-data"]["aebook.widgets"]


def layout(page: str) -> str:
    """What a static view shows under its controls: the backdrop with its marker, the panels with
    their titles and captions, the text (everything up to the widget's data and script). The
    panels' alt texts name the controls' settings, which differ between kinds: left out."""
    shown = page[page.index('<div style="display:flex'):page.index('<script type="application/json"')]
    return re.sub(r' alt="[^"]*"', "", shown)


def parts(widget) -> tuple:
    """An ipywidget as a tree: its class, its value (label text, picture bytes), its children."""
    value = getattr(widget, "value", None)
    children = getattr(widget, "children", ())
    return type(widget).__name__, value if isinstance(value, (str, bytes)) else None, \
        [parts(child) for child in children]


def test_the_pad_and_the_slider_view_share_one_layout_and_one_marker():
    backdrop = np.full((60, 60, 3), 200, dtype=np.uint8)
    pad = LatentPad(conditional_decoder(), (-3, 3), CLASSES, backdrop, title="pad",
                    panel_title="decoded", scale=4)
    z1, z2 = 1.5, -0.75
    seen = pad.frame(z1, z2, 2)
    # A slider view showing the pad's frame, with the pad's backdrop, title, panel title, scale.
    twin = SliderView(lambda z: seen, sliders={"z": [0.0]}, backdrop=backdrop, title="pad",
                      titles=["decoded"], scale=4)
    assert isinstance(pad, Widget) and isinstance(twin, Widget)
    # One marker: the pad puts z where viz.map_position puts it on the map.
    assert seen.marker == map_position(z1, z2, (-3, 3)) == (0.75, 0.625)
    # One static layout: the same markup under the controls (so the same cross at the marker).
    first = pad.frame(pad.start(), pad.start(), 0)
    twin_first = SliderView(lambda z: first, sliders={"z": [0.0]}, backdrop=backdrop,
                            title="pad", titles=["decoded"], scale=4)
    assert layout(pad.to_html()) == layout(twin_first.to_html())
    assert pad.to_html().startswith('<div class="aebook-widget aebook-pad"')
    assert twin_first.to_html().startswith('<div class="aebook-widget"')
    # One live layout: the same parts, and the same pictures once both show the same frame.
    live, twin_live = pad.live(), twin.live()
    live.controls["z1"].value, live.controls["z2"].value = z1, z2
    live.controls["class"].value = 2
    # the title, then the controls (a pad's own), then the same row of pictures and the same text
    assert parts(live.widget.children[0]) == parts(twin_live.widget.children[0])
    assert [parts(child) for child in live.widget.children[-2:]] == \
        [parts(child) for child in twin_live.widget.children[-2:]]
    assert live.backdrop.value == twin_live.backdrop.value  # the cross drawn at the same place
    assert live.captions[0].value == "z = (1.50, -0.75)"


def test_marker_maps_the_corners_of_the_latent_square_to_the_corners_of_the_map():
    pad = LatentPad(conditional_decoder(), (-2, 4), CLASSES)
    assert pad.marker(-2, 4) == (0.0, 0.0)  # top-left: smallest z1, largest z2
    assert pad.marker(4, -2) == (1.0, 1.0)
    assert pad.marker(1, 1) == (0.5, 0.5)
    assert pad.frame(1, 1).marker == (0.5, 0.5)


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
    with pytest.raises(ValueError, match="max_bytes must be a positive int"):
        LatentPad(conditional_decoder(), (-3, 3), CLASSES, max_bytes=0)
    with pytest.raises(TypeError, match="scale must be a positive int"):
        LatentPad(conditional_decoder(), (-3, 3), CLASSES, scale=2.5)
    with pytest.raises(TypeError, match="latent_range must be two numbers"):
        LatentPad(conditional_decoder(), (-3, 0, 3), CLASSES)


def test_the_first_frame_is_torch_decode_rounded_as_the_page_rounds():
    pad = LatentPad(conditional_decoder(), (-3, 3), CLASSES)
    image = pad.frame(0.5, -1.0, 4).images[0]
    values = pad.decode([0.5, -1.0], 4)[0].double().numpy().reshape(28, 28)
    assert image.dtype == np.uint8
    assert np.array_equal(image, np.floor(255 * values + 0.5))  # Math.round(255 * v)
