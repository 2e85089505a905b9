"""Figures and raster helpers (image grids and strips, code scatters, latent maps) and
diagrams of the book's models.

What is where:

- ``images``: the book's plotting style (``use_book_style``), its ONE image converter
  (``to_uint8``), grids and strips of images (``show_images``, ``image_strip``), 2-D codes
  scattered by class (``plot_codes``), a latent map as a picture and where a point z lands on
  it (``scatter_backdrop``, ``map_position``, ``latent_square``) and the KL bar image
  (``kl_bars_image``).
- ``diagram``: ``draw_model``, a schematic of a model drawn from a trace of the model itself,
  one bar per step with its shape, the code highlighted, and where noise, top-k, sampling,
  quantisation or a label enters.
- ``reparameterization``: ``draw_reparameterization``, a VAE's computation graph before and
  after the reparameterization trick, with the gradient's path.
- ``trace``: ``trace_model``, a model traced into ``Row``s, one per step (torch only), the
  rows a diagram draws; ``layers``: the hooks and names it reads single layers with.
- ``canvas``: what both kinds of diagram are drawn with: one colour per role (``COLOURS``),
  ``Diagram`` (what a drawing returns: its figure, shown once in a notebook, and its alt
  text), the page's sizes and fonts, boxes and arrows.

What a chapter calls is re-exported here (``aebook.viz.show_images``,
``aebook.viz.draw_model``): the names of ``images``, ``diagram``, ``reparameterization`` and
``trace``, and ``COLOURS`` and ``Diagram``; the drawing primitives stay in their modules.
"""
from __future__ import annotations

from .canvas import COLOURS, Diagram
from .diagram import draw_model
from .images import (
    image_strip,
    kl_bars_image,
    latent_square,
    map_position,
    plot_codes,
    scatter_backdrop,
    show_images,
    to_uint8,
    use_book_style,
)
from .reparameterization import draw_reparameterization
from .trace import Row, trace_model

__all__ = ["use_book_style", "to_uint8", "image_strip", "show_images", "plot_codes",
           "latent_square", "map_position", "scatter_backdrop", "kl_bars_image",
           "COLOURS", "Row", "Diagram", "trace_model", "draw_model", "draw_reparameterization"]
