"""The anomaly pad in a real browser, without building the book: its static HTML in a temporary
file, opened in headless Chromium through Playwright (as tests/test_drawpad_browser.py).

A small VAE (20-D code) is trained on Fashion-MNIST for a few hundred steps and its threshold is
the 95th percentile of the reconstruction errors of held-out Fashion-MNIST images, as chapter 14
chooses it. For 24 test images put on the pad (12 Fashion-MNIST, 12 MNIST), the page's anomaly
score (aebookNet.js on float16 weights) must match torch's within 1 % (relative), the
reconstruction within 2/255, and the verdict must be torch's; a stroke drawn with the mouse
must change the score and the reconstruction; the pad must work from the keyboard. Screenshots
of a drawn stroke and of a flagged MNIST digit at desktop and phone width land in
$AEBOOK_SHOTS (default: a temporary folder). Skips without Chromium or without both data sets.
"""
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from padpage import CHROMIUM, draw, frame, open_page, panel_pixels, show, state

import aebook
from aebook.metrics import threshold_for_rate
from aebook.train import train_vae
from aebook.widgets import AnomalyPad, reduce_drawing

TESTS = 24

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def models():
    available = aebook.data.load_available(("fashion-mnist", "mnist"), verbose=False)
    if len(available) < 2:
        pytest.skip("the anomaly pad's test needs both Fashion-MNIST and MNIST")
    fashion, digits = available["fashion-mnist"], available["mnist"]
    vae, _ = train_vae(fashion.train_images[:3000], 20, hidden_size=64, steps=300, lr=2e-3,
                       seed=0, progress=False)
    vae = vae.cpu().eval()
    validation = fashion.train_images[-1000:]
    with torch.no_grad():
        mu = vae.to_mu(vae.encoder(validation))
        errors = (torch.sigmoid(vae.decoder(mu)) - validation).pow(2).mean(1)
    return vae, threshold_for_rate(errors, 0.05), fashion, digits


@pytest.fixture(scope="module")
def pad(models):
    vae, threshold, fashion, digits = models
    images = torch.cat([fashion.test_images[:4], digits.test_images[:4]])
    names = ([f"Fashion-MNIST test image {k + 1}" for k in range(4)]
             + [f"MNIST test digit {k + 1}" for k in range(4)])
    return AnomalyPad(vae, threshold, images, names, title="test anomaly pad",
                      max_bytes=1_000_000)


@pytest.fixture(scope="module")
def driver():
    with playwright.sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def page(driver, pad):
    browser, page = open_page(driver, pad, 1000, "anomalypad")
    yield page
    browser.close()


def test_the_pad_loads_without_errors_or_requests_to_other_hosts(page, pad):
    assert page.seen["errors"] == [], f"console errors: {page.seen['errors']}"
    foreign = [url for url in page.seen["urls"] if not url.startswith(("file:", "data:"))]
    assert foreign == [], f"requests to other hosts: {foreign}"
    assert page.locator("[data-status]").inner_text() == "Fashion-MNIST test image 1 (1 of 8)"
    assert page.locator("[data-ellipse]").count() == 0  # no latent map here


def test_the_in_page_score_and_reconstruction_match_torch_on_24_test_images(page, pad, models):
    _, threshold, fashion, digits = models
    half = TESTS // 2
    images = torch.cat([fashion.test_images[100:100 + half], digits.test_images[100:100 + half]])
    results = page.locator(".aebook-drawpad").evaluate(
        "(root, images) => images.map(x => { root.aebookDraw.show(x); return root.aebookDraw.state(); })",
        images.tolist())
    scores = np.array([result["score"] for result in results])
    pictures = np.array([result["reconstruction"] for result in results])
    verdicts = np.array([result["flagged"] for result in results])
    torch_scores = pad.score(images).double().numpy()
    torch_pictures = pad.reconstruct(images).numpy()
    assert np.array([result["input"] for result in results]) == pytest.approx(images.numpy(), abs=1e-6)
    score_gap = np.abs(scores / torch_scores - 1).max()
    picture_gap = np.abs(pictures - torch_pictures).max()
    margin = np.abs(torch_scores / threshold - 1).min()
    print(f"over {TESTS} test images: scores within {score_gap:.4%} (relative), reconstruction "
          f"within {255 * picture_gap:.3f}/255; {verdicts.sum()} flagged; the nearest score is "
          f"{margin:.2%} from the threshold")
    assert score_gap < 0.01 and picture_gap < 2 / 255
    assert (verdicts == (torch_scores >= threshold)).all()
    assert 0 < verdicts.sum() < TESTS and verdicts[half:].sum() > verdicts[:half].sum()
    # the last panels show torch's reconstruction and difference, rounded, within two grey levels
    expected = np.floor(255 * torch_pictures[-1] + 0.5)
    assert np.abs(panel_pixels(page, 1) - expected).max() <= 2
    difference = np.floor(255 * np.abs(torch_pictures[-1] - images[-1].numpy()) + 0.5)
    assert np.abs(panel_pixels(page, 2) - difference).max() <= 2
    # the page writes the line and the captions as the live view does (AnomalyPad.frame)
    line = page.locator("[data-text]").inner_text()
    assert line == pad.describe_score(scores[-1])
    live = pad.frame(images[-1])
    assert line == live.text
    captions = [page.locator(f"[data-caption='{j}']").inner_text() for j in range(3)]
    assert captions == list(live.captions)
    left = page.locator("[data-marker]").evaluate("m => parseFloat(m.style.left)") / 100
    top = page.locator("[data-marker]").evaluate("m => parseFloat(m.style.top)") / 100
    assert (left, top) == pytest.approx(live.marker, abs=0.005)  # the cross sits at the score


def test_a_drawn_stroke_changes_the_score_and_the_reconstruction(page, pad, models):
    _, _, fashion, _ = models
    show(page, fashion.test_images[0])
    before, frames = state(page), frame(page)
    page.click("button[data-clear]")
    draw(page, [(0.5, 0.15), (0.52, 0.5), (0.54, 0.85)])  # a "1": one stroke down the middle
    after = state(page)
    assert frame(page) > frames + 3  # the pad ran as the stroke went
    assert abs(after["score"] / before["score"] - 1) > 0.1
    assert np.abs(np.subtract(after["reconstruction"], before["reconstruction"])).max() > 0.2
    assert page.locator("[data-status]").inner_text() == "your drawing"
    # the page reduced the stroke as reduce_drawing does, and scored it as torch does
    side = page.locator("canvas[data-draw]").evaluate("c => c.width")
    ink = np.array(page.locator(".aebook-drawpad").evaluate("root => root.aebookDraw.ink()"))
    expected = reduce_drawing(ink.reshape(side, side))
    assert np.abs(np.array(after["input"]) - expected.ravel()).max() < 1e-9
    torch_score = pad.score(expected.ravel())[0].item()
    assert abs(after["score"] / torch_score - 1) < 0.01
    assert after["flagged"] == (torch_score >= pad.threshold)


def test_the_pad_works_from_the_keyboard(page, pad):
    page.click("button[data-clear]")
    assert not any(state(page)["input"])
    assert page.evaluate("document.activeElement.hasAttribute('data-draw')")  # focus on the canvas
    page.keyboard.press("n")  # the next test image
    first = state(page)
    assert "test image" in page.locator("[data-status]").inner_text()
    page.keyboard.press("n")
    second = state(page)
    assert second["score"] != first["score"]
    page.keyboard.press("p")
    assert state(page)["score"] == first["score"]
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
    assert abs(loaded["score"] / pad.score(np.array(loaded["input"]))[0].item() - 1) < 0.01
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # previous
    assert state(page)["score"] != loaded["score"]


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_a_stroke_and_a_flagged_digit_at_desktop_and_phone_width(
        driver, pad, models, width):
    _, _, _, digits = models
    folder = Path(os.environ.get("AEBOOK_SHOTS") or tempfile.mkdtemp(prefix="aebook-anomalypad-"))
    folder.mkdir(parents=True, exist_ok=True)
    browser, page = open_page(driver, pad, width, "anomalypad")
    page.click("button[data-clear]")
    draw(page, [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)])  # a "7"
    assert any(state(page)["input"])
    shots = [folder / f"anomalypad-stroke-{width}.png", folder / f"anomalypad-flagged-{width}.png"]
    page.screenshot(path=str(shots[0]), full_page=True)
    scores = pad.score(digits.test_images[:50])
    flagged = int(torch.nonzero(scores >= pad.threshold)[0, 0])
    show(page, digits.test_images[flagged])
    assert state(page)["flagged"] and page.locator("[data-caption='2']").inner_text() == "flagged"
    page.screenshot(path=str(shots[1]), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    browser.close()
    print("screenshots:", *shots)
    assert overflow <= 0, f"the pad is wider than a {width}-pixel screen by {overflow} pixels"
