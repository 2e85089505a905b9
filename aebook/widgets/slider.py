"""SliderView: sliders over a grid of values, each setting rendered once by a Python function.

The static view precomputes one frame per point of the slider grid (``static.py`` writes them
into the page, ``slider.js`` swaps them); the live view (``live.py``) calls the same cached
frames. ``render`` must be a function of the values alone.

Bounds: at most ``MAX_FRAMES`` frames and ``max_bytes`` (default ``MAX_BYTES``, 500 KB) of HTML
per widget; a bigger grid raises ValueError rather than bloating the page. Identical images are
stored once.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np

from .base import MAX_BYTES, Frame, Widget, as_panel, format_value
from .live import LiveView
from .static import slider_html

__all__ = ["SliderView", "MAX_FRAMES"]

MAX_FRAMES = 400


def _check_options(kind: str, mapping) -> None:
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{kind} must be a mapping of name -> sequence of values")
    for name, values in mapping.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"{kind}[{name!r}] must be a non-empty sequence of values")


@dataclass
class SliderView(Widget):
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
    max_bytes: int = MAX_BYTES

    def __post_init__(self):
        if not callable(self.render):
            raise TypeError("render must be callable as render(**values) -> Frame")
        _check_options("sliders", self.sliders)
        _check_options("choices", self.choices)
        if not self.sliders:
            raise ValueError("sliders must name at least one slider")
        count = int(np.prod([len(values) for values in self.sliders.values()]))
        if count > MAX_FRAMES:
            raise ValueError(f"the slider grid has {count} points; at most {MAX_FRAMES} frames "
                             "fit a static view: use fewer values")
        self._check_protocol()
        self._live = None
        self._frames = {}  # settings -> Frame, shared by the static and the live view

    def describe(self) -> str:
        names = ", ".join(f"{name}: {len(values)} values" for name, values in self.sliders.items())
        return f"SliderView({names})"

    # -- the frames -------------------------------------------------------------------------
    def frame(self, **values) -> Frame:
        """``render`` for one setting, checked and normalised: images become uint8 arrays."""
        frame = self.render(**values)
        if not isinstance(frame, Frame):
            frame = Frame(images=frame)
        images = [as_panel(image, self.image_shape) for image in frame.images]
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

    def labels(self) -> dict:
        """name -> the slider's values as the views print them."""
        return {name: [format_value(value) for value in values]
                for name, values in self.sliders.items()}

    # -- the two views ------------------------------------------------------------------------
    def to_html(self) -> str:
        """The self-contained static view (``static.slider_html``): every frame precomputed,
        the package's JavaScript."""
        return slider_html(self)

    def live(self) -> LiveView:
        """The live view (built once): a :class:`aebook.widgets.live.LiveView`."""
        if self._live is None:
            controls = [("slider", name, values) for name, values in self.sliders.items()]
            controls += [("choice", name, options) for name, options in self.choices.items()]
            self._live = LiveView(self, controls, lambda settings: self.cached_frame(**settings),
                                  self.cached_frame(**self.defaults()))
        return self._live
