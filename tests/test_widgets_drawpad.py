"""Specifications of aebook.widgets.drawpad: the drawing pad (a drawn digit, encoded live and in
the page) and its reduction of a drawing to the model's 28 x 28 input."""
import io
import re

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from aebook.models import VAE, MLPClassifier
from aebook.viz import map_position
from aebook.widgets import DrawingPad, Widget, reduce_drawing
from aebook.widgets.export import unpack_float16
from aebook.widgets.static import DRAW_DRIVER, NET_ENGINE


def small_vae(seed: int = 0) -> VAE:
    """A seeded 2-D VAE whose codes and pictures vary across inputs (weights scaled up)."""
    torch.manual_seed(seed)
    vae = VAE(code_size=2, hidden_size=32)
    with torch.no_grad():
        vae.encoder[0].weight.mul_(3)
        vae.to_mu.weight.mul_(3)
        vae.decoder[-1].weight.mul_(4)
    return vae


def sample_images(n: int = 6, seed: int = 0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(n, 784, generator=generator) ** 3


def make_pad(**kwargs) -> DrawingPad:
    torch.manual_seed(1)
    classifier = MLPClassifier(16)
    return DrawingPad(small_vae(), (-3, 3), sample_images(), classifier=classifier,
                      class_names=[str(k) for k in range(10)], **kwargs)


def test_a_drawing_is_scaled_into_a_20_pixel_box_and_centred_by_mass():
    drawing = np.zeros((200, 300))
    drawing[10:110, 200:250] = 1.0  # a bar 100 high and 50 wide, far from the centre
    image = reduce_drawing(drawing)
    rows, columns = np.nonzero(image > 0)
    assert image.shape == (28, 28)
    assert rows.max() - rows.min() + 1 == 20 and columns.max() - columns.min() + 1 == 10
    mass = image.sum()
    centre = ((image.sum(1) * np.arange(28)).sum() / mass, (image.sum(0) * np.arange(28)).sum() / mass)
    assert centre == pytest.approx((13.5, 13.5), abs=0.5)  # centred to the nearest pixel
    assert image.max() == pytest.approx(1.0) and image.min() == 0.0


def test_the_reduction_keeps_the_aspect_and_averages_areas():
    drawing = np.zeros((40, 40))
    drawing[0:40, 0:20] = 1.0
    drawing[0:40, 20:40] = 0.5  # left half ink 1, right half 0.5
    image = reduce_drawing(drawing)
    inked = image[image > 0].reshape(20, 20)
    assert np.allclose(inked[:, :10], 1.0) and np.allclose(inked[:, 10:], 0.5)
    assert image.sum() == pytest.approx(20 * 10 * 1.5)  # the area average keeps the mean ink


def test_the_centre_of_mass_not_the_box_is_centred():
    drawing = np.zeros((100, 100))
    drawing[0:100, 0:5] = 1.0   # a heavy left bar
    drawing[0:5, 5:100] = 0.1   # a faint top line
    image = reduce_drawing(drawing)
    mass = image.sum()
    column = (image.sum(0) * np.arange(28)).sum() / mass
    assert column == pytest.approx(13.5, abs=0.5)
    columns = np.nonzero(image.sum(0))[0]
    assert (columns.min() + columns.max()) / 2 > 16  # the box itself sits right of the centre


def test_an_empty_drawing_gives_an_empty_input():
    assert not reduce_drawing(np.zeros((50, 50))).any()
    with pytest.raises(ValueError, match=r"\(h, w\)"):
        reduce_drawing(np.zeros(10))


def test_the_pad_exports_the_encoder_its_heads_the_decoder_and_the_classifier():
    pad = make_pad()
    payload = pad.payload()
    assert [layer["kind"] for layer in payload["encoder"]] == ["linear", "relu"]
    assert payload["encoder"][0]["shape"] == [32, 784]
    assert payload["mu"][0]["shape"] == payload["logvar"][0]["shape"] == [2, 32]
    assert [layer["kind"] for layer in payload["classifier"]] == ["linear", "relu", "linear"]
    weight = unpack_float16(payload["encoder"][0]["weight"], (32, 784))
    assert np.abs(weight - pad.vae.encoder[0].weight.detach().numpy()).max() < 1e-2
    assert len(payload["tests"]) == 6 and payload["box"] == 20 and payload["size"] == 28
    # the page's encoder (NumPy mirror, float16 weights) against torch's
    mu, logvar = pad.encode(pad.test_images)
    packed_mu, packed_logvar = pad.encode_packed(pad.test_images.numpy())
    assert mu.std() > 0.1  # codes that differ between images
    assert np.abs(packed_mu - mu.numpy()).max() < 0.01 * 6  # 1 % of the latent range
    assert np.abs(packed_logvar - logvar.numpy()).max() < 0.05


def test_the_static_view_is_self_contained_with_one_engine_for_both_pads():
    html = make_pad(title="draw").to_html()
    assert not re.search(r"https?:|(src|href)=[\"']?//|url\(|fetch\(|XMLHttpRequest|import\(", html)
    assert html.startswith('<div class="aebook-widget aebook-drawpad"')
    assert html.count("var aebookNet = window.aebookNet") == 1  # the engine, inlined once
    assert "var aebookDrawPad = window.aebookDrawPad" in html and "aebookDrawPad(document" in html
    assert 'tabindex="0"' in html and html.count("<button") == 3
    assert f'src="{NET_ENGINE}.js"' not in html and f'src="{DRAW_DRIVER}.js"' not in html
    # the latent pad runs on the same engine, not a copy of its own
    from aebook.widgets import LatentPad
    pad_html = LatentPad(small_vae().decoder, (-3, 3)).to_html()
    assert pad_html.count("function halfToNumber") == 1 and html.count("function halfToNumber") == 1


def test_the_frame_shows_the_input_the_reconstruction_and_the_code():
    pad = make_pad()
    frame = pad.frame(pad.test_images[2])
    mu, logvar = pad.encode(pad.test_images[2])
    assert frame.marker == map_position(mu[0, 0].item(), mu[0, 1].item(), (-3, 3))
    assert len(frame.images) == 2 and frame.images[0].shape == (28, 28)
    expected = np.floor(255 * pad.reconstruct(pad.test_images[2])[0].double().numpy() + 0.5)
    assert np.abs(frame.images[1].astype(int) - expected.reshape(28, 28)).max() <= 1
    assert frame.text.startswith(f"code: posterior mean ({mu[0, 0]:.2f}, {mu[0, 1]:.2f})")
    assert "the classifier's guess:" in frame.text


def test_without_a_classifier_the_guess_is_left_out_and_the_note_says_why():
    pad = DrawingPad(small_vae(), (-3, 3), sample_images(), note="no classifier in this page")
    text = pad.frame(pad.test_images[0]).text
    assert "guess" not in text and text.endswith("no classifier in this page")
    assert pad.payload()["classifier"] is None


def png_pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L")).astype(int)


def test_the_live_view_offers_the_test_images_and_runs_torch():
    pad = make_pad(scale=1)
    assert isinstance(pad, Widget)
    live = pad.live()
    assert pad.live() is live
    before = live.images[1].value
    live.controls["test image"].value = 3
    assert live.images[1].value != before
    expected = np.floor(255 * pad.reconstruct(pad.test_images[3])[0].numpy() + 0.5).reshape(28, 28)
    assert np.abs(png_pixels(live.images[1].value) - expected).max() <= 1
    assert live.text.value == pad.frame(pad.test_images[3]).text
    assert live.backdrop is not None
    bundle = pad._repr_mimebundle_()
    assert {"text/plain", "text/html", "application/vnd.jupyter.widget-view+json"} <= set(bundle)
    assert "0x" not in bundle["text/plain"]


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="2-D code"):
        DrawingPad(VAE(code_size=3, hidden_size=8), (-3, 3), sample_images())
    with pytest.raises(ValueError, match="at least one test image"):
        DrawingPad(small_vae(), (-3, 3), torch.zeros(0, 784))
    with pytest.raises(TypeError, match="classifier"):
        DrawingPad(small_vae(), (-3, 3), sample_images(), classifier=nn.Conv2d(1, 1, 3))
    with pytest.raises(ValueError, match="over max_bytes"):
        make_pad(max_bytes=10_000).to_html()


def test_the_legend_names_the_maps_colours_in_both_views():
    names = [f"class {k}" for k in range(10)]
    pad = DrawingPad(small_vae(), (-3, 3), sample_images(), legend=names)
    key = pad.legend_html()
    # scatter_backdrop colours label k with tab10's k-th colour (vmin 0, vmax 9)
    assert "#1f77b4" in key and "#17becf" in key and key.count("border-radius:50%") == 10
    assert key in pad.to_html() and "class 9" in key
    live = pad.live()
    assert any(getattr(child, "value", None) == key for child in live.widget.children)
    assert DrawingPad(small_vae(), (-3, 3), sample_images()).legend_html() == ""


# -- the anomaly pad (chapter 14): the drawing pad's sibling, a score against a threshold --------

def make_anomaly_pad(**kwargs):
    from aebook.widgets import AnomalyPad

    torch.manual_seed(2)
    vae = VAE(code_size=20, hidden_size=32)
    with torch.no_grad():
        vae.decoder[-1].weight.mul_(4)
    images = sample_images(6)
    threshold = AnomalyPad(vae, 1.0, images).score(images).median().item()
    names = [f"image {k}" for k in range(6)]
    return AnomalyPad(vae, threshold, images, names, **kwargs)


def test_the_anomaly_pad_scores_as_the_chapter_does_in_torch_and_in_the_page():
    pad = make_anomaly_pad()
    images = pad.test_images
    with torch.no_grad():
        mu, _ = pad.model.encode(images)
        expected = (torch.sigmoid(pad.model.decode(mu)) - images).pow(2).mean(1)
    assert torch.allclose(pad.score(images), expected)
    packed = pad.score_packed(images.numpy())  # the page's arithmetic, float16 weights
    assert np.abs(packed / expected.numpy() - 1).max() < 0.01
    payload = pad.payload()
    assert payload["mode"] == "anomaly" and payload["threshold"] == pad.threshold
    assert [layer["kind"] for layer in payload["encoder"]] == ["linear", "relu", "linear"]
    assert payload["encoder"][-1]["shape"] == [20, 32]  # the mean head closes the encoder
    assert "mu" not in payload and "logvar" not in payload and len(payload["tests"]) == 6
    scores = pad.score(images)
    assert pad.flagged(pad.threshold) and not pad.flagged(pad.threshold * 0.999)
    assert 0 < sum(pad.flagged(score) for score in scores) < 6


def test_the_anomaly_frame_shows_input_reconstruction_difference_score_and_verdict():
    from aebook.widgets.anomalypad import scale_position

    pad = make_anomaly_pad()
    for image in pad.test_images:
        frame = pad.frame(image)
        score = pad.score(image)[0].item()
        verdict = "flagged" if score >= pad.threshold else "passes"
        assert len(frame.images) == 3 and frame.captions[2] == verdict
        assert frame.text.endswith(f"the threshold {pad.threshold:.4f}: {verdict}")
        assert frame.text.startswith(f"anomaly score {score:.4f}")
        assert frame.marker[0] == pytest.approx(scale_position(score, pad.scale_range))
        picture = pad.reconstruct(image)[0].double().numpy()
        expected = np.floor(255 * np.abs(picture - image.double().numpy()) + 0.5)
        assert np.abs(frame.images[2].astype(int) - expected.reshape(28, 28)).max() <= 1
    low, high = pad.scale_range
    assert scale_position(low / 10, pad.scale_range) == 0.0
    assert scale_position(high * 10, pad.scale_range) == 1.0
    assert scale_position(pad.threshold, pad.scale_range) == pytest.approx(0.5)


def test_the_anomaly_pad_static_view_is_self_contained_on_the_shared_engine():
    pad = make_anomaly_pad(title="anomaly")
    html = pad.to_html()
    assert not re.search(r"https?:|(src|href)=[\"']?//|url\(|fetch\(|XMLHttpRequest|import\(", html)
    assert html.count("function halfToNumber") == 1 and "aebookDrawPad(document" in html
    assert '"mode":"anomaly"' in html and html.count("<button") == 3
    assert "anomaly pad: draw" in html and html.count("data-panel=") == 3
    assert pad.backdrop.shape[2] == 3 and pad.backdrop.dtype == np.uint8
    assert f'alt="{pad.backdrop_alt}"' in html and "logarithmic scale" in pad.backdrop_alt


def test_the_anomaly_pad_live_view_offers_the_named_test_images_and_runs_torch():
    pad = make_anomaly_pad(scale=1)
    live = pad.live()
    assert pad.live() is live
    assert [label for label, _ in live.controls["test image"].options] == pad.names
    for k in (3, 1):
        live.controls["test image"].value = k
        frame = pad.frame(pad.test_images[k])
        assert live.text.value == frame.text
        assert [label.value for label in live.captions] == list(frame.captions)
        assert np.abs(png_pixels(live.images[1].value) - frame.images[1]).max() == 0
    assert live.backdrop is not None
    bundle = pad._repr_mimebundle_()
    assert {"text/plain", "text/html", "application/vnd.jupyter.widget-view+json"} <= set(bundle)
    assert bundle["text/plain"].startswith("AnomalyPad(threshold")


def test_the_anomaly_pad_rejects_bad_arguments():
    from aebook.widgets import AnomalyPad

    vae = VAE(code_size=4, hidden_size=8)
    with pytest.raises(ValueError, match="positive"):
        AnomalyPad(vae, 0.0, sample_images())
    with pytest.raises(ValueError, match="at least one test image"):
        AnomalyPad(vae, 0.1, torch.zeros(0, 784))
    with pytest.raises(ValueError, match="names"):
        AnomalyPad(vae, 0.1, sample_images(), ["one"])
    with pytest.raises(ValueError, match="scale_range"):
        AnomalyPad(vae, 0.1, sample_images(), scale_range=(0.2, 1.0))
    with pytest.raises(ValueError, match="over max_bytes"):
        AnomalyPad(vae, 0.1, sample_images(), max_bytes=10_000).to_html()
