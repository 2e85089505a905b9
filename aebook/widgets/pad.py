"""A latent pad: a decoder the reader drives anywhere on a 2-D latent map, live and in the page.

:class:`aebook.widgets.SliderView` precomputes frames over a grid of slider values. A
:class:`LatentPad` is the second kind of :class:`aebook.widgets.Widget`: the model itself runs
where the reader is. Both build their static view in ``static.py`` (on ``static.page``) and
their live view with :class:`aebook.widgets.LiveView`, so they look and behave alike.

- Static (the rendered book, no kernel): :meth:`LatentPad.to_html` embeds the decoder, exported
  by ``export.py`` (float16 weights, base64), and ``aebookLatentPad.js``, a small readable
  script that computes the decoder's forward pass. The reader drags a point over the latent map,
  or moves the z1 and z2 sliders, and picks a class; every position decodes, not only grid
  points. No request to any other host.
- Live (Jupyter, Colab): :meth:`LatentPad.live` builds core ipywidgets (two ``FloatSlider`` for
  z, a ``Dropdown`` for the class) and decodes with torch on every move.

The decoder must be an ``nn.Sequential`` of ``nn.Linear`` layers and element-wise activations
(ReLU, LeakyReLU, Sigmoid, Tanh, Identity) whose input is ``[z1, z2, one_hot(class)]``, as
:meth:`aebook.models.ConditionalVAE.decode` builds it (no class part for an unconditional
decoder), and whose output is one logit per pixel (``output="sigmoid"``) or one value in [0, 1].
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch import nn

from .._checks import check_size
from ..viz import latent_square, map_position
from .base import MAX_BYTES, Frame, Widget, as_panel
from .export import activate, export_layers, forward
from .live import LiveView
from .static import pad_html

__all__ = ["LatentPad"]

class LatentPad(Widget):
    """A widget: a point on a 2-D latent map and a class, decoded live or in the page.

    Args:
        decoder: ``nn.Sequential`` from ``[z1, z2, one_hot(class)]`` to one logit per pixel
            (e.g. ``ConditionalVAE.decoder``).
        latent_range: (low, high): the square [low, high]^2 of z that the map and sliders cover.
        classes: the class names, in label order (``()`` for an unconditional decoder).
        backdrop: an (h, w, 3) uint8 picture of the latent square (e.g. the training codes
            scattered), z1 to the right and z2 upwards; ``None`` draws an empty square.
        title: a heading over the widget. panel_title: the title over the decoded image.
        output: ``"sigmoid"`` (the decoder gives logits) or ``"identity"`` (values in [0, 1]).
        scale: screen pixels per image pixel. image_shape: the decoded image's (h, w).
        max_bytes: the static view's size limit in bytes.

    Attributes:
        layers: the decoder as the page runs it (:func:`aebook.widgets.export.export_layers`).
        low, high: the latent square [low, high]^2.
    """

    def __init__(self, decoder: nn.Module, latent_range: Sequence[float] = (-4.0, 4.0),
                 classes: Sequence[str] = (), backdrop: np.ndarray | None = None, *,
                 title: str = "", panel_title: str = "decoded mean image",
                 output: str = "sigmoid", scale: int = 5, image_shape: tuple = (28, 28),
                 max_bytes: int = MAX_BYTES):
        self.layers = export_layers(decoder)  # checks the decoder's layers
        self.decoder = decoder
        self.low, self.high = latent_square(latent_range)
        if isinstance(classes, (str, bytes)):
            raise TypeError("classes must be a sequence of class names")
        self.classes = [str(name) for name in classes]
        expected = 2 + len(self.classes)
        if self.layers[0]["shape"][1] != expected:
            raise ValueError(f"the decoder takes {self.layers[0]['shape'][1]} inputs; a 2-D latent "
                             f"and {len(self.classes)} classes need {expected}")
        if output not in ("sigmoid", "identity"):
            raise ValueError(f"output must be 'sigmoid' or 'identity', got {output!r}")
        self.output = output
        self.image_shape = tuple(check_size("image_shape[i]", side) for side in image_shape)
        outputs = [layer for layer in self.layers if layer["kind"] == "linear"][-1]["shape"][0]
        if outputs != int(np.prod(self.image_shape)):
            raise ValueError(f"the decoder gives {outputs} values; image_shape {self.image_shape} "
                             f"needs {int(np.prod(self.image_shape))}")
        if backdrop is None:
            backdrop = np.full((240, 240, 3), 245, dtype=np.uint8)
        self.panel_title = str(panel_title)
        self.title, self.titles, self.backdrop = str(title), (self.panel_title,), backdrop
        self.scale, self.max_bytes = scale, max_bytes
        self._check_protocol()
        self._live = None

    # -- the model, in torch and as the page runs it ----------------------------------------------
    def _inputs(self, z, class_index: int) -> torch.Tensor:
        z = torch.as_tensor(z, dtype=torch.float32).reshape(-1, 2)
        one_hot = torch.zeros(len(z), len(self.classes))
        if self.classes:
            if not 0 <= class_index < len(self.classes):
                raise ValueError(f"class_index must lie in [0, {len(self.classes)}), got {class_index}")
            one_hot[:, class_index] = 1
        return torch.cat([z, one_hot], 1)

    @torch.no_grad()
    def decode(self, z, class_index: int = 0) -> torch.Tensor:
        """torch's decode: z (2,) or (n, 2) and a class index -> (n, pixels) in [0, 1]."""
        parameter = next(self.decoder.parameters())
        values = self.decoder(self._inputs(z, class_index).to(parameter.device)).cpu()
        return torch.sigmoid(values) if self.output == "sigmoid" else values

    def decode_packed(self, z, class_index: int = 0) -> np.ndarray:
        """The page's decode, in NumPy: the float16 weights the page carries -> (n, pixels)."""
        values = forward(self.layers, self._inputs(z, class_index).double().numpy())
        return activate(self.output, values)

    def marker(self, z1: float, z2: float) -> tuple:
        """(x, y) of z on the map, as fractions of its width and height from the top-left
        (:func:`aebook.viz.map_position`, the book's one z -> marker mapping)."""
        return map_position(z1, z2, (self.low, self.high))

    def payload(self) -> dict:
        """The data aebookLatentPad.js reads: layers, output, latent range, class names, image shape."""
        return {"layers": self.layers, "output": self.output, "range": [self.low, self.high],
                "classes": self.classes, "latent": 2, "shape": list(self.image_shape)}

    def start(self) -> float:
        """Where both coordinates start: 0 when the square holds it, else its low corner."""
        return 0.0 if self.low < 0 < self.high else self.low

    def frame(self, z1: float, z2: float, class_index: int = 0) -> Frame:
        """What both views show for z = (z1, z2) and a class: torch's decode, the marker."""
        image = as_panel(self.decode([z1, z2], class_index)[0], self.image_shape)
        where = f"z = ({z1:.2f}, {z2:.2f})"
        text = where + (f", class: {self.classes[class_index]}" if self.classes else "")
        return Frame([image], [where], text, self.marker(z1, z2))

    def describe(self) -> str:
        classes = f", {len(self.classes)} classes" if self.classes else ""
        return f"LatentPad(2-D latent, [{self.low:g}, {self.high:g}]^2{classes})"

    # -- the two views -----------------------------------------------------------------------------
    def to_html(self) -> str:
        """The self-contained static view (``static.pad_html``): the exported decoder and the
        page's script inline; the map (the backdrop) takes presses and drags."""
        return pad_html(self)

    def live(self) -> LiveView:
        """The live view (built once): z1 and z2 sliders, a class drop-down, decoded by torch."""
        if self._live is None:
            span = (self.low, self.high, (self.high - self.low) / 200, self.start())
            controls = [("float", "z1", span), ("float", "z2", span)]
            if self.classes:
                controls.append(("choice", "class", [(name, k) for k, name in enumerate(self.classes)]))

            def frame_of(settings):
                return self.frame(settings["z1"], settings["z2"], settings.get("class", 0))
            self._live = LiveView(self, controls, frame_of, self.frame(self.start(), self.start(), 0))
        return self._live
