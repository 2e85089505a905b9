"""The drawing pads' page in a real browser, shared by tests/test_drawpad_browser.py and
tests/test_anomalypad_browser.py: a pad's static HTML in a temporary file, opened in headless
Chromium through Playwright (the launch of tests/test_browser.py), and the page's state."""
import base64
import io
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

CHROMIUM = (os.environ.get("AEBOOK_CHROMIUM") or shutil.which("chromium")
            or shutil.which("google-chrome") or "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def open_page(driver, pad, width: int, name: str):
    """(browser, page) with ``pad`` alone on a page ``width`` pixels wide, its first test image
    run; ``page.seen`` collects requested URLs and console errors, ``page.folder`` is the file's."""
    folder = Path(tempfile.mkdtemp(prefix=f"aebook-{name}-"))
    path = folder / f"{name}.html"
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'>"
                    f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
                    f"<title>{name}</title></head><body>{pad.to_html()}</body></html>")
    browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    page = browser.new_page(viewport={"width": width, "height": 900})
    seen = {"urls": [], "errors": []}
    page.on("request", lambda request: seen["urls"].append(request.url))
    page.on("console", lambda message: message.type == "error" and seen["errors"].append(message.text))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_selector(".aebook-drawpad[data-frame='1']")  # the first test image ran
    page.seen, page.folder = seen, folder
    return browser, page


def state(page) -> dict:
    return page.locator(".aebook-drawpad").evaluate("root => root.aebookDraw.state()")


def frame(page) -> int:
    return int(page.locator(".aebook-drawpad").get_attribute("data-frame"))


def panel_pixels(page, j: int) -> np.ndarray:
    source = page.locator(f"img[data-panel='{j}']").get_attribute("src")
    image = Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))).convert("L")
    return np.asarray(image).astype(int).ravel()


def draw(page, points):
    """A stroke with the mouse through ``points``, fractions of the canvas."""
    box = page.locator("canvas[data-draw]").bounding_box()
    at = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=4)
    page.mouse.up()


def show(page, image):
    """Put a (784,) image on the pad as a loaded test image."""
    page.locator(".aebook-drawpad").evaluate("(root, x) => root.aebookDraw.show(x)", image.tolist())
