"""A drawing pad: the reader draws a digit, and the page encodes it, live and in the page.

The third kind of :class:`aebook.widgets.Widget`, beside :class:`SliderView` and
:class:`LatentPad`: the reader draws with a mouse, a finger or a pen on a canvas (or loads one of
a few test images); the stroke is reduced to the model's 28 x 28 input as MNIST's images were
made (:func:`reduce_drawing`: the ink's bounding box scaled into a 20 x 20 box, then centred by
its centre of mass); and the widget shows the drawing's code on the latent map (the posterior
mean, marked by the cross, and an ellipse one standard deviation wide on each axis), the
reconstruction, and a classifier's guess when one is given.

- Static (the rendered book): the VAE's encoder (with its two heads), its decoder and the
  classifier are exported by ``export.py`` (float16) and run by ``aebookNet.js``, the engine the
  latent pad's decoder runs on; ``aebookDrawPad.js`` wires the canvas, the buttons and the keys.
- Live (Jupyter, Colab): drawing needs a canvas the kernel can read, which core ipywidgets do
  not have; the live view offers the test images to pick from (a drop-down), with the same
  layout, and runs the torch model.

The VAE must have ``encoder`` (an ``nn.Sequential`` of linear layers and activations),
``to_mu``, ``to_logvar`` (``nn.Linear``) and ``decoder`` (an ``nn.Sequential`` giving one logit
per pixel), as :class:`aebook.models.VAE` has; the classifier an ``nn.Sequential`` of such
layers or an :class:`aebook.models.MLPClassifier`.
"""
from __future__ import annotations

import base64
from typing import Sequence

import numpy as np
import torch
from torch import nn

from ..viz import latent_square, map_position
from .base import MAX_BYTES, Frame, Widget, as_panel, escape
from .export import export_layers, forward
from .live import LiveView
from .static import draw_html

__all__ = ["DrawingPad", "reduce_drawing", "BOX", "SIZE"]

BOX, SIZE = 20, 28  # MNIST: the ink fits a 20 x 20 box, centred by mass in 28 x 28


def _area_matrix(source: int, target: int) -> np.ndarray:
    """(target, source): each target cell the mean of the source cells it covers (area overlap)."""
    edges = np.arange(target + 1) * source / target
    cells = np.arange(source)
    overlap = (np.minimum(edges[1:, None], cells[None, :] + 1)
               - np.maximum(edges[:-1, None], cells[None, :])).clip(0)
    return overlap * target / source


def reduce_drawing(image, box: int = BOX, size: int = SIZE) -> np.ndarray:
    """A drawing (any size, ink in [0, 1] on 0) -> the model's (size, size) input, as MNIST's
    images were made: the ink's bounding box scaled (area-averaged, aspect kept) so its longer
    side is ``box`` pixels, then placed so its centre of mass falls on the image's centre,
    (size - 1) / 2, rounded to whole pixels. ``aebookDrawPad.js`` computes the same.

    Returns:
        (size, size) float64 in [0, 1]; all zeros for a drawing without ink.
    """
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"a drawing must be (h, w), got shape {image.shape}")
    out = np.zeros((size, size))
    rows, columns = np.nonzero(image > 0)
    if len(rows) == 0:
        return out
    crop = image[rows.min():rows.max() + 1, columns.min():columns.max() + 1]
    height, width = crop.shape
    scale = box / max(height, width)
    target = (max(1, int(np.floor(height * scale + 0.5))), max(1, int(np.floor(width * scale + 0.5))))
    small = _area_matrix(height, target[0]) @ crop @ _area_matrix(width, target[1]).T
    mass = small.sum()
    centre_row = (small.sum(1) * np.arange(target[0])).sum() / mass
    centre_column = (small.sum(0) * np.arange(target[1])).sum() / mass
    top = int(np.floor((size - 1) / 2 - centre_row + 0.5))
    left = int(np.floor((size - 1) / 2 - centre_column + 0.5))
    for i in range(target[0]):
        if 0 <= top + i < size:
            for j in range(target[1]):
                if 0 <= left + j < size:
                    out[top + i, left + j] = small[i, j]
    return out.clip(0, 1)


def _classifier_network(classifier) -> nn.Sequential | None:
    if classifier is None or isinstance(classifier, nn.Sequential):
        return classifier
    if hasattr(classifier, "first") and hasattr(classifier, "head"):  # MLPClassifier
        return nn.Sequential(classifier.first, nn.ReLU(), classifier.head)
    raise TypeError("classifier must be an nn.Sequential or an aebook.models.MLPClassifier")


class DrawingPad(Widget):
    """A widget: a drawn (or loaded) digit, its code on the latent map, its reconstruction and a
    classifier's guess; the models run in the page, or in torch in a live kernel.

    Args:
        vae: a VAE with ``encoder``, ``to_mu``, ``to_logvar`` and ``decoder`` and a 2-D code
            (e.g. :class:`aebook.models.VAE` with ``code_size=2``).
        latent_range: (low, high): the square the map covers.
        test_images: (n, 784) in [0, 1], n >= 1: the images to start from.
        backdrop: the latent map, (h, w, 3) uint8 (``aebook.viz.scatter_backdrop``), or None.
        classifier: an MLP classifier (``nn.Sequential`` or ``MLPClassifier``), or None: no
            guess (``note`` says why).
        class_names: the classifier's class names, in label order.
        note: a line shown under the widget (e.g. why there is no guess).
        legend: the names of the classes the backdrop colours (as ``scatter_backdrop`` does,
            tab10 by label), shown as a key beside the buttons; ``()``: no key.
        canvas: the drawing canvas's side in screen pixels.
        max_bytes: the static view's size limit.
    """

    def __init__(self, vae, latent_range: Sequence[float], test_images, backdrop=None, *,
                 classifier=None, class_names: Sequence[str] = (), note: str = "",
                 legend: Sequence[str] = (),
                 title: str = "", scale: int = 4, canvas: int = 224,
                 max_bytes: int = MAX_BYTES):
        self.vae = vae
        self.encoder_layers = export_layers(vae.encoder)
        self.mu_layers = export_layers(vae.to_mu)
        self.logvar_layers = export_layers(vae.to_logvar)
        self.decoder_layers = export_layers(vae.decoder)
        if self.mu_layers[0]["shape"][0] != 2:
            raise ValueError(f"the drawing pad needs a 2-D code, got {self.mu_layers[0]['shape'][0]}")
        self.classifier = _classifier_network(classifier)
        self.classifier_layers = export_layers(self.classifier) if self.classifier is not None else None
        self.class_names = [str(name) for name in class_names]
        images = torch.as_tensor(test_images, dtype=torch.float32).reshape(-1, SIZE * SIZE)
        if len(images) == 0:
            raise ValueError("give at least one test image")
        self.test_images = images.clamp(0, 1)
        self.low, self.high = latent_square(latent_range)
        self.note, self.canvas = str(note), int(canvas)
        self.legend = [str(name) for name in legend]
        if backdrop is None:
            backdrop = np.full((240, 240, 3), 245, dtype=np.uint8)
        self.title, self.backdrop, self.scale, self.max_bytes = str(title), backdrop, scale, max_bytes
        self.titles = ("the model's input (28 × 28)", "reconstruction")
        self._check_protocol()
        self._live = None

    # -- the models, in torch and as the page runs them --------------------------------------------
    def _device(self):
        return next(self.vae.parameters()).device

    @torch.no_grad()
    def encode(self, x) -> tuple:
        """torch: x (784,) or (n, 784) -> (mu, logvar), each (n, 2)."""
        x = torch.as_tensor(x, dtype=torch.float32).reshape(-1, SIZE * SIZE).to(self._device())
        hidden = self.vae.encoder(x)
        return self.vae.to_mu(hidden).cpu(), self.vae.to_logvar(hidden).cpu()

    @torch.no_grad()
    def reconstruct(self, x) -> torch.Tensor:
        """torch: the decoded mean image of the posterior mean, (n, 784) in [0, 1]."""
        mu, _ = self.encode(x)
        return torch.sigmoid(self.vae.decoder(mu.to(self._device()))).cpu()

    @torch.no_grad()
    def classify(self, x) -> torch.Tensor | None:
        """torch: class probabilities (n, classes), or None without a classifier."""
        if self.classifier is None:
            return None
        parameter = next(self.classifier.parameters())
        x = torch.as_tensor(x, dtype=torch.float32).reshape(-1, SIZE * SIZE).to(parameter.device)
        return torch.softmax(self.classifier(x), 1).cpu()

    def encode_packed(self, x) -> tuple:
        """The page's encoder, in NumPy, on the float16 weights: -> (mu, logvar), (n, 2) each."""
        hidden = forward(self.encoder_layers, np.asarray(x, dtype=np.float64).reshape(-1, SIZE * SIZE))
        return forward(self.mu_layers, hidden), forward(self.logvar_layers, hidden)

    def payload(self) -> dict:
        """What aebookDrawPad.js reads: the four networks, the range, the test images (uint8)."""
        tests = (self.test_images.numpy() * 255).round().astype(np.uint8)
        return {"encoder": self.encoder_layers, "mu": self.mu_layers, "logvar": self.logvar_layers,
                "decoder": self.decoder_layers, "classifier": self.classifier_layers,
                "classes": self.class_names, "range": [self.low, self.high],
                "box": BOX, "size": SIZE, "note": self.note,
                "tests": [base64.b64encode(image.tobytes()).decode("ascii") for image in tests]}

    def describe_code(self, mu, logvar, probabilities=None) -> str:
        """The line under the panels, as both views write it."""
        sigma = np.exp(0.5 * np.asarray(logvar, dtype=np.float64))
        text = (f"code: posterior mean ({mu[0]:.2f}, {mu[1]:.2f}), standard deviations "
                f"({sigma[0]:.2f}, {sigma[1]:.2f})")
        if probabilities is not None:
            best = int(np.argmax(probabilities))
            name = self.class_names[best] if best < len(self.class_names) else str(best)
            text += f"; the classifier's guess: {name} ({probabilities[best]:.0%})"
        return text + (f". {self.note}" if self.note else "")

    def frame(self, image) -> Frame:
        """What both views show for a 28 x 28 input: torch's code, reconstruction and guess."""
        x = torch.as_tensor(image, dtype=torch.float32).reshape(1, SIZE * SIZE)
        mu, logvar = (part[0].double().numpy() for part in self.encode(x))
        probabilities = self.classify(x)
        text = self.describe_code(mu, logvar, None if probabilities is None else probabilities[0].numpy())
        return Frame([as_panel(x[0]), as_panel(self.reconstruct(x)[0])], ["", ""], text,
                     map_position(mu[0], mu[1], (self.low, self.high)))

    def legend_html(self) -> str:
        """The key to the map's colours: a swatch and a name per class ("" without a legend)."""
        if not self.legend:
            return ""
        from matplotlib import colormaps
        from matplotlib.colors import Normalize, to_hex

        colour = colormaps["tab10"]
        norm = Normalize(0, 9)  # scatter_backdrop's colours: c=labels, vmin=0, vmax=9
        items = "".join(
            f'<span style="white-space:nowrap;margin-right:8px">'
            f'<span style="display:inline-block;width:9px;height:9px;border-radius:50%;'
            f'background:{to_hex(colour(norm(k)))};margin-right:3px"></span>{escape(name)}</span> '
            for k, name in enumerate(self.legend))
        return (f'<div data-legend style="font-size:12px;max-width:240px;line-height:1.6">'
                f'the map\'s colours: {items}</div>')

    def describe(self) -> str:
        guess = ", with a classifier" if self.classifier is not None else ""
        return f"DrawingPad(2-D latent, [{self.low:g}, {self.high:g}]^2, {len(self.test_images)} test images{guess})"

    # -- the two views -----------------------------------------------------------------------------
    def to_html(self) -> str:
        """The self-contained static view (``static.draw_html``)."""
        return draw_html(self)

    def live(self) -> LiveView:
        """The live view (built once): the test images to pick from, run by torch."""
        if self._live is None:
            options = [(f"test image {k + 1}", k) for k in range(len(self.test_images))]
            self._live = LiveView(self, [("choice", "test image", options)],
                                  lambda settings: self.frame(self.test_images[settings["test image"]]),
                                  self.frame(self.test_images[0]))
            if self.legend:  # the key to the map's colours, under the controls as in the page
                import ipywidgets

                children = list(self._live.widget.children)
                children.insert(len(children) - 2, ipywidgets.HTML(self.legend_html()))
                self._live.widget.children = tuple(children)
        return self._live
