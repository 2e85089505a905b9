import re

import numpy as np
import pytest

from aebook.widgets import MAX_BYTES, MAX_FRAMES, Frame, LiveView, SliderView, Widget
from aebook.widgets.static import SLIDER_DRIVER, page


def brightness_view(calls=None, **kwargs):
    def render(level, shape="square"):
        if calls is not None:
            calls.append((level, shape))
        image = np.full((28, 28), level, dtype=np.float32)
        return Frame(images=[image, 1 - image], captions=[f"level {level:.2f}", shape],
                     text=f"mean {level:.2f}", marker=(level, 1 - level))
    return SliderView(render, sliders={"level": [0.0, 0.25, 0.5, 1.0]},
                      choices={"shape": ["square", "disc"]}, titles=["image", "negative"], **kwargs)


def test_setting_a_live_slider_redraws_its_images():
    calls = []
    view = brightness_view(calls)
    live = view.live()
    assert view.live() is live  # built once
    before = [image.value for image in live.images]
    live.controls["level"].value = 0.5
    assert all(image.value != old for image, old in zip(live.images, before))
    assert live.text.value == "mean 0.50"
    assert live.captions[1].value == "square"


def test_a_live_only_choice_reaches_render():
    calls = []
    live = brightness_view(calls).live()
    live.controls["shape"].value = "disc"
    assert calls[-1] == (0.0, "disc")
    assert live.captions[1].value == "disc"


def test_the_live_view_is_an_object_with_named_parts():
    live = brightness_view(backdrop=np.zeros((40, 60, 3), dtype=np.uint8)).live()
    assert set(live.controls) == {"level", "shape"}
    assert len(live.images) == len(live.captions) == 2
    assert live.backdrop is not None and live.widget.children[-1] is live.text
    assert live.settings() == {"level": 0.0, "shape": "square"}


def test_both_views_draw_the_same_marker_cross():
    from aebook.widgets.base import MARKER_ARM, MARKER_RGB, with_marker

    backdrop = np.zeros((41, 41, 3), dtype=np.uint8)
    drawn = with_marker(backdrop, (0.5, 0.5))
    red = np.all(drawn == MARKER_RGB, axis=2)
    assert red[20].sum() == red[:, 20].sum() == 2 * MARKER_ARM + 1  # arms through the centre
    page = brightness_view(backdrop=backdrop).to_html()
    assert f"width:{2 * MARKER_ARM + 1}px;height:3px" in page  # the same cross, overlaid
    assert "rgb({},{},{})".format(*MARKER_RGB) in page


def test_the_static_script_is_a_readable_file_shipped_with_the_package():
    from importlib import resources

    script = resources.files("aebook.widgets").joinpath("aebookSlider.js").read_text()
    assert script.count("\n") > 20  # readable, not minified
    assert script.strip() in brightness_view().to_html()


def test_static_view_carries_every_frame_and_no_external_url():
    page = brightness_view().to_html()
    assert page.count('"captions"') == 4  # one per slider value
    assert "level 1.00" in page and "<script>" in page
    assert not re.search(r"(https?:)?//[a-z]", page.replace("data:image/png;base64,", ""))
    assert len(re.findall(r"data:image/png;base64,", page)) == 5 + 2  # 5 distinct images (0, .25, .5, .75, 1) + 2 <img> tags


def test_identical_images_are_stored_once():
    view = SliderView(lambda level: [np.zeros((28, 28))], sliders={"level": [1, 2, 3]})
    assert view.to_html().count("data:image/png;base64,") == 2  # the pool entry and the first <img>


def test_backdrop_marker_follows_the_frame():
    backdrop = np.zeros((50, 80, 3), dtype=np.uint8)
    view = brightness_view(backdrop=backdrop)
    page = view.to_html()
    assert "data-marker" in page
    for level in view.sliders["level"]:  # render puts the marker at (level, 1 - level)
        assert f'"marker":[{level},{1 - level}]' in page
    live = view.live()
    before = live.backdrop.value
    live.controls["level"].value = 1.0
    assert live.backdrop.value != before


def test_the_static_view_refuses_to_outgrow_its_budget():
    noise = np.random.default_rng(0)
    view = SliderView(lambda i: [noise.random((28, 28))], sliders={"i": list(range(50))},
                      max_bytes=20_000)
    with pytest.raises(ValueError, match="over max_bytes"):
        view.to_html()
    with pytest.raises(ValueError, match=f"at most {MAX_FRAMES} frames"):
        SliderView(lambda a, b: [np.zeros((2, 2))], sliders={"a": list(range(30)), "b": list(range(30))})


def test_mimebundle_offers_the_live_widget_and_the_static_html():
    bundle = brightness_view()._repr_mimebundle_()
    assert {"text/plain", "text/html", "application/vnd.jupyter.widget-view+json"} <= set(bundle)
    assert "0x" not in bundle["text/plain"]  # no object address: stable across runs


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(TypeError, match="render must be callable"):
        SliderView("render", sliders={"a": [1]})
    with pytest.raises(ValueError, match="non-empty sequence"):
        SliderView(lambda a: [np.zeros((2, 2))], sliders={"a": []})
    with pytest.raises(ValueError, match="at least one slider"):
        SliderView(lambda: [np.zeros((2, 2))], sliders={})
    view = SliderView(lambda a: [np.zeros((3, 5, 7))], sliders={"a": [1]})
    with pytest.raises(ValueError, match="an image must be"):
        view.frame(a=1)


def test_each_setting_is_rendered_once_for_the_static_and_the_live_view():
    calls = []

    def render(level):
        calls.append(level)
        return [np.full((28, 28), level, dtype=np.float32)]

    view = SliderView(render, sliders={"level": [0.0, 0.5, 1.0]})
    view.to_html()
    live = view.live()
    live.controls["level"].value = 1.0
    live.controls["level"].value = 0.5
    assert sorted(calls) == [0.0, 0.5, 1.0]
    assert view.frame(level=0.5).images[0].mean() == 128  # frame() itself always renders
    assert len(calls) == 4


def test_the_views_read_a_widget_only_through_what_widget_declares():
    seen = set()

    class Bare(Widget):
        """A widget that sets nothing: the views must find every attribute they read declared."""

        def __getattribute__(self, name):
            seen.add(name)
            return super().__getattribute__(name)

    frame = Frame([np.zeros((4, 4), dtype=np.uint8)], ["caption"], "text", (0.5, 0.5))
    bare = Bare()
    html = page(bare, "", frame, {}, SLIDER_DRIVER)
    live = LiveView(bare, [("slider", "a", [1, 2])], lambda settings: frame, frame)
    live.controls["a"].value = 2  # update() reads the widget again
    declared = {"title", "titles", "scale", "backdrop", "max_bytes", "panel_name"}
    assert declared <= set(Widget.__annotations__) | {"panel_name"}
    assert {name for name in seen if not name.startswith("_")} <= declared
    assert {"title", "scale", "backdrop", "max_bytes", "panel_name"} <= seen
    assert Widget.max_bytes == MAX_BYTES and len(html.encode()) < MAX_BYTES


def test_a_widget_checks_the_attributes_the_views_read():
    with pytest.raises(ValueError, match="max_bytes must be a positive int"):
        SliderView(lambda a: [np.zeros((2, 2))], sliders={"a": [1]}, max_bytes=0)
    with pytest.raises(TypeError, match="scale must be a positive int"):
        SliderView(lambda a: [np.zeros((2, 2))], sliders={"a": [1]}, scale=1.5)
    with pytest.raises(TypeError, match="titles must be a sequence"):
        SliderView(lambda a: [np.zeros((2, 2))], sliders={"a": [1]}, titles="image")
    with pytest.raises(TypeError, match="title must be a str"):
        SliderView(lambda a: [np.zeros((2, 2))], sliders={"a": [1]}, title=None)
    with pytest.raises(ValueError, match="backdrop must be an"):
        SliderView(lambda a: [np.zeros((2, 2))], sliders={"a": [1]}, backdrop=np.zeros((4, 4)))


def test_a_static_slider_says_its_value_in_words_and_its_panels_say_the_setting():
    from aebook.widgets.static import panel_alt, range_input
    html = range_input("noise ratio", "0.30", 0, 9, 1, 3, 'data-slider="0"')
    assert 'aria-label="noise ratio"' in html and 'aria-valuetext="noise ratio 0.30"' in html
    assert panel_alt("denoising AE", "error 0.02", "noise ratio 0.30") == \
        "denoising AE: error 0.02 (noise ratio 0.30)"
    assert panel_alt("input", "", "") == "input"
