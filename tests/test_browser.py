"""The rendered book as a reader's browser meets it (headless Chromium driven by Playwright).

Runs against `_build/html` (`make test` builds it first, strictly). Skips with a message where
Chromium, Playwright or the built book is missing. Writes screenshots of every page and a JSON
report of page weights and widget frame-switch times to `_build/browser/`.
"""
import functools
import gzip
import http.server
import json
import os
import shutil
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
OUT = ROOT / "_build" / "browser"
CHROMIUM = (os.environ.get("AEBOOK_CHROMIUM") or shutil.which("chromium")
            or shutil.which("google-chrome") or "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
# A page's weight: what a reader downloads, every response body gzip-compressed as GitHub Pages
# serves it. The raw (uncompressed) total is reported beside it.
MAX_PAGE_BYTES = 3_000_000
# Gzipped weights measured before pages without maths stopped loading MathJax (2026-12-01).
WEIGHT_BEFORE = {"intro": 1_250_000, "references": 980_000}
REPORT = {"pages": {}, "widgets": []}

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)
if not (HTML / "index.html").is_file():
    pytest.skip("the book is not built: run `make book` (make test builds it)", allow_module_level=True)


def toc_pages() -> list:
    """The root page, then every file of the table of contents in order (parts or not)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    entries = [chapter for part in toc.get("parts", [toc]) for chapter in part["chapters"]]
    return [toc["root"]] + [entry["file"] for entry in entries]


KOREAN = HTML / "ko"


def korean_built():
    if not (KOREAN / "intro.html").is_file():
        pytest.skip("the Korean edition is not built (no _build/html/ko): run `make book`")


def chapters_in_both_editions() -> list:
    """Every chapter, then two chapters of the Korean edition ("ko/chapters/...").

    A Korean page carries the widgets' HTML from the same execution as its English twin
    (only the prose around them differs), so two Korean chapters with sliders show that the
    widgets work inside a Korean page; checking all fifteen again doubled the test's time."""
    chapters = [name for name in toc_pages() if name.startswith("chapters/")]
    korean = [name for name in chapters if name.startswith(("chapters/02_", "chapters/07_"))]
    return chapters + [f"ko/{name}" for name in korean]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.json").write_text(json.dumps(REPORT, indent=2))


def open_page(browser, server, page_name):
    """Load a page; return it with the hosts it asked for, its console errors and its weight."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = {"urls": [], "errors": [], "bytes": 0, "raw_bytes": 0}
    page.on("request", lambda request: seen["urls"].append(request.url))
    page.on("console", lambda message: message.type == "error" and seen["errors"].append(message.text))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))

    def count(response):
        try:
            body = response.body()
        except Exception:  # a redirect or aborted response has no body
            return
        seen["raw_bytes"] += len(body)
        seen["bytes"] += len(gzip.compress(body, compresslevel=6))
    page.on("response", count)
    page.goto(f"{server}/{page_name}.html", wait_until="networkidle")
    page.wait_for_timeout(300)  # late requests (fonts, MathJax's own loads) count too
    return page, seen


@pytest.mark.parametrize("page_name", toc_pages())
def test_page_loads_offline_without_console_errors(browser, server, page_name):
    page, seen = open_page(browser, server, page_name)
    if page.locator(".math").count():  # MathJax typesets asynchronously
        page.wait_for_selector("mjx-container", state="attached", timeout=15_000)  # some sit in collapsed solutions
    else:
        assert not [url for url in seen["urls"] if "mathjax" in url.lower()], \
            f"{page_name} has no maths but loads MathJax"
    foreign = [url for url in seen["urls"] if not url.startswith((server, "data:", "blob:"))]
    assert foreign == [], f"requests to other hosts: {foreign}"
    assert seen["errors"] == [], f"console errors: {seen['errors']}"
    assert seen["bytes"] < MAX_PAGE_BYTES, f"{page_name} weighs {seen['bytes']:,} bytes"
    REPORT["pages"][page_name] = {"gzip_bytes": seen["bytes"], "raw_bytes": seen["raw_bytes"],
                                  "gzip_bytes_before": WEIGHT_BEFORE.get(page_name)}
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{page_name.replace('/', '_')}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("page_name", [name for name in toc_pages() if name.startswith("chapters/")])
def test_maths_is_typeset_and_every_figure_has_alt_text(browser, server, page_name):
    page, _ = open_page(browser, server, page_name)
    if page.locator(".math").count():
        page.wait_for_selector("mjx-container", state="attached", timeout=15_000)  # some sit in collapsed solutions
        assert page.locator("mjx-container").count() >= page.locator(".math").count() // 2
    images = page.locator("article img")
    for index in range(images.count()):
        image = images.nth(index)
        assert (image.get_attribute("alt") or "").strip(), \
            f"an image without alt text on {page_name}: {image.get_attribute('src')[:60]}"
    page.close()


@pytest.mark.parametrize("page_name", chapters_in_both_editions())
def test_static_widgets_change_their_picture_when_slid(browser, server, page_name):
    if page_name.startswith("ko/"):
        korean_built()
    page, _ = open_page(browser, server, page_name)
    widgets = page.locator(".aebook-widget")
    notebook = (ROOT / f"{page_name.removeprefix('ko/')}.ipynb").read_text()
    if "SliderView(" in notebook:
        assert widgets.count() >= 1, f"{page_name} makes a widget but the page shows none"
    for index in range(widgets.count()):
        widget = widgets.nth(index)
        widget.scroll_into_view_if_needed()
        before = widget.evaluate("w => [...w.querySelectorAll('img[data-panel]')].map(i => i.src)")
        milliseconds = widget.evaluate("""w => {
            const start = performance.now();
            const sliders = w.querySelectorAll('input[type=range]');
            for (const slider of sliders) {
                slider.value = slider.max;
                slider.dispatchEvent(new Event('input'));
            }
            if (!sliders.length) w.querySelector('[data-next]').click();  // a drawing pad
            return performance.now() - start; }""")
        after = widget.evaluate("w => [...w.querySelectorAll('img[data-panel]')].map(i => i.src)")
        assert widget.get_attribute("data-frame") != "0", "the slider did not change the frame"
        assert before != after, f"widget {index} on {page_name}: the picture did not change"
        OUT.mkdir(parents=True, exist_ok=True)
        widget.screenshot(path=str(OUT / f"{page_name.replace('/', '_')}_widget{index}.png"))
        REPORT["widgets"].append({"page": page_name, "widget": index,
                                  "frame_switch_ms": round(milliseconds, 2)})
        assert milliseconds < 100, f"a frame switch took {milliseconds:.0f} ms"
    page.close()


@pytest.mark.parametrize("page_name", chapters_in_both_editions())
def test_static_sliders_speak_their_value_and_move_with_the_keyboard(browser, server, page_name):
    """The W3C slider pattern: the arrow keys and End move a slider, which announces its value
    as "name value" (aria-valuetext), and the panels' alt text follows the setting."""
    if page_name.startswith("ko/"):
        korean_built()
    page, _ = open_page(browser, server, page_name)
    sliders = page.locator(".aebook-widget input[type=range]")
    for index in range(sliders.count()):
        slider = sliders.nth(index)
        name = slider.get_attribute("aria-label")
        assert name and (slider.get_attribute("aria-valuetext") or "").startswith(name + " "), \
            f"slider {index} on {page_name} does not say its value"
        if slider.evaluate("s => s.value === s.max"):
            continue
        widget = slider.locator("xpath=ancestor::div[contains(@class, 'aebook-widget')][1]")
        before = (slider.get_attribute("aria-valuetext"), widget.get_attribute("data-frame"))
        slider.scroll_into_view_if_needed()
        slider.focus()
        page.keyboard.press("End")
        after = (slider.get_attribute("aria-valuetext"), widget.get_attribute("data-frame"))
        assert after[0] != before[0] and after[1] != before[1], \
            f"End on slider {index} of {page_name} did not move it: {before} -> {after}"
        panel = widget.locator("img[data-panel]").first
        if "aebook-pad" not in (widget.get_attribute("class") or ""):  # a pad's alt names z
            assert after[0] in (panel.get_attribute("alt") or ""), "the alt text misses the setting"
        page.keyboard.press("Home")
    page.close()


# The Korean edition (_build/html/ko, issue 26): the page checks above, and the widget checks
# (their chapters include "ko/" ones), then the language switch and the Korean search.

@pytest.mark.parametrize("page_name", toc_pages())
def test_korean_page_loads_offline_without_console_errors(browser, server, page_name):
    korean_built()
    page, seen = open_page(browser, server, f"ko/{page_name}")
    if page.locator(".math").count():
        page.wait_for_selector("mjx-container", state="attached", timeout=15_000)
    foreign = [url for url in seen["urls"] if not url.startswith((server, "data:", "blob:"))]
    assert foreign == [], f"requests to other hosts: {foreign}"
    assert seen["errors"] == [], f"console errors: {seen['errors']}"
    assert page.evaluate("document.documentElement.lang") == "ko"
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"ko_{page_name.replace('/', '_')}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("page_name", [toc_pages()[0]] + [name for name in toc_pages() if name.startswith("chapters/")][:2])
def test_the_language_switch_leads_to_the_same_page_both_ways(browser, server, page_name):
    korean_built()
    page, _ = open_page(browser, server, f"ko/{page_name}")
    switch = page.locator("a.btn-language-switch")
    assert switch.count() == 1 and "English" in switch.text_content()
    assert switch.get_attribute("target") is None, "the switch replaces the page, not a new tab"
    switch.click()
    page.wait_for_url(f"{server}/{page_name}.html")
    back = page.locator("a.btn-language-switch")
    assert "한국어" in back.text_content()
    back.click()
    page.wait_for_url(f"{server}/ko/{page_name}.html")
    page.close()


def test_a_korean_search_finds_a_word_that_carries_a_particle(browser, server):
    korean_built()
    index = (KOREAN / "searchindex.js").read_text(encoding="utf-8")
    if "\\uc624\\ud1a0\\uc778\\ucf54\\ub354" not in index and "오토인코더" not in index:
        pytest.skip("no Korean page says 오토인코더 yet (the catalogs are not translated)")
    page = browser.new_page()
    page.goto(f"{server}/ko/search.html?q=오토인코더", wait_until="networkidle")
    page.wait_for_selector("#search-results ul.search li", timeout=15_000)
    assert page.locator("#search-results ul.search li").count() >= 1
    page.close()
