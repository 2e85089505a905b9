"""Widgets that work in three places: a live kernel, Colab, and the rendered book.

- ``base.py``: :class:`Frame` (what a widget shows), :class:`Widget` (the display protocol:
  ``text/plain``, the static ``text/html`` view and the live view) and the image helpers.
- ``slider.py``: :class:`SliderView`, sliders over a grid of values, each setting rendered once
  by a Python function; the static view precomputes every frame.
- ``static.py`` + ``aebookSlider.js``: the static view's HTML and its script.
- ``live.py``: :class:`LiveView`, the live view of any widget (core ipywidgets, 7.7.1 and 8.x).

A widget whose model runs in the page (the latent pad) is a second kind of :class:`Widget`
beside :class:`SliderView`, with its own script next to ``aebookSlider.js``.
"""
from .base import Frame, Widget, png_bytes
from .live import LiveView
from .slider import MAX_FRAMES, SliderView

__all__ = ["Frame", "Widget", "SliderView", "LiveView", "png_bytes", "MAX_FRAMES"]
