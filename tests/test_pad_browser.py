"""The latent pad in a real browser, without building the book: its static HTML in a temporary
file, opened in headless Chromium through Playwright (the launch of tests/test_browser.py).

The in-page decoder (pad.js on float16 weights) must draw what torch draws, within 2/255 per
pixel, and a drag on the map or a class choice must change the picture. A screenshot of the pad
lands in the temporary folder (its path is printed). Skips, saying why, without Chromium.
"""
import base64
import io
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from test_widgets_pad import CLASSES, conditional_decoder

from aebook.viz import map_position
from aebook.widgets import LatentPad

CHROMIUM = (os.environ.get("AEBOOK_CHROMIUM") or shutil.which("chromium")
            or shutil.which("google-chrome") or "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
TOLERANCE = 2 / 255  # per pixel, the bound

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


def backdrop(pixels: int = 200) -> np.ndarray:
    """A checkerboard, so a screenshot shows where the map is."""
    cells = (np.indices((pixels, pixels)) // 25).sum(0) % 2
    return np.where(cells[..., None], 235, 205).astype(np.uint8).repeat(3, 2)


@pytest.fixture(scope="module")
def pad():
    return LatentPad(conditional_decoder(), (-3, 3), CLASSES, backdrop(), title="test pad")


@pytest.fixture(scope="module")
def page(pad):
    folder = Path(tempfile.mkdtemp(prefix="aebook-pad-"))
    path = folder / "pad.html"
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>pad</title></head>"
                    f"<body>{pad.to_html()}</body></html>")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 900, "height": 600})
        seen = {"urls": [], "errors": []}
        page.on("request", lambda request: seen["urls"].append(request.url))
        page.on("console", lambda message: message.type == "error" and seen["errors"].append(message.text))
        page.on("pageerror", lambda error: seen["errors"].append(str(error)))
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_selector(".aebook-pad[data-frame='1']")  # pad.js drew the first picture
        page.seen, page.folder = seen, folder
        yield page
        browser.close()


def panel_pixels(page) -> np.ndarray:
    """The picture the panel shows, as (28, 28) grey levels 0..255."""
    source = page.locator("img[data-panel]").get_attribute("src")
    assert source.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))).convert("L")
    return np.asarray(image).astype(int)


def test_the_pad_loads_without_errors_or_requests_to_other_hosts(page):
    assert page.seen["errors"] == [], f"console errors: {page.seen['errors']}"
    foreign = [url for url in page.seen["urls"] if not url.startswith(("file:", "data:"))]
    assert foreign == [], f"requests to other hosts: {foreign}"


def test_dragging_on_the_map_moves_the_point_and_changes_the_picture(page, pad):
    box = page.locator("[data-backdrop]").bounding_box()
    before, frame = panel_pixels(page), int(page.locator(".aebook-pad").get_attribute("data-frame"))
    page.mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 0.5 * box["height"])
    page.mouse.down()
    for step in range(1, 11):  # drag towards the top-right corner: z1 and z2 grow
        page.mouse.move(box["x"] + (0.5 + 0.04 * step) * box["width"],
                        box["y"] + (0.5 - 0.04 * step) * box["height"])
    page.mouse.up()
    after = panel_pixels(page)
    assert int(page.locator(".aebook-pad").get_attribute("data-frame")) > frame + 5
    assert np.abs(after - before).max() > 20, "the picture did not change"
    z1, z2 = (float(page.locator(f"input[data-latent='{k}']").input_value()) for k in (0, 1))
    # 0.4 of the map right and up from its centre: 0.4 of the span 6 from z = (0, 0)
    assert z1 == pytest.approx(2.4, abs=0.05) and z2 == pytest.approx(2.4, abs=0.05)
    assert map_position(z1, z2, (-3, 3)) == pytest.approx((0.9, 0.1), abs=0.01)
    assert marker_at(page) == pytest.approx(map_position(z1, z2, (-3, 3)), abs=1e-6)
    # what the panel shows is torch's decode at the point the drag reached
    expected = np.round(255 * pad.decode([z1, z2], 0)[0].numpy()).reshape(28, 28)
    assert np.abs(after - expected).max() <= 2
    screenshot = page.folder / "latent_pad.png"
    page.locator(".aebook-pad").screenshot(path=str(screenshot))
    print(f"screenshot: {screenshot}")


def marker_at(page) -> list:
    """Where the page's cross is, as fractions of the map (its style's left and top)."""
    style = page.locator("[data-marker]").evaluate("m => [m.style.left, m.style.top]")
    return [float(value.rstrip("%")) / 100 for value in style]


def test_the_page_puts_the_marker_where_map_position_does(page, pad):
    # aebookLatentPad.js mirrors aebook.viz.map_position, the book's one z -> marker mapping:
    # the cross the page draws for z must sit where the function puts it, corners included.
    for z1, z2 in [(-3, 3), (3, -3), (0.75, -1.5), (-2.25, 0.3)]:
        for k, value in enumerate((z1, z2)):
            page.locator(f"input[data-latent='{k}']").evaluate(
                "(input, value) => { input.value = value; input.dispatchEvent(new Event('input')); }",
                value)
        z = [float(page.locator(f"input[data-latent='{k}']").input_value()) for k in (0, 1)]
        assert z == pytest.approx([z1, z2], abs=1e-9)  # the sliders' step holds these points
        assert marker_at(page) == pytest.approx(map_position(z1, z2, (-3, 3)), abs=1e-6)


def test_choosing_a_class_changes_the_picture(page, pad):
    before = panel_pixels(page)
    page.select_option("select[data-class]", "4")
    after = panel_pixels(page)
    assert np.abs(after - before).max() > 20
    assert page.locator("[data-text]").inner_text().endswith("class: class 4")


def test_the_in_page_decode_matches_torch_within_two_grey_levels(page, pad):
    generator = torch.Generator().manual_seed(0)
    z = (torch.rand(24, 2, generator=generator) * 8 - 4).tolist()  # beyond the map's square too
    classes = torch.randint(0, 10, (24,), generator=generator).tolist()
    in_page = np.array(page.locator(".aebook-pad").evaluate(
        "(root, points) => points.map(([z, c]) => root.aebookPad.decode(z, c))",
        [[point, label] for point, label in zip(z, classes)]))
    expected = np.stack([pad.decode(point, label)[0].numpy() for point, label in zip(z, classes)])
    assert in_page.shape == expected.shape == (24, 784)
    assert expected.std() > 0.1  # varied pictures, not a flat grey that any decoder matches
    difference = np.abs(in_page - expected).max()
    print(f"largest difference between the page's and torch's decode: {difference * 255:.3f}/255")
    assert difference < TOLERANCE
