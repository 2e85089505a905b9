"""Widgets that work in three places: a live kernel, Colab, and the rendered book.

- ``base.py``: :class:`Frame` (what a widget shows), :class:`Widget` (the protocol: the
  attributes both views read, and the display protocol on top of them) and the image helpers.
- ``slider.py``: :class:`SliderView`, sliders over a grid of values, each setting rendered once
  by a Python function; the static view precomputes every frame.
- ``pad.py``: :class:`LatentPad`, a decoder that runs in the page (the forward pass in
  JavaScript), decoded by torch in the live view.
- ``drawpad.py``: :class:`DrawingPad`, a digit the reader draws, encoded, decoded and
  classified in the page (the same engine), or a test image run by torch in the live view.
- ``anomalypad.py``: :class:`AnomalyPad`, the drawing pad's sibling: a drawing scored as an
  anomaly (reconstruction error against a threshold), in the page or live.
- ``export.py``: the page-side model export: a network of linear layers and activations as
  float16 layers the page runs, and the NumPy mirror of the page's forward pass.
- ``aebookNet.js``: the page's one network engine (float16 layers, forward pass), inlined
  before the drivers of the pads.
- ``static.py`` + ``aebookSlider.js``, ``aebookLatentPad.js``, ``aebookDrawPad.js``: each widget's static view, laid
  out by one ``page`` function, and the scripts that run them.
- ``live.py``: :class:`LiveView`, the live view of any widget (core ipywidgets, 7.7.1 and 8.x).

The latent map behind a pad (``scatter_backdrop``) and where z lands on it (``map_position``)
are in :mod:`aebook.viz`. A new kind of widget subclasses :class:`Widget`, builds its static
view in ``static.py`` on ``page`` and its live view with :class:`LiveView`.
"""
from .anomalypad import AnomalyPad
from .base import MAX_BYTES, Frame, Widget, png_bytes
from .drawpad import DrawingPad, reduce_drawing
from .live import LiveView
from .pad import LatentPad
from .slider import MAX_FRAMES, SliderView

__all__ = ["Frame", "Widget", "SliderView", "LatentPad", "DrawingPad", "AnomalyPad", "reduce_drawing", "LiveView", "png_bytes", "MAX_FRAMES",
           "MAX_BYTES"]
