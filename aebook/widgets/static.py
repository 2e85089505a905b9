"""The static view: one self-contained block of HTML for the rendered book (no kernel).

:func:`page` lays out what every widget shows (controls, an optional backdrop with its marker,
image panels with captions, a line of text) and appends the widget's data as JSON and the
package's own JavaScript, which fills the panels for each setting. Each kind of widget has its
builder here, on the same :func:`page` and the same controls (:func:`range_input`,
:func:`select_input`):

- :func:`slider_html`: a :class:`SliderView`; ``aebookSlider.js`` looks up precomputed frames;
- :func:`pad_html`: a :class:`LatentPad`; ``aebookLatentPad.js`` decodes in the page.

Nothing is fetched from another host.
"""
from __future__ import annotations

import hashlib
import json
import re

from .base import MARKER_ARM, MARKER_RGB, Frame, data_uri, escape, script

__all__ = ["page", "slider_html", "pad_html", "draw_html", "range_input", "select_input", "panel_alt",
           "SLIDER_DRIVER", "PAD_DRIVER", "DRAW_DRIVER", "NET_ENGINE"]

# The scripts that run each kind of static view: <name>.js beside this module, inlined into the
# page and called as <name>(root, data).
SLIDER_DRIVER, PAD_DRIVER, DRAW_DRIVER = "aebookSlider", "aebookLatentPad", "aebookDrawPad"
# The network engine every page-side model runs on, inlined before the drivers that need it.
NET_ENGINE = "aebookNet"
LABEL = '<label style="display:block;margin:2px 0">'  # one control per line, its name first


def range_input(name: str, label: str, low: float, high: float, step: float, value: float,
                data: str) -> str:
    """A labelled ``<input type=range>`` from ``low`` to ``high``, starting at ``value``.

    Args:
        name: what it sets (shown before it, and its aria-label).
        label: its value as shown after it, in the ``<output>`` the script updates; a screen
            reader hears "name label" (``aria-valuetext``, e.g. "noise ratio 0.30"), not the
            index of the step. The arrow keys, Page Up/Down, Home and End move it (a native
            range input, the W3C slider pattern).
        data: the attribute its script finds it by, e.g. ``data-slider="0"``.
    """
    return (f'{LABEL}{escape(name)} '
            f'<input type="range" min="{low:g}" max="{high:g}" step="{step:g}" value="{value:g}" '
            f'{data} aria-label="{escape(name)}" aria-valuetext="{escape(name)} {escape(label)}" '
            f'style="vertical-align:middle;width:220px"> <output>{escape(label)}</output></label>')


def select_input(name: str, options, data: str) -> str:
    """A labelled ``<select>`` whose k-th ``<option>`` has value k; ``data`` as in range_input."""
    items = "".join(f'<option value="{k}">{escape(option)}</option>'
                    for k, option in enumerate(options))
    return f'{LABEL}{escape(name)} <select {data} aria-label="{escape(name)}">{items}</select></label>'


def panel_alt(name: str, caption: str, setting: str) -> str:
    """A panel's alt text: what it shows and at which setting, e.g. "denoising AE: error 0.02
    (noise ratio 0.30)"; the scripts rebuild it the same way when a control moves."""
    return name + (f": {caption}" if caption else "") + (f" ({setting})" if setting else "")


def _marker(marker) -> str:
    """The cross the live view draws into the backdrop (``base.with_marker``), as an overlay."""
    left, top = (marker if marker is not None else (-1, -1))
    arm, colour = MARKER_ARM, "rgb({},{},{})".format(*MARKER_RGB)
    bar = "position:absolute;background:" + colour
    return (f'<div data-marker style="position:absolute;width:0;height:0;'
            f'left:{left * 100:.2f}%;top:{top * 100:.2f}%;pointer-events:none">'
            f'<div style="{bar};left:-1px;top:-{arm}px;width:3px;height:{2 * arm + 1}px"></div>'
            f'<div style="{bar};left:-{arm}px;top:-1px;width:{2 * arm + 1}px;height:3px"></div></div>')


def page(widget, controls: str, first: Frame, payload: dict, driver: str,
         panel_sources: list | None = None, kind: str = "", libraries: tuple = ()) -> str:
    """The static view of ``widget``.

    Args:
        widget: a :class:`aebook.widgets.Widget`; ``page`` reads the attributes it declares
            (``title``, ``panel_name``, ``scale``, ``backdrop``, ``max_bytes``), and the
            backdrop's alt text from ``backdrop_alt`` where a widget has one (else the title).
        controls: HTML of the inputs (e.g. :func:`range_input`s).
        first: the frame shown before any script runs (uint8 images).
        payload: what the script needs, serialised as JSON next to it.
        driver: the package script that runs the widget, called as ``driver(root, data)``.
        panel_sources: the ``src`` of each panel's first image (default: ``first``'s images).
        kind: a second CSS class for the widget's root, ``aebook-<kind>`` (e.g. ``pad``).
        libraries: package scripts inlined before the driver (e.g. ``NET_ENGINE``).
    Returns:
        HTML text; ValueError if it is larger than ``widget.max_bytes``.
    """
    data = json.dumps(payload, separators=(",", ":")).replace("<", "\\u003c")
    uid = "aebook-" + hashlib.sha1(data.encode()).hexdigest()[:12]
    sources = panel_sources or [data_uri(image) for image in first.images]
    panels = []
    if widget.backdrop is not None:
        height, width = widget.backdrop.shape[:2]
        panels.append(
            f'<div data-backdrop style="position:relative;width:{width}px;height:{height}px;'
            f'margin-right:12px"><img src="{data_uri(widget.backdrop)}" '
            f'alt="{escape(getattr(widget, "backdrop_alt", "") or widget.title or "map")}" '
            f'width="{width}" height="{height}">'
            f'{_marker(first.marker)}</div>')
    controls_text = ", ".join(re.findall(r'aria-valuetext="([^"]*)"', controls))
    for j, (image, source) in enumerate(zip(first.images, sources)):
        height, width = image.shape[:2]
        name = widget.panel_name(j)
        caption = first.captions[j] if j < len(first.captions) else ""
        panels.append(
            f'<figure style="margin:0 6px;text-align:center">'
            f'<div style="font-size:12px">{escape(name)}</div>'
            f'<img data-panel="{j}" data-name="{escape(name)}" src="{source}" '
            f'alt="{escape(panel_alt(name, caption, controls_text))}" '
            f'width="{width * widget.scale}" height="{height * widget.scale}" '
            f'style="image-rendering:pixelated;image-rendering:crisp-edges">'
            f'<figcaption data-caption="{j}" style="font-size:12px">'
            f'{escape(first.captions[j] if j < len(first.captions) else "")}</figcaption></figure>')
    title = (f'<div style="font-weight:bold;margin-bottom:4px">{escape(widget.title)}</div>'
             if widget.title else "")
    classes = "aebook-widget" + (f" aebook-{kind}" if kind else "")
    html = (f'<div class="{classes}" id="{uid}" data-frame="0" '
            f'style="font-family:sans-serif;margin:8px 0">{title}{controls}'
            f'<div style="display:flex;align-items:flex-end;flex-wrap:wrap;margin-top:6px">'
            f'{"".join(panels)}</div>'
            f'<div data-text style="font-size:12px;margin-top:4px">{escape(first.text)}</div>'
            f'<script type="application/json" id="{uid}-data">{data}</script>'
            f'<script>{"".join(script(name + ".js") + chr(10) for name in libraries)}'
            f'{script(driver + ".js")}\n'
            f'{driver}(document.getElementById("{uid}"), '
            f'JSON.parse(document.getElementById("{uid}-data").textContent));</script></div>')
    size = len(html.encode())
    if size > widget.max_bytes:
        raise ValueError(f"the static view is {size:,} bytes, over max_bytes="
                         f"{widget.max_bytes:,}: use fewer slider values or smaller images")
    return html


def slider_html(view) -> str:
    """A :class:`SliderView`'s static view: every frame of the slider grid precomputed, each
    distinct image stored once in a pool, frames referring to it by index."""
    fixed = {name: options[0] for name, options in view.choices.items()}
    pool, index_of, frames = [], {}, []
    for point in view.grid():
        frame = view.cached_frame(**point, **fixed)
        refs = []
        for image in frame.images:
            uri = data_uri(image)
            if uri not in index_of:
                index_of[uri] = len(pool)
                pool.append(uri)
            refs.append(index_of[uri])
        frames.append({"images": refs, "captions": list(frame.captions), "text": frame.text,
                       "marker": list(frame.marker) if frame.marker is not None else None})
    labels = view.labels()
    payload = {"pool": pool, "frames": frames,
               "sizes": [len(values) for values in view.sliders.values()],
               "labels": list(labels.values())}
    controls = "".join(range_input(name, values[0], 0, len(values) - 1, 1, 0, f'data-slider="{k}"')
                       for k, (name, values) in enumerate(labels.items()))
    first = view.cached_frame(**view.grid()[0], **fixed)
    sources = [pool[index] for index in frames[0]["images"]]
    return page(view, controls, first, payload, SLIDER_DRIVER, sources)


# The page's z sliders take this many steps across the square: fine enough that a drag looks
# continuous (the live view's FloatSliders, redrawn by the kernel, take 200).
PAD_STEPS = 800


def pad_html(pad) -> str:
    """A :class:`LatentPad`'s static view: its exported decoder and ``aebookLatentPad.js``, which
    decodes every position in the page; z1 and z2 sliders, a class drop-down if it has classes,
    and the map (the backdrop) taking presses and drags."""
    start, step = pad.start(), (pad.high - pad.low) / PAD_STEPS
    controls = "".join(range_input(name, f"{start:.2f}", pad.low, pad.high, step, start,
                                   f'data-latent="{k}"') for k, name in enumerate(("z1", "z2")))
    if pad.classes:
        controls += select_input("class", pad.classes, "data-class")
    return page(pad, controls, pad.frame(start, start, 0), pad.payload(), PAD_DRIVER, kind="pad",
                libraries=(NET_ENGINE,))


def button(label: str, data: str) -> str:
    """A ``<button type=button>`` (Tab reaches it, Enter and Space press it)."""
    return f'<button type="button" {data} style="margin:2px 4px 2px 0">{escape(label)}</button>'


def draw_html(pad) -> str:
    """A :class:`DrawingPad`'s static view: the drawing canvas (focusable), the buttons (clear,
    previous and next test image), the latent map with the code's marker and ellipse, the
    input and reconstruction panels; ``aebookDrawPad.js`` encodes, decodes and classifies in
    the page on the exported networks. An :class:`AnomalyPad` has the same canvas and
    buttons, its score scale as the backdrop and a third panel (the difference); the script
    runs it in its anomaly mode."""
    side = pad.canvas
    hint = getattr(pad, "hint", None) or (
        "drawing pad: draw a digit with a mouse, finger or pen. Keys: Delete clears, "
        "N and P load the next and previous test image")
    controls = (f'<div style="display:flex;flex-wrap:wrap;align-items:flex-end;gap:8px">'
                f'<canvas data-draw width="{side}" height="{side}" tabindex="0" role="img" '
                f'aria-label="{escape(hint)}" title="draw a digit here" '
                f'style="width:{side}px;height:{side}px;background:#000;border:1px solid #888;'
                f'touch-action:none;cursor:crosshair"></canvas>'
                f'<div>{button("clear", "data-clear")}<br>'
                f'{button("previous test image", "data-previous")}<br>'
                f'{button("next test image", "data-next")}'
                f'<div data-status style="font-size:12px;margin:4px 0"></div>'
                f'{pad.legend_html()}</div></div>')
    return page(pad, controls, pad.frame(pad.test_images[0]), pad.payload(), DRAW_DRIVER,
                kind="drawpad", libraries=(NET_ENGINE,))
