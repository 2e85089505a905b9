"""Figures and raster helpers: image grids and strips, 2-D code scatters, latent maps.

What is where:

- ``images``: the book's plotting style (``use_book_style``), its ONE image converter
  (``to_uint8``), grids and strips of images (``show_images``, ``image_strip``), 2-D codes
  scattered by class (``plot_codes``), a latent map as a picture and where a point z lands on
  it (``scatter_backdrop``, ``map_position``, ``latent_square``) and the KL bar image
  (``kl_bars_image``).

Every public name is re-exported here: ``aebook.viz.show_images``.
"""
from __future__ import annotations

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

__all__ = ["use_book_style", "to_uint8", "image_strip", "show_images", "plot_codes",
           "latent_square", "map_position", "scatter_backdrop", "kl_bars_image"]
