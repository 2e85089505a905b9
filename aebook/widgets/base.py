"""What every widget of the book shares: one object, two views that draw the same thing.

A widget shows panels of images (with a caption under each and a line of text under all), and
may show a *backdrop* (e.g. a latent map) with a marker on it. It offers two views:

- ``to_html()``: the static view for the rendered book, self-contained (images as data URIs,
  the package's own JavaScript inline, no request to any other host);
- ``live()``: a :class:`LiveView` of core ipywidgets (7.7.1, as Colab ships, and 8.x).

:class:`Widget` declares what the two views read from a widget (``title``, ``titles``,
``scale``, ``backdrop``, ``max_bytes``, ``panel_name``) and implements the display protocol on
top of them, so a new kind of widget (precomputed frames, or a model that runs in the page) only
sets those attributes and builds its two views: its static view with ``static.page``, its live
view with :class:`LiveView`.
"""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from importlib import resources
from typing import Sequence

import numpy as np
from PIL import Image

from .._checks import check_size
from ..viz import to_uint8

__all__ = ["Frame", "Widget", "png_bytes", "data_uri", "as_panel", "with_marker", "script",
           "MARKER_RGB", "MARKER_ARM", "MAX_BYTES"]

MARKER_RGB = (220, 30, 30)
MARKER_ARM = 6  # the marker is a cross, 2 * MARKER_ARM + 1 pixels wide, in both views


@dataclass
class Frame:
    """What a widget shows for one setting.

    Attributes:
        images: panels, each (pixels,) or (h, w) in [0, 1], or (h, w) / (h, w, 3) uint8.
        captions: one line under each panel (e.g. its error); may change from frame to frame.
        text: one line under all panels.
        marker: (x, y) as fractions of the backdrop's width and height, from its top-left corner;
            :func:`aebook.viz.map_position` gives it for a point z of a latent map.
    """

    images: Sequence
    captions: Sequence[str] = ()
    text: str = ""
    marker: tuple | None = None


def as_panel(image, image_shape: tuple = (28, 28)) -> np.ndarray:
    """One panel image -> (h, w) or (h, w, 3) uint8. Grey images go through
    :func:`aebook.viz.to_uint8`, the book's one converter; RGB uint8 images pass unchanged."""
    array = image.detach().cpu().numpy() if hasattr(image, "detach") else np.asarray(image)
    if array.dtype == np.uint8 and array.ndim == 3 and array.shape[2] == 3:
        return array
    if array.ndim not in (1, 2) and not (array.ndim == 3 and array.shape[0] == 1):
        raise ValueError(f"an image must be (pixels,), (h, w), (1, h, w) or (h, w, 3) uint8, "
                         f"got shape {array.shape}")
    return to_uint8(array[None], image_shape)[0]


def png_bytes(image: np.ndarray, scale: int = 1) -> bytes:
    """(h, w) or (h, w, 3) uint8 -> PNG bytes, enlarged ``scale`` times by pixel repetition."""
    if scale > 1:
        image = image.repeat(scale, axis=0).repeat(scale, axis=1)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def data_uri(image: np.ndarray) -> str:
    """(h, w) or (h, w, 3) uint8 -> a ``data:image/png;base64,...`` URI (no request to fetch it)."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(image)).decode()


def with_marker(backdrop: np.ndarray, marker: tuple | None) -> np.ndarray:
    """A copy of the RGB backdrop with the marker cross at ``marker`` (fractions): the live
    view draws it into the picture; the static view overlays the same cross (see static.py)."""
    image = backdrop.copy()
    if marker is None:
        return image
    height, width = image.shape[:2]
    x = int(round(np.clip(marker[0], 0, 1) * (width - 1)))
    y = int(round(np.clip(marker[1], 0, 1) * (height - 1)))
    arm = MARKER_ARM
    image[max(y - arm, 0):y + arm + 1, max(x - 1, 0):x + 2] = MARKER_RGB
    image[max(y - 1, 0):y + 2, max(x - arm, 0):x + arm + 1] = MARKER_RGB
    return image


def script(name: str) -> str:
    """The text of a JavaScript file shipped with the package (``aebook/widgets/<name>``)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def format_value(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


MAX_BYTES = 500_000  # the default size limit of one widget's static view


class Widget:
    """The protocol every widget of the book follows, and the display protocol built on it.

    The two views read a widget through these attributes and methods only:

    Attributes (read by ``static.page`` and :class:`LiveView`):
        title: a heading over the widget (``""``: none).
        titles: one title over each image panel, in order (fewer titles: the rest untitled).
        scale: screen pixels per image pixel, a positive int.
        backdrop: an (h, w, 3) uint8 picture left of the panels (e.g. a latent map, with the
            marker cross at ``Frame.marker``), or None.
        max_bytes: the static view's size limit in bytes (``static.page`` raises ValueError
            beyond it).

    Methods:
        panel_name(j): the title of panel ``j`` (from ``titles``).
        describe(): a stable one-line ``text/plain`` (no object address, so nbval stays quiet).
        to_html(): the static view, built with ``static.page`` (self-contained HTML).
        live(): the live view, a :class:`LiveView` (core ipywidgets), built once.

    A subclass sets the attributes, calls :meth:`_check_protocol` once they are set, and
    implements ``describe``, ``to_html`` and ``live``; ``_repr_mimebundle_`` does the rest.
    """

    title: str = ""
    titles: Sequence[str] = ()
    scale: int = 3
    backdrop: np.ndarray | None = None
    max_bytes: int = MAX_BYTES

    def _check_protocol(self) -> None:
        """Check (and normalise) the attributes the views read; ValueError/TypeError if wrong."""
        if not isinstance(self.title, str):
            raise TypeError(f"title must be a str, got {type(self.title).__name__}")
        if isinstance(self.titles, (str, bytes)) or not isinstance(self.titles, Sequence):
            raise TypeError("titles must be a sequence of str, one per panel")
        self.titles = tuple(str(name) for name in self.titles)
        check_size("scale", self.scale)
        check_size("max_bytes", self.max_bytes)
        if self.backdrop is not None:
            self.backdrop = np.asarray(self.backdrop)
            if self.backdrop.dtype != np.uint8 or self.backdrop.ndim != 3 or self.backdrop.shape[2] != 3:
                raise ValueError("backdrop must be an (h, w, 3) uint8 array")

    def panel_name(self, index: int) -> str:
        """The title over panel ``index``; ``""`` past the last title."""
        return self.titles[index] if index < len(self.titles) else ""

    def describe(self) -> str:  # pragma: no cover - every subclass says what it is
        raise NotImplementedError

    def to_html(self) -> str:  # pragma: no cover
        raise NotImplementedError

    def live(self):  # pragma: no cover
        raise NotImplementedError

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": self.describe(), "text/html": self.to_html()}
        try:
            view = self.live()
        except ImportError:  # no ipywidgets: the static view alone
            return bundle
        bundle["application/vnd.jupyter.widget-view+json"] = {
            "version_major": 2, "version_minor": 0, "model_id": view.widget.model_id}
        return bundle


def escape(text: str) -> str:
    return html.escape(text, quote=True)
