"""An anomaly pad: the reader draws, and the page scores the drawing as an anomaly detector would.

The drawing pad's sibling (:class:`aebook.widgets.DrawingPad`, the same canvas, buttons, keys,
reduction of a stroke to 28 x 28 and the same engine, ``aebookNet.js``): the widget shows the
model's input, its reconstruction (the decoder's mean image at the code's mean), where the two
differ, and the drawing's **anomaly score**, the mean squared error per pixel between the input
and its reconstruction, on a scale with the detector's **threshold**; a score at or above the
threshold is *flagged*, one below it *passes* (chapter 14's detector).

- Static (the rendered book): the encoder with its mean head, and the decoder, are exported in
  float16 and run in the page by ``aebookDrawPad.js`` in its anomaly mode (``"mode":
  "anomaly"`` in the payload); the score is computed in the page too.
- Live (Jupyter, Colab): a drop-down of the test images, the same layout, torch's model.

The model must have ``encoder`` (an ``nn.Sequential`` of linear layers and activations),
``to_mu`` (``nn.Linear``) and ``decoder`` (an ``nn.Sequential`` giving one logit per pixel), as
:class:`aebook.models.VAE` has; the code may have any size.
"""
from __future__ import annotations

import base64
from typing import Sequence

import numpy as np
import torch
from torch import nn

from .base import MAX_BYTES, Frame, Widget, as_panel
from .drawpad import BOX, SIZE
from .export import export_layers, forward
from .live import LiveView
from .static import draw_html

__all__ = ["AnomalyPad", "scale_position", "score_scale"]

# The scale's colours: scores that pass, scores that are flagged, the threshold.
PASS_RGB, FLAG_RGB, LINE_RGB = (214, 236, 214), (246, 214, 210), (40, 40, 40)
# The scale's bar fills the top of the picture (the ticks below it); the words "passes" and
# "flagged" sit in the bar's upper part, the marker (the cross) in its lower part, at this
# fraction of the picture's height from the top.
BAR_BOTTOM, WORDS_AT, MARKER_Y = 0.36, 0.78, 0.44


def scale_position(score: float, scale_range: Sequence[float]) -> float:
    """Where ``score`` lands on a logarithmic scale from ``low`` to ``high``: a fraction of its
    width from the left, clipped to [0, 1] (``aebookDrawPad.js`` computes the same)."""
    low, high = (float(value) for value in scale_range)
    position = (np.log(max(float(score), 1e-300)) - np.log(low)) / (np.log(high) - np.log(low))
    return float(np.clip(position, 0.0, 1.0))


def score_scale(threshold: float, scale_range: Sequence[float], width: int = 300,
                height: int = 72, ticks: Sequence[float] = ()) -> np.ndarray:
    """The pad's score scale, a backdrop: a logarithmic axis from ``low`` to ``high``, green
    where a score passes, red where it is flagged, a line at the threshold, and the threshold
    and ``ticks`` written under it (default: 1, 2 and 5 times powers of ten, where they leave
    room for each other). The widget's marker (a cross) sits at the score.

    Returns:
        (height, width, 3) uint8.
    """
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    low, high = (float(value) for value in scale_range)
    cut = scale_position(threshold, (low, high))
    if not ticks:  # 1, 2 and 5 times the powers of ten on the scale
        ticks = [m * 10.0 ** k for k in range(int(np.floor(np.log10(low))),
                                              int(np.ceil(np.log10(high))) + 1)
                 for m in (1, 2, 5)]
    marks, places = [threshold], [cut]
    for tick in sorted(ticks):  # written where they leave room for each other
        place = scale_position(tick, (low, high))
        if 0.05 < place < 0.95 and min(abs(place - p) for p in places) > 0.12:
            marks.append(tick)
            places.append(place)
    figure = plt.Figure(figsize=(width / 100, height / 100), dpi=100, layout="none")
    canvas = FigureCanvasAgg(figure)
    axis = figure.add_axes((0.0, BAR_BOTTOM, 1.0, 1.0 - BAR_BOTTOM))
    axis.axvspan(0, cut, color=np.array(PASS_RGB) / 255)
    axis.axvspan(cut, 1, color=np.array(FLAG_RGB) / 255)
    axis.axvline(cut, color=np.array(LINE_RGB) / 255, linewidth=2)
    axis.text(cut / 2, WORDS_AT, "passes", ha="center", va="center", fontsize=8)
    axis.text((1 + cut) / 2, WORDS_AT, "flagged", ha="center", va="center", fontsize=8)
    axis.set(xlim=(0, 1), ylim=(0, 1), yticks=[])
    axis.set_xticks(places)
    axis.set_xticklabels([f"{tick:.3g}" for tick in marks], fontsize=7)
    axis.get_xticklabels()[0].set_fontweight("bold")
    axis.tick_params(axis="x", length=3, pad=1)
    for side in axis.spines.values():
        side.set_edgecolor("0.6")
    figure.text(0.5, 0.02, "anomaly score (log scale)", ha="center", va="bottom", fontsize=7)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


class AnomalyPad(Widget):
    """A widget: a drawn (or loaded) image, its reconstruction, where they differ, and its
    anomaly score against a threshold, with the verdict; in the page or live in torch.

    Args:
        model: an autoencoder with ``encoder``, ``to_mu`` and ``decoder`` (e.g. a trained
            :class:`aebook.models.VAE`); the reconstruction is ``sigmoid(decoder(mu))``.
        threshold: images scoring at or above it are flagged.
        test_images: (n, 784) in [0, 1], n >= 1: the images to start from.
        names: a name for each test image (shown when it is loaded), e.g. its data set.
        scale_range: (low, high) of the score scale (logarithmic); default: the threshold
            divided and multiplied by 6.
        ticks: scores marked on the scale besides the threshold.
        canvas: the drawing canvas's side in screen pixels. max_bytes: the static view's limit.
    """

    hint = ("anomaly pad: draw with a mouse, finger or pen; the page scores the drawing. "
            "Keys: Delete clears, N and P load the next and previous test image")

    def __init__(self, model, threshold: float, test_images, names: Sequence[str] = (), *,
                 scale_range: Sequence[float] | None = None, ticks: Sequence[float] = (),
                 title: str = "", scale: int = 3, canvas: int = 224,
                 max_bytes: int = MAX_BYTES):
        self.model = model
        self.encoder_layers = export_layers(nn.Sequential(model.encoder, model.to_mu))
        self.decoder_layers = export_layers(model.decoder)
        self.threshold = float(threshold)
        if not np.isfinite(self.threshold) or self.threshold <= 0:
            raise ValueError(f"threshold must be a positive number, got {threshold}")
        images = torch.as_tensor(test_images, dtype=torch.float32).reshape(-1, SIZE * SIZE)
        if len(images) == 0:
            raise ValueError("give at least one test image")
        self.test_images = images.clamp(0, 1)
        self.names = [str(name) for name in names] or [
            f"test image {k + 1}" for k in range(len(images))]
        if len(self.names) != len(images):
            raise ValueError(f"{len(self.names)} names for {len(images)} test images")
        low, high = scale_range or (self.threshold / 6, self.threshold * 6)
        if not 0 < low < self.threshold < high:
            raise ValueError("scale_range must be (low, high) with 0 < low < threshold < high")
        self.scale_range = (float(low), float(high))
        self.title, self.scale, self.canvas = str(title), scale, int(canvas)
        self.max_bytes = max_bytes
        self.backdrop = score_scale(self.threshold, self.scale_range, ticks=ticks)
        self.backdrop_alt = (f"the anomaly score on a logarithmic scale from {low:.3g} to "
                             f"{high:.3g}; scores at or above the threshold "
                             f"{self.threshold:.4f} are flagged; the cross marks the score")
        self.titles = ("the model's input", "reconstruction", "difference")
        self._check_protocol()
        self._live = None

    # -- the model, in torch and as the page runs it ------------------------------------------
    def _device(self):
        return next(self.model.parameters()).device

    @torch.no_grad()
    def reconstruct(self, x) -> torch.Tensor:
        """torch: x (784,) or (n, 784) -> the decoder's mean image at mu, (n, 784)."""
        x = torch.as_tensor(x, dtype=torch.float32).reshape(-1, SIZE * SIZE)
        mu = self.model.to_mu(self.model.encoder(x.to(self._device())))
        return torch.sigmoid(self.model.decoder(mu)).cpu()

    def score(self, x) -> torch.Tensor:
        """torch: the anomaly score, the mean squared error per pixel, (n,)."""
        x = torch.as_tensor(x, dtype=torch.float32).reshape(-1, SIZE * SIZE)
        return (self.reconstruct(x) - x).pow(2).mean(1)

    def score_packed(self, x) -> np.ndarray:
        """The page's score, in NumPy, on the float16 weights: (n,)."""
        x = np.asarray(x, dtype=np.float64).reshape(-1, SIZE * SIZE)
        mu = forward(self.encoder_layers, x)
        picture = 1 / (1 + np.exp(-forward(self.decoder_layers, mu)))
        return ((picture - x) ** 2).mean(1)

    def flagged(self, score: float) -> bool:
        """The verdict: flagged at or above the threshold."""
        return bool(score >= self.threshold)

    def describe_score(self, score: float) -> str:
        """The line under the panels, as both views write it."""
        verdict = "flagged" if self.flagged(score) else "passes"
        relation = "at or above" if self.flagged(score) else "below"
        return (f"anomaly score {score:.4f} (mean squared error per pixel), {relation} the "
                f"threshold {self.threshold:.4f}: {verdict}")

    def payload(self) -> dict:
        """What aebookDrawPad.js reads in its anomaly mode."""
        tests = (self.test_images.numpy() * 255).round().astype(np.uint8)
        return {"mode": "anomaly", "encoder": self.encoder_layers,
                "decoder": self.decoder_layers, "threshold": self.threshold,
                "scale": list(self.scale_range), "marker_y": MARKER_Y,
                "box": BOX, "size": SIZE,
                "names": self.names, "note": "",
                "tests": [base64.b64encode(image.tobytes()).decode("ascii") for image in tests]}

    def frame(self, image) -> Frame:
        """What both views show for a 28 x 28 input: torch's reconstruction and score."""
        x = torch.as_tensor(image, dtype=torch.float32).reshape(1, SIZE * SIZE)
        picture = self.reconstruct(x)[0]
        score = float((picture - x[0]).pow(2).mean())
        verdict = "flagged" if self.flagged(score) else "passes"
        images = [x[0], picture, (picture - x[0]).abs()]
        return Frame([as_panel(image) for image in images],
                     ["28 × 28", f"score {score:.4f}", verdict], self.describe_score(score),
                     (scale_position(score, self.scale_range), MARKER_Y))

    def legend_html(self) -> str:
        return ""

    def describe(self) -> str:
        return (f"AnomalyPad(threshold {self.threshold:.4g}, {len(self.test_images)} test "
                f"images)")

    # -- the two views ------------------------------------------------------------------------
    def to_html(self) -> str:
        """The self-contained static view (``static.draw_html``)."""
        return draw_html(self)

    def live(self) -> LiveView:
        """The live view (built once): the test images to pick from, scored by torch."""
        if self._live is None:
            options = [(name, k) for k, name in enumerate(self.names)]
            self._live = LiveView(
                self, [("choice", "test image", options)],
                lambda settings: self.frame(self.test_images[settings["test image"]]),
                self.frame(self.test_images[0]))
        return self._live
