"""One widget object for three places: a live kernel, Colab, and the rendered book.

A :class:`SliderView` wraps a ``render(**values) -> Frame`` function and a grid of slider values.

- Live (Jupyter, JupyterLab, VS Code, Colab): :meth:`SliderView.live` builds ipywidgets sliders;
  each move calls ``render`` and swaps PNG bytes into ``ipywidgets.Image`` panels (no matplotlib
  redraw), fast enough to follow a dragged slider.
- Static (the rendered book, no kernel): :meth:`SliderView.to_html` precomputes one frame per
  point of the slider grid and writes a self-contained ``text/html`` view: PNGs as data URIs,
  inline JavaScript, no request to any other host. ``_repr_mimebundle_`` carries both, and the
  book's ``_config.yml`` tells myst-nb to prefer ``text/html``.

Each setting is rendered once: the frames the static view precomputes are kept, so a live slider
moved to one of them only swaps images (``render`` must be a function of the values alone).

Bounds: at most ``MAX_FRAMES`` frames and ``max_bytes`` (default 500 KB) of HTML per widget; a
bigger grid raises ValueError rather than bloating the page. Identical images across frames are
stored once.
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np
import torch
from PIL import Image

__all__ = ["Frame", "SliderView", "png_bytes", "MAX_FRAMES"]

MAX_FRAMES = 400
MARKER_RGB = (220, 30, 30)


@dataclass
class Frame:
    """What a widget shows for one setting of its sliders.

    Attributes:
        images: panels, each (pixels,) or (h, w) in [0, 1], or (h, w) / (h, w, 3) uint8.
        captions: one line under each panel (e.g. its error); may change from frame to frame.
        text: one line under all panels.
        marker: (x, y) as fractions of the backdrop's width and height, from its top-left corner.
    """

    images: Sequence
    captions: Sequence[str] = ()
    text: str = ""
    marker: tuple | None = None


def _as_uint8(image, image_shape: tuple) -> np.ndarray:
    if isinstance(image, torch.Tensor):
        image = image.detach().cpu().numpy()
    array = np.asarray(image)
    if array.dtype != np.uint8:
        array = (np.clip(array.astype(np.float32), 0, 1) * 255 + 0.5).astype(np.uint8)
    if array.ndim == 1:
        if array.size != int(np.prod(image_shape)):
            raise ValueError(f"a flat image of {array.size} pixels does not fit image_shape {image_shape}")
        array = array.reshape(image_shape)
    if array.ndim == 3 and array.shape[0] == 1:
        array = array[0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] != 3):
        raise ValueError(f"an image must be (pixels,), (h, w) or (h, w, 3), got shape {array.shape}")
    return array


def png_bytes(image: np.ndarray, scale: int = 1) -> bytes:
    """(h, w) or (h, w, 3) uint8 -> PNG bytes, enlarged ``scale`` times by pixel repetition."""
    if scale > 1:
        image = image.repeat(scale, axis=0).repeat(scale, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def _with_marker(backdrop: np.ndarray, marker: tuple | None) -> np.ndarray:
    """A copy of the RGB backdrop with a small red cross at ``marker`` (fractions)."""
    image = backdrop.copy()
    if marker is None:
        return image
    height, width = image.shape[:2]
    x = int(round(np.clip(marker[0], 0, 1) * (width - 1)))
    y = int(round(np.clip(marker[1], 0, 1) * (height - 1)))
    image[max(y - 6, 0):y + 7, max(x - 1, 0):x + 2] = MARKER_RGB
    image[max(y - 1, 0):y + 2, max(x - 6, 0):x + 7] = MARKER_RGB
    return image


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


@dataclass
class SliderView:
    """A widget: sliders over a grid of values driving ``render``.

    Args:
        render: ``render(**values) -> Frame`` (or a sequence of images), one keyword per slider
            and per choice.
        sliders: name -> the values the slider steps through (the static view precomputes all).
        choices: name -> options for a drop-down in the live view only; the static view uses
            the first option.
        titles: one title over each panel.
        title: a heading over the widget.
        backdrop: an (h, w, 3) uint8 image shown left of the panels, with a red cross at
            ``Frame.marker`` (e.g. a latent map).
        scale: how many screen pixels each image pixel takes.
        image_shape: the shape of flat images.
        max_bytes: the static view's size limit in bytes.
    """

    render: Callable[..., Frame]
    sliders: Mapping[str, Sequence]
    choices: Mapping[str, Sequence] = field(default_factory=dict)
    titles: Sequence[str] = ()
    title: str = ""
    backdrop: np.ndarray | None = None
    scale: int = 3
    image_shape: tuple = (28, 28)
    max_bytes: int = 500_000

    def __post_init__(self):
        if not callable(self.render):
            raise TypeError("render must be callable as render(**values) -> Frame")
        for kind, mapping in (("sliders", self.sliders), ("choices", self.choices)):
            if not isinstance(mapping, Mapping):
                raise TypeError(f"{kind} must be a mapping of name -> sequence of values")
            for name, values in mapping.items():
                if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
                    raise ValueError(f"{kind}[{name!r}] must be a non-empty sequence of values")
        if not self.sliders:
            raise ValueError("sliders must name at least one slider")
        count = int(np.prod([len(values) for values in self.sliders.values()]))
        if count > MAX_FRAMES:
            raise ValueError(f"the slider grid has {count} points; at most {MAX_FRAMES} frames "
                             "fit a static view: use fewer values")
        if isinstance(self.scale, bool) or not isinstance(self.scale, int) or self.scale < 1:
            raise ValueError(f"scale must be a positive int, got {self.scale!r}")
        if self.backdrop is not None:
            self.backdrop = np.asarray(self.backdrop)
            if self.backdrop.dtype != np.uint8 or self.backdrop.ndim != 3 or self.backdrop.shape[2] != 3:
                raise ValueError("backdrop must be an (h, w, 3) uint8 array")
        self._live = None
        self._frames = {}  # settings -> Frame, shared by the static and the live view

    # -- rendering ----------------------------------------------------------------------------
    def frame(self, **values) -> Frame:
        """``render`` for one setting, checked and normalised: images become uint8 arrays."""
        frame = self.render(**values)
        if not isinstance(frame, Frame):
            frame = Frame(images=frame)
        images = [_as_uint8(image, self.image_shape) for image in frame.images]
        if not images:
            raise ValueError("render returned a Frame with no images")
        captions = list(frame.captions) + [""] * (len(images) - len(frame.captions))
        return Frame(images, captions, frame.text, frame.marker)

    def cached_frame(self, **values) -> Frame:
        """:meth:`frame`, computed once per setting and then reused (unhashable values: not kept)."""
        try:
            key = tuple(sorted(values.items()))
            hash(key)
        except TypeError:
            return self.frame(**values)
        if key not in self._frames:
            self._frames[key] = self.frame(**values)
        return self._frames[key]

    def defaults(self) -> dict:
        """The first value of every slider and choice."""
        return {name: values[0] for name, values in {**self.sliders, **self.choices}.items()}

    def grid(self) -> list:
        """Every point of the slider grid, first slider slowest, as dicts of values."""
        names = list(self.sliders)
        return [dict(zip(names, point)) for point in itertools.product(*self.sliders.values())]

    # -- static view ---------------------------------------------------------------------------
    def to_html(self) -> str:
        """The self-contained static view: every frame precomputed, inline JavaScript."""
        fixed = {name: options[0] for name, options in self.choices.items()}
        pool, index_of, frames, first_images = [], {}, [], None
        for point in self.grid():
            frame = self.cached_frame(**point, **fixed)
            first_images = frame.images if first_images is None else first_images
            refs = []
            for image in frame.images:
                uri = "data:image/png;base64," + base64.b64encode(png_bytes(image)).decode()
                if uri not in index_of:
                    index_of[uri] = len(pool)
                    pool.append(uri)
                refs.append(index_of[uri])
            frames.append({"images": refs, "captions": list(frame.captions), "text": frame.text,
                           "marker": list(frame.marker) if frame.marker is not None else None})
        sizes = [len(values) for values in self.sliders.values()]
        payload = {"pool": pool, "frames": frames, "sizes": sizes,
                   "labels": [[_format(v) for v in values] for values in self.sliders.values()]}
        data = json.dumps(payload, separators=(",", ":")).replace("<", "\\u003c")
        uid = "aebook-" + hashlib.sha1(data.encode()).hexdigest()[:12]
        first = frames[0]
        controls = "".join(
            f'<label style="display:block;margin:2px 0">{html.escape(name)} '
            f'<input type="range" min="0" max="{len(values) - 1}" step="1" value="0" '
            f'data-slider="{k}" aria-label="{html.escape(name)}" style="vertical-align:middle;width:220px"> '
            f'<output>{html.escape(_format(values[0]))}</output></label>'
            for k, (name, values) in enumerate(self.sliders.items()))
        panels = []
        if self.backdrop is not None:
            height, width = self.backdrop.shape[:2]
            marker = first["marker"] or [-1, -1]
            panels.append(
                f'<div style="position:relative;width:{width}px;height:{height}px;margin-right:12px">'
                f'<img src="data:image/png;base64,{base64.b64encode(png_bytes(self.backdrop)).decode()}" '
                f'alt="{html.escape(self.title or "map")}" width="{width}" height="{height}">'
                f'<div data-marker style="position:absolute;width:12px;height:12px;margin:-7px 0 0 -7px;'
                f'border:2px solid rgb{MARKER_RGB};border-radius:50%;left:{marker[0] * 100:.2f}%;'
                f'top:{marker[1] * 100:.2f}%"></div></div>')
        for j, image in enumerate(first_images):
            height, width = image.shape[:2]
            name = self.titles[j] if j < len(self.titles) else ""
            panels.append(
                f'<figure style="margin:0 6px;text-align:center">'
                f'<div style="font-size:12px">{html.escape(name)}</div>'
                f'<img data-panel="{j}" src="{pool[first["images"][j]]}" alt="{html.escape(name)}" '
                f'width="{width * self.scale}" height="{height * self.scale}" '
                f'style="image-rendering:pixelated;image-rendering:crisp-edges">'
                f'<figcaption data-caption="{j}" style="font-size:12px">'
                f'{html.escape(first["captions"][j])}</figcaption></figure>')
        script = (
            "(function(){var root=document.getElementById('%s');"
            "var d=JSON.parse(document.getElementById('%s-data').textContent);"
            "var inputs=root.querySelectorAll('input[data-slider]');"
            "function show(){var index=0;for(var k=0;k<inputs.length;k++){"
            "var i=+inputs[k].value;index=index*d.sizes[k]+i;"
            "inputs[k].nextElementSibling.textContent=d.labels[k][i];}"
            "var f=d.frames[index];root.setAttribute('data-frame',index);"
            "root.querySelectorAll('img[data-panel]').forEach(function(img){"
            "img.src=d.pool[f.images[+img.getAttribute('data-panel')]];});"
            "root.querySelectorAll('[data-caption]').forEach(function(c){"
            "c.textContent=f.captions[+c.getAttribute('data-caption')];});"
            "root.querySelector('[data-text]').textContent=f.text;"
            "var m=root.querySelector('[data-marker]');if(m&&f.marker){"
            "m.style.left=(100*f.marker[0])+'%%';m.style.top=(100*f.marker[1])+'%%';}}"
            "inputs.forEach(function(input){input.addEventListener('input',show);});show();})();"
        ) % (uid, uid)
        title = (f'<div style="font-weight:bold;margin-bottom:4px">{html.escape(self.title)}</div>'
                 if self.title else "")
        page = (f'<div class="aebook-widget" id="{uid}" data-frame="0" '
                f'style="font-family:sans-serif;margin:8px 0">{title}{controls}'
                f'<div style="display:flex;align-items:flex-end;flex-wrap:wrap;margin-top:6px">'
                f'{"".join(panels)}</div>'
                f'<div data-text style="font-size:12px;margin-top:4px">{html.escape(first["text"])}</div>'
                f'<script type="application/json" id="{uid}-data">{data}</script>'
                f'<script>{script}</script></div>')
        if len(page.encode()) > self.max_bytes:
            raise ValueError(f"the static view is {len(page.encode()):,} bytes, over max_bytes="
                             f"{self.max_bytes:,}: use fewer slider values or smaller images")
        return page

    # -- live view ---------------------------------------------------------------------------
    def live(self):
        """The ipywidgets control (built once): sliders, drop-downs, image panels."""
        if self._live is not None:
            return self._live
        import ipywidgets as widgets

        controls = {name: widgets.SelectionSlider(options=[(_format(v), v) for v in values],
                                                  value=values[0], description=name,
                                                  continuous_update=True,
                                                  style={"description_width": "initial"})
                    for name, values in self.sliders.items()}
        controls.update({name: widgets.Dropdown(options=list(options), value=options[0],
                                                description=name)
                         for name, options in self.choices.items()})
        first = self.cached_frame(**self.defaults())
        images = [widgets.Image(value=png_bytes(image, self.scale), format="png")
                  for image in first.images]
        captions = [widgets.Label(value=caption) for caption in first.captions]
        columns = [widgets.VBox([widgets.Label(self.titles[j] if j < len(self.titles) else ""),
                                 images[j], captions[j]]) for j in range(len(images))]
        text = widgets.Label(value=first.text)
        backdrop = None
        if self.backdrop is not None:
            backdrop = widgets.Image(value=png_bytes(_with_marker(self.backdrop, first.marker)),
                                     format="png")

        def update(_change=None):
            frame = self.cached_frame(**{name: control.value for name, control in controls.items()})
            for image, array in zip(images, frame.images):
                image.value = png_bytes(array, self.scale)
            for label, caption in zip(captions, frame.captions):
                label.value = caption
            text.value = frame.text
            if backdrop is not None:
                backdrop.value = png_bytes(_with_marker(self.backdrop, frame.marker))

        for control in controls.values():
            control.observe(update, names="value")
        row = widgets.HBox(([backdrop] if backdrop is not None else []) + columns)
        header = [widgets.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        self._live = widgets.VBox(header + list(controls.values()) + [row, text])
        self._live.controls, self._live.images, self._live.text = controls, images, text
        return self._live

    def _repr_mimebundle_(self, include=None, exclude=None):
        names = ", ".join(f"{name}: {len(values)} values" for name, values in self.sliders.items())
        # A stable text/plain (no object address) keeps nbval's comparison quiet.
        bundle = {"text/plain": f"SliderView({names})", "text/html": self.to_html()}
        try:
            view = self.live()
        except ImportError:
            return bundle
        bundle["application/vnd.jupyter.widget-view+json"] = {
            "version_major": 2, "version_minor": 0, "model_id": view.model_id}
        return bundle
