"""The live view of any widget: core ipywidgets only (Colab ships ipywidgets 7.7.1; 8.x works too).

Each move of a control asks the widget for a :class:`Frame` and swaps PNG bytes into
``ipywidgets.Image`` panels (no matplotlib redraw), fast enough to follow a dragged slider.
"""
from __future__ import annotations

import html
from typing import Callable, Sequence

from .base import Frame, format_value, png_bytes, with_marker

__all__ = ["LiveView"]


class LiveView:
    """Sliders and drop-downs over image panels, a caption under each panel and a line of text.

    Args:
        owner: a :class:`aebook.widgets.Widget`; the view reads the attributes it declares
            (``title``, ``panel_name``, ``scale``, ``backdrop``).
        controls: ``(kind, name, values)`` with kind ``"slider"`` (a SelectionSlider over the
            values), ``"float"`` (a FloatSlider over ``(low, high, step, start)``) or
            ``"choice"`` (a Dropdown over values or ``(label, value)`` pairs).
        frame_of: ``settings -> Frame``, settings a dict name -> value.
        first: the frame for the first settings.

    Attributes:
        controls: name -> the ipywidget that sets it.
        images: the ``ipywidgets.Image`` panels, in order.
        captions: the ``ipywidgets.Label`` under each panel.
        text: the ``ipywidgets.Label`` under all panels.
        backdrop: the ``ipywidgets.Image`` of the backdrop, or None.
        widget: the whole view, an ``ipywidgets.VBox`` (what the notebook displays).
    """

    def __init__(self, owner, controls: Sequence[tuple], frame_of: Callable[[dict], Frame],
                 first: Frame):
        import ipywidgets as widgets

        self.owner, self.frame_of = owner, frame_of
        self.controls = {name: self._control(widgets, kind, name, values)
                         for kind, name, values in controls}
        scale = owner.scale
        self.images = [widgets.Image(value=png_bytes(image, scale), format="png")
                       for image in first.images]
        self.captions = [widgets.Label(value=caption) for caption in first.captions]
        columns = [widgets.VBox([widgets.Label(owner.panel_name(j)), image, caption])
                   for j, (image, caption) in enumerate(zip(self.images, self.captions))]
        self.text = widgets.Label(value=first.text)
        self.backdrop = None
        if owner.backdrop is not None:
            self.backdrop = widgets.Image(
                value=png_bytes(with_marker(owner.backdrop, first.marker)), format="png")
        for control in self.controls.values():
            control.observe(self.update, names="value")
        row = widgets.HBox(([self.backdrop] if self.backdrop is not None else []) + columns)
        header = [widgets.HTML(f"<b>{html.escape(owner.title)}</b>")] if owner.title else []
        self.widget = widgets.VBox(header + list(self.controls.values()) + [row, self.text])

    @staticmethod
    def _control(widgets, kind: str, name: str, values):
        style = {"description_width": "initial"}
        if kind == "slider":
            return widgets.SelectionSlider(options=[(format_value(v), v) for v in values],
                                           value=values[0], description=name,
                                           continuous_update=True, style=style)
        if kind == "float":
            low, high, step, start = values
            return widgets.FloatSlider(value=start, min=low, max=high, step=step,
                                       description=name, continuous_update=True,
                                       readout_format=".2f", style=style)
        if kind == "choice":  # options are values, or (label, value) pairs
            first = values[0][1] if isinstance(values[0], tuple) else values[0]
            return widgets.Dropdown(options=list(values), value=first, description=name)
        raise ValueError(f"a control's kind must be 'slider', 'float' or 'choice', got {kind!r}")

    def settings(self) -> dict:
        """name -> the current value of each control."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, _change=None) -> None:
        """Redraw every panel, caption and the text for the current settings."""
        frame = self.frame_of(self.settings())
        for image, array in zip(self.images, frame.images):
            image.value = png_bytes(array, self.owner.scale)
        for label, caption in zip(self.captions, frame.captions):
            label.value = caption
        self.text.value = frame.text
        if self.backdrop is not None:
            self.backdrop.value = png_bytes(with_marker(self.owner.backdrop, frame.marker))

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)
