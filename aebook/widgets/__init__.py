"""Widgets that work in three places: a live kernel, Colab, and the rendered book.

- ``base.py``: :class:`Frame` (what a widget shows), :class:`Widget` (the display protocol:
  ``text/plain``, the static ``text/html`` view and the live view) and the image helpers.
- ``slider.py``: :class:`SliderView`, sliders over a grid of values, each setting rendered once
  by a Python function; the static view precomputes every frame.
- ``static.py`` + ``aebookSlider.js``: the static view's HTML and its script.
- ``live.py``: :class:`LiveView`, the live view of any widget (core ipywidgets, 7.7.1 and 8.x).

- ``pad.py`` + ``aebookLatentPad.js``: :class:`LatentPad`, the second kind of :class:`Widget`:
  a decoder that runs in the page (float16 weights, the forward pass in JavaScript), decoded by
  torch in the live view; both views through ``static.page`` and :class:`LiveView` as above.

The latent map behind a pad (``scatter_backdrop``) and where z lands on it (``map_position``)
are in :mod:`aebook.viz`.
"""
from .base import Frame, Widget, png_bytes
from .live import LiveView
from .pad import LatentPad
from .slider import MAX_FRAMES, SliderView

__all__ = ["Frame", "Widget", "SliderView", "LatentPad", "LiveView", "png_bytes", "MAX_FRAMES"]
