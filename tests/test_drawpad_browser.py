"""The drawing pad in a real browser, without building the book: its static HTML in a temporary
file, opened in headless Chromium through Playwright (the launch of tests/test_browser.py).

A small VAE with a 2-D code and a small classifier are trained on the book's data for a few
hundred steps. For 24 test images put on the pad, the page's posterior mean (aebookNet.js on
float16 weights) must match torch's within 1 % of the latent range and the reconstruction within
2/255; a stroke drawn with the mouse must change the code, the reconstruction and the guess; the
pad must work from the keyboard. Screenshots at desktop and phone width land in
$AEBOOK_SHOTS (default: the temporary folder; the paths are printed). Skips without Chromium.
"""
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from padpage import CHROMIUM, draw, frame, open_page, panel_pixels, state

import aebook
from aebook.train import train_classifier, train_vae
from aebook.viz import scatter_backdrop
from aebook.widgets import DrawingPad, reduce_drawing

LIMIT = 4.0  # the map covers [-4, 4]^2
TESTS = 24

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def models():
    data = aebook.load_data("mnist", verbose=False)
    images, labels = data.train_images[:2000], data.train_labels[:2000]
    vae, _ = train_vae(images, 2, hidden_size=64, steps=300, lr=2e-3, seed=0, progress=False)
    classifier = train_classifier(images, labels, hidden_size=32, steps=300, seed=0, progress=False)
    return vae.cpu().eval(), classifier.cpu().eval(), data


@pytest.fixture(scope="module")
def pad(models):
    vae, classifier, data = models
    with torch.no_grad():
        codes = vae.encode(data.train_images[:2000])[0]
    backdrop = scatter_backdrop(codes, data.train_labels[:2000], (-LIMIT, LIMIT))
    return DrawingPad(vae, (-LIMIT, LIMIT), data.test_images[:8], backdrop, classifier=classifier,
                      class_names=data.class_names, legend=data.class_names, title="test drawing pad",
                      max_bytes=1_000_000)


@pytest.fixture(scope="module")
def driver():
    with playwright.sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def page(driver, pad):
    browser, page = open_page(driver, pad, 1000, "drawpad")
    yield page
    browser.close()


def test_the_pad_loads_without_errors_or_requests_to_other_hosts(page):
    assert page.seen["errors"] == [], f"console errors: {page.seen['errors']}"
    foreign = [url for url in page.seen["urls"] if not url.startswith(("file:", "data:"))]
    assert foreign == [], f"requests to other hosts: {foreign}"


def test_the_in_page_encoder_and_decoder_match_torch_on_24_test_images(page, pad, models):
    _, _, data = models
    images = data.test_images[100:100 + TESTS]
    results = page.locator(".aebook-drawpad").evaluate(
        "(root, images) => images.map(x => { root.aebookDraw.show(x); return root.aebookDraw.state(); })",
        images.tolist())
    mu = np.array([result["mu"] for result in results])
    logvar = np.array([result["logvar"] for result in results])
    pictures = np.array([result["reconstruction"] for result in results])
    torch_mu, torch_logvar = (part.numpy() for part in pad.encode(images))
    torch_pictures = pad.reconstruct(images).numpy()
    assert np.array([result["input"] for result in results]) == pytest.approx(images.numpy(), abs=1e-6)
    assert torch_mu.std(0).min() > 0.3  # codes spread over the map, not one point
    code_gap = np.abs(mu - torch_mu).max() / (2 * LIMIT)
    picture_gap = np.abs(pictures - torch_pictures).max()
    print(f"over {TESTS} test images: posterior mean within {code_gap:.4%} of the latent range, "
          f"log-variance within {np.abs(logvar - torch_logvar).max():.4f}, reconstruction within "
          f"{255 * picture_gap:.3f}/255")
    assert code_gap < 0.01 and picture_gap < 2 / 255
    assert np.abs(logvar - torch_logvar).max() < 0.05
    # what the last panel shows is torch's reconstruction, rounded, within two grey levels
    expected = np.floor(255 * torch_pictures[-1] + 0.5)
    assert np.abs(panel_pixels(page, 1) - expected).max() <= 2


def test_a_drawn_stroke_changes_the_code_the_reconstruction_and_the_guess(page, pad, models):
    _, _, data = models
    zero = data.test_images[(data.test_labels == 0).nonzero()[0, 0]]
    page.locator(".aebook-drawpad").evaluate("(root, x) => root.aebookDraw.show(x)", zero.tolist())
    before, frames = state(page), frame(page)
    page.click("button[data-clear]")
    draw(page, [(0.5, 0.15), (0.52, 0.5), (0.54, 0.85)])  # a "1": one stroke down the middle
    after = state(page)
    assert frame(page) > frames + 3  # the pad ran as the stroke went
    assert np.abs(np.subtract(after["mu"], before["mu"])).max() > 0.05 * 2 * LIMIT
    assert np.abs(np.subtract(after["reconstruction"], before["reconstruction"])).max() > 0.2
    assert int(np.argmax(before["probabilities"])) == 0 and int(np.argmax(after["probabilities"])) == 1
    line = page.locator("[data-text]").inner_text()
    assert "guess: 1" in line
    # the page writes the line as the live view does (DrawingPad.describe_code)
    assert line == pad.describe_code(after["mu"], after["logvar"], after["probabilities"])
    # the page reduced the stroke as reduce_drawing does, and encoded the result as torch does
    side = page.locator("canvas[data-draw]").evaluate("c => c.width")
    ink = np.array(page.locator(".aebook-drawpad").evaluate("root => root.aebookDraw.ink()"))
    expected = reduce_drawing(ink.reshape(side, side))
    assert np.abs(np.array(after["input"]) - expected.ravel()).max() < 1e-9
    rows = np.nonzero(expected.sum(1))[0]
    assert rows.max() - rows.min() + 1 == 20  # the tall stroke fills the 20-pixel box
    torch_mu = pad.encode(expected.ravel())[0][0].numpy()
    assert np.abs(np.array(after["mu"]) - torch_mu).max() < 0.01 * 2 * LIMIT
    # the marker and the ellipse sit at the code
    left = page.locator("[data-marker]").evaluate("m => parseFloat(m.style.left)") / 100
    assert left == pytest.approx((after["mu"][0] + LIMIT) / (2 * LIMIT), abs=1e-6)
    sigma = np.exp(0.5 * np.array(after["logvar"]))
    width = page.locator("[data-ellipse]").evaluate("e => parseFloat(e.style.width)") / 100
    assert width == pytest.approx(2 * sigma[0] / (2 * LIMIT), abs=1e-6)


def test_the_pad_works_from_the_keyboard(page, pad):
    page.click("button[data-clear]")
    assert not any(state(page)["input"])
    assert page.evaluate("document.activeElement.hasAttribute('data-draw')")  # focus on the canvas
    page.keyboard.press("n")  # the next test image
    first = state(page)
    assert "test image" in page.locator("[data-status]").inner_text()
    page.keyboard.press("n")
    second = state(page)
    assert second["mu"] != first["mu"]
    page.keyboard.press("p")
    assert state(page)["mu"] == first["mu"]
    page.keyboard.press("Delete")
    assert not any(state(page)["input"])
    page.keyboard.press("Tab")  # from the canvas to the buttons: clear, previous, next
    assert page.evaluate("document.activeElement.hasAttribute('data-clear')")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-next')")
    page.keyboard.press("Enter")
    loaded = state(page)
    assert any(loaded["input"])
    expected = pad.encode(np.array(loaded["input"]))[0][0].numpy()
    assert np.abs(np.array(loaded["mu"]) - expected).max() < 0.01 * 2 * LIMIT
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # previous
    assert state(page)["mu"] != loaded["mu"]


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_a_drawn_digit_at_desktop_and_phone_width(driver, pad, width):
    folder = Path(os.environ.get("AEBOOK_SHOTS") or tempfile.mkdtemp(prefix="aebook-drawpad-"))
    folder.mkdir(parents=True, exist_ok=True)
    browser, page = open_page(driver, pad, width, "drawpad")
    page.click("button[data-clear]")
    draw(page, [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)])  # a "7"
    assert any(state(page)["input"])
    shot = folder / f"drawpad-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    browser.close()
    print(f"screenshot: {shot}")
    assert overflow <= 0, f"the pad is wider than a {width}-pixel screen by {overflow} pixels"
