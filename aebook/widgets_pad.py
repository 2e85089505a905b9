"""A latent pad: a decoder the reader drives anywhere on a 2-D latent map, live and in the page.

:class:`aebook.widgets.SliderView` precomputes frames over a grid of slider values. A
:class:`LatentPad` is the second kind of view: the model itself runs where the reader is.

- Static (the rendered book, no kernel): :meth:`LatentPad.to_html` embeds the decoder's weights
  (float16, base64) and ``aebook/pad.js``, a small readable script that computes the decoder's
  forward pass. The reader drags a point over the latent map, or moves the z1 and z2 sliders,
  and picks a class; every position decodes, not only grid points. No request to any other host.
- Live (Jupyter, Colab): :meth:`LatentPad.live` builds core ipywidgets (two ``FloatSlider`` for
  z, a ``Dropdown`` for the class) and decodes with torch on every move.

The decoder must be an ``nn.Sequential`` of ``nn.Linear`` layers and element-wise activations
(ReLU, LeakyReLU, Sigmoid, Tanh, Identity) whose input is ``[z1, z2, one_hot(class)]``, as
:meth:`aebook.models.ConditionalVAE.decode` builds it (no class part for an unconditional
decoder), and whose output is one logit per pixel (``output="sigmoid"``) or one value in [0, 1].
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch import nn

from ._checks import check_size
from .widgets import png_bytes

__all__ = ["LatentPad", "LivePad", "scatter_backdrop", "decoder_layers", "pack_float16",
           "unpack_float16", "PAD_SCRIPT"]

PAD_SCRIPT = Path(__file__).with_name("pad.js")
MARKER_RGB = (220, 30, 30)
MARKER_RADIUS = 6  # pixels; the static view's CSS circle has the same size and colour
FLOAT16_MAX = 65504.0
_ACTIVATIONS = {nn.ReLU: "relu", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.Identity: "identity"}


def pack_float16(array) -> str:
    """A float array -> base64 of its values as little-endian float16 (2 bytes per value)."""
    values = np.asarray(array, dtype=np.float32).ravel()
    if not np.all(np.isfinite(values)) or np.abs(values).max(initial=0) > FLOAT16_MAX:
        raise ValueError("weights must be finite and within float16's range (|w| <= 65504)")
    return base64.b64encode(values.astype("<f2").tobytes()).decode("ascii")


def unpack_float16(text: str, shape: Sequence[int]) -> np.ndarray:
    """The inverse of :func:`pack_float16`: base64 text -> float32 array of ``shape``."""
    return np.frombuffer(base64.b64decode(text), dtype="<f2").astype(np.float32).reshape(shape)


def decoder_layers(decoder: nn.Module) -> list:
    """The decoder as a list of layers for the page: linear layers (weights packed with
    :func:`pack_float16`) and activations. Raises TypeError for any other kind of layer."""
    if isinstance(decoder, nn.Linear):
        decoder = nn.Sequential(decoder)
    if not isinstance(decoder, nn.Sequential):
        raise TypeError(f"decoder must be an nn.Sequential of Linear layers and activations, "
                        f"got {type(decoder).__name__}")
    layers = []
    for module in decoder:
        if isinstance(module, nn.Linear):
            weight = module.weight.detach().cpu().numpy()  # (out, in), row-major
            bias = (module.bias.detach().cpu().numpy() if module.bias is not None
                    else np.zeros(weight.shape[0], np.float32))
            layers.append({"kind": "linear", "shape": list(weight.shape),
                           "weight": pack_float16(weight), "bias": pack_float16(bias)})
        elif isinstance(module, nn.LeakyReLU):
            layers.append({"kind": "leaky_relu", "slope": float(module.negative_slope)})
        elif type(module) in _ACTIVATIONS:
            layers.append({"kind": _ACTIVATIONS[type(module)]})
        else:
            raise TypeError(f"the page cannot run a {type(module).__name__} layer; use Linear "
                            f"layers and ReLU, LeakyReLU, Sigmoid, Tanh or Identity")
    if not layers or layers[0]["kind"] != "linear":
        raise TypeError("decoder must start with an nn.Linear layer")
    return layers


def scatter_backdrop(codes, labels, latent_range: Sequence[float] = (-4.0, 4.0),
                     pixels: int = 240) -> np.ndarray:
    """A latent map for the pad: 2-D codes scattered, coloured by class, on a square picture.

    Args:
        codes: (n, 2) points in latent space. labels: (n,) class indices (colours of tab10).
        latent_range: (low, high): the picture covers [low, high]^2, z1 to the right, z2 upwards.
        pixels: the picture's side.
    Returns:
        (pixels, pixels, 3) uint8.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    codes = np.asarray(codes.detach().cpu() if isinstance(codes, torch.Tensor) else codes)
    labels = np.asarray(labels.cpu() if isinstance(labels, torch.Tensor) else labels)
    if codes.ndim != 2 or codes.shape[1] != 2 or labels.shape != (len(codes),):
        raise ValueError(f"codes must be (n, 2) and labels (n,), got {codes.shape} and {labels.shape}")
    low, high = (float(value) for value in latent_range)
    if not low < high:
        raise ValueError(f"latent_range must be (low, high) with low < high, got {latent_range!r}")
    check_size("pixels", pixels)
    # The axes fill the whole canvas, so z maps linearly onto the picture's pixels.
    figure = Figure(figsize=(pixels / 100, pixels / 100), dpi=100, layout="none")
    canvas = FigureCanvasAgg(figure)
    axis = figure.add_axes((0, 0, 1, 1))
    axis.axhline(0, color="0.8", linewidth=0.8)
    axis.axvline(0, color="0.8", linewidth=0.8)
    axis.scatter(*codes.T, c=labels, cmap="tab10", vmin=0, vmax=9, s=2, alpha=0.5)
    axis.set(xlim=(low, high), ylim=(low, high))
    axis.axis("off")
    figure.patch.set(edgecolor="0.6", linewidth=2)  # a thin frame marks the square
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def _numpy_forward(layers: list, values: np.ndarray, output: str) -> np.ndarray:
    """What pad.js computes, in numpy (float64): the packed decoder applied to ``values``."""
    for layer in layers:
        kind = layer["kind"]
        if kind == "linear":
            weight = unpack_float16(layer["weight"], layer["shape"]).astype(np.float64)
            bias = unpack_float16(layer["bias"], layer["shape"][:1]).astype(np.float64)
            values = values @ weight.T + bias
        elif kind == "relu":
            values = np.maximum(values, 0)
        elif kind == "leaky_relu":
            values = np.where(values > 0, values, layer["slope"] * values)
        elif kind == "sigmoid":
            values = 1 / (1 + np.exp(-values))
        elif kind == "tanh":
            values = np.tanh(values)
    return 1 / (1 + np.exp(-values)) if output == "sigmoid" else values


def _with_ring(backdrop: np.ndarray, x: float, y: float) -> np.ndarray:
    """A copy of the (h, w, 3) backdrop with a red ring centred at fractions (x, y)."""
    image = backdrop.copy()
    height, width = image.shape[:2]
    rows, columns = np.ogrid[:height, :width]
    distance = np.hypot(columns - x * (width - 1), rows - y * (height - 1))
    image[(distance >= MARKER_RADIUS - 1.5) & (distance <= MARKER_RADIUS + 0.5)] = MARKER_RGB
    return image


def _as_pixels(image: torch.Tensor, shape: tuple) -> np.ndarray:
    """(pixels,) in [0, 1] -> (h, w) uint8, rounded as the page rounds."""
    values = image.detach().cpu().numpy().astype(np.float64).reshape(shape)
    return np.round(255 * np.clip(values, 0, 1)).astype(np.uint8)


class LivePad:
    """The live view :meth:`LatentPad.live` returns: ``widget`` (an ipywidgets VBox to display),
    ``controls`` (name -> the z1, z2 sliders and the class drop-down), ``images`` (the decoded
    image panel), ``map`` (the latent map with its marker) and ``text`` (a label)."""

    def __init__(self, widget, controls: dict, images: list, map_image, text):
        self.widget, self.controls, self.images, self.map, self.text = (
            widget, controls, images, map_image, text)

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget)


class LatentPad:
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
    """

    def __init__(self, decoder: nn.Module, latent_range: Sequence[float] = (-4.0, 4.0),
                 classes: Sequence[str] = (), backdrop: np.ndarray | None = None, *,
                 title: str = "", panel_title: str = "decoded mean image",
                 output: str = "sigmoid", scale: int = 5, image_shape: tuple = (28, 28),
                 max_bytes: int = 500_000):
        self.layers = decoder_layers(decoder)  # checks the decoder's layers
        self.decoder = decoder
        if (isinstance(latent_range, (str, bytes)) or len(latent_range) != 2
                or not float(latent_range[0]) < float(latent_range[1])):
            raise ValueError(f"latent_range must be (low, high) with low < high, got {latent_range!r}")
        self.low, self.high = float(latent_range[0]), float(latent_range[1])
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
        backdrop = np.asarray(backdrop)
        if backdrop.dtype != np.uint8 or backdrop.ndim != 3 or backdrop.shape[2] != 3:
            raise ValueError("backdrop must be an (h, w, 3) uint8 array")
        self.backdrop = backdrop
        self.title, self.panel_title = str(title), str(panel_title)
        self.scale, self.max_bytes = check_size("scale", scale), check_size("max_bytes", max_bytes)
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
        """pad.js's decode, in numpy: the float16 weights the page carries -> (n, pixels)."""
        return _numpy_forward(self.layers, self._inputs(z, class_index).double().numpy(),
                              self.output)

    def marker(self, z1: float, z2: float) -> tuple:
        """(x, y) of z on the map, as fractions of its width and height from the top-left."""
        span = self.high - self.low
        return (z1 - self.low) / span, (self.high - z2) / span

    def payload(self) -> dict:
        """The data pad.js reads: layers, output, latent range, class names, image shape."""
        return {"layers": self.layers, "output": self.output, "range": [self.low, self.high],
                "classes": self.classes, "latent": 2, "shape": list(self.image_shape)}

    # -- static view -----------------------------------------------------------------------------
    def to_html(self) -> str:
        """The self-contained static view: weights, pad.js and the backdrop inline."""
        data = json.dumps(self.payload(), separators=(",", ":")).replace("<", "\\u003c")
        uid = "aebook-pad-" + hashlib.sha1(data.encode()).hexdigest()[:12]
        start = 0.0 if self.low < 0 < self.high else self.low
        first = _as_pixels(self.decode([start, start], 0)[0], self.image_shape)
        x, y = self.marker(start, start)
        step = (self.high - self.low) / 800
        sliders = "".join(
            f'<label style="display:block;margin:2px 0">{name} '
            f'<input type="range" min="{self.low:g}" max="{self.high:g}" step="{step:g}" '
            f'value="{start:g}" data-latent="{k}" aria-label="{name}" '
            f'style="vertical-align:middle;width:220px"> <output>{start:.2f}</output></label>'
            for k, name in enumerate(("z1", "z2")))
        choice = ""
        if self.classes:
            options = "".join(f'<option value="{k}">{html.escape(name)}</option>'
                              for k, name in enumerate(self.classes))
            choice = (f'<label style="display:block;margin:2px 0">class '
                      f'<select data-class aria-label="class">{options}</select></label>')
        height, width = self.backdrop.shape[:2]
        backdrop_uri = "data:image/png;base64," + base64.b64encode(png_bytes(self.backdrop)).decode()
        panel_uri = "data:image/png;base64," + base64.b64encode(png_bytes(first)).decode()
        label = html.escape(self.title or "latent map")
        map_div = (
            f'<div data-map title="drag to move z" style="position:relative;width:{width}px;'
            f'height:{height}px;margin-right:12px;cursor:crosshair;touch-action:none">'
            f'<img src="{backdrop_uri}" alt="{label}: drag a point over it" width="{width}" '
            f'height="{height}" draggable="false" style="display:block;user-select:none">'
            f'<div data-marker style="position:absolute;width:{2 * MARKER_RADIUS}px;'
            f'height:{2 * MARKER_RADIUS}px;margin:-{MARKER_RADIUS + 1}px 0 0 -{MARKER_RADIUS + 1}px;'
            f'border:2px solid rgb{MARKER_RGB};border-radius:50%;pointer-events:none;'
            f'left:{100 * x:.2f}%;top:{100 * y:.2f}%"></div></div>')
        panel_height, panel_width = self.image_shape
        panel = (f'<figure style="margin:0 6px;text-align:center">'
                 f'<div style="font-size:12px">{html.escape(self.panel_title)}</div>'
                 f'<img data-panel="0" src="{panel_uri}" alt="{html.escape(self.panel_title)}" '
                 f'width="{panel_width * self.scale}" height="{panel_height * self.scale}" '
                 f'style="image-rendering:pixelated;image-rendering:crisp-edges">'
                 f'<figcaption data-caption="0" style="font-size:12px">'
                 f'z = ({start:.2f}, {start:.2f})</figcaption></figure>')
        title = (f'<div style="font-weight:bold;margin-bottom:4px">{html.escape(self.title)}</div>'
                 if self.title else "")
        script = (PAD_SCRIPT.read_text() + f"\naebookLatentPad(document.getElementById('{uid}'), "
                  f"JSON.parse(document.getElementById('{uid}-data').textContent));")
        page = (f'<div class="aebook-widget aebook-pad" id="{uid}" data-frame="0" '
                f'style="font-family:sans-serif;margin:8px 0">{title}{sliders}{choice}'
                f'<div style="display:flex;align-items:flex-end;flex-wrap:wrap;margin-top:6px">'
                f'{map_div}{panel}</div>'
                f'<div data-text style="font-size:12px;margin-top:4px"></div>'
                f'<script type="application/json" id="{uid}-data">{data}</script>'
                f'<script>{script}</script></div>')
        size = len(page.encode())
        if size > self.max_bytes:
            raise ValueError(f"the static view is {size:,} bytes, over max_bytes={self.max_bytes:,}: "
                             "use a smaller decoder or backdrop")
        return page

    # -- live view --------------------------------------------------------------------------------
    def live(self) -> LivePad:
        """The ipywidgets view (built once): z1, z2 sliders, a class drop-down, map and image."""
        if self._live is not None:
            return self._live
        import ipywidgets as widgets

        start = 0.0 if self.low < 0 < self.high else self.low
        controls = {name: widgets.FloatSlider(value=start, min=self.low, max=self.high,
                                              step=(self.high - self.low) / 200, description=name,
                                              continuous_update=True, readout_format=".2f")
                    for name in ("z1", "z2")}
        if self.classes:
            controls["class"] = widgets.Dropdown(
                options=[(name, k) for k, name in enumerate(self.classes)], value=0,
                description="class")
        map_image = widgets.Image(format="png")
        panel = widgets.Image(format="png")
        text = widgets.Label()

        def update(_change=None):
            z1, z2 = controls["z1"].value, controls["z2"].value
            class_index = controls["class"].value if self.classes else 0
            image = _as_pixels(self.decode([z1, z2], class_index)[0], self.image_shape)
            panel.value = png_bytes(image, self.scale)
            map_image.value = png_bytes(_with_ring(self.backdrop, *self.marker(z1, z2)))
            where = f"z = ({z1:.2f}, {z2:.2f})"
            text.value = where + (f", class: {self.classes[class_index]}" if self.classes else "")

        update()
        for control in controls.values():
            control.observe(update, names="value")
        column = widgets.VBox([widgets.Label(self.panel_title), panel])
        header = [widgets.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        box = widgets.VBox(header + list(controls.values())
                           + [widgets.HBox([map_image, column]), text])
        self._live = LivePad(box, controls, [panel], map_image, text)
        return self._live

    def _repr_mimebundle_(self, include=None, exclude=None):
        classes = f", {len(self.classes)} classes" if self.classes else ""
        # A stable text/plain (no object address) keeps nbval's comparison quiet.
        bundle = {"text/plain": f"LatentPad(2-D latent, [{self.low:g}, {self.high:g}]^2{classes})",
                  "text/html": self.to_html()}
        try:
            view = self.live()
        except ImportError:
            return bundle
        bundle["application/vnd.jupyter.widget-view+json"] = {
            "version_major": 2, "version_minor": 0, "model_id": view.widget.model_id}
        return bundle
