"""aebook.viz's diagrams (the modules trace, diagram and reparameterization): a schematic traced
from the model itself, so the picture cannot disagree with the code. Each test draws one kind of
model and reads back what was drawn: the label inside each bar, top to bottom, and the role its
colour says."""
import itertools
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.patches import Circle, FancyBboxPatch
from torch import nn

from aebook import models
from aebook.viz import COLOURS, draw_model, draw_reparameterization, trace_model


def bars(diagram) -> list:
    """(label, role) of every box wider than a legend swatch, top to bottom: the text drawn
    inside it and the role its fill colour stands for."""
    ax = diagram.figure.axes[0]
    roles = {to_rgba(fill): role for role, (fill, _) in COLOURS.items()}
    found = []
    for text in (text for text in ax.texts if text.get_text()):  # an arrow is an empty text
        x, y = text.get_position()
        for patch in ax.patches:
            if (isinstance(patch, FancyBboxPatch) and patch.get_width() > 0.3
                    and patch.get_x() <= x <= patch.get_x() + patch.get_width()
                    and patch.get_y() <= y <= patch.get_y() + patch.get_height()):
                found.append((y, x, text.get_text(), roles[tuple(patch.get_facecolor())]))
    return [(label, role) for _, _, label, role in sorted(found)]


def drawn(diagram) -> str:
    """All the figure's text as one string; a long note wrapped over two lines reads whole."""
    return " ".join(diagram.labels)


def side_inputs(diagram) -> list:
    """The labels drawn in the small circles left of the bars (ε, y), top to bottom."""
    ax = diagram.figure.axes[0]
    circles = [patch.center for patch in ax.patches if isinstance(patch, Circle)]
    return [text.get_text() for text in sorted(ax.texts, key=lambda t: t.get_position()[1])
            if text.get_position() in circles]


def test_linear_autoencoder_draws_input_code_and_output_with_their_widths():
    diagram = draw_model(models.LinearAutoencoder(code_size=5))
    assert bars(diagram) == [("784", "data"), ("5", "code"), ("784", "decoder"), ("784", "data")]
    assert "Diagram of LinearAutoencoder" in diagram.alt and "The code holds 5 numbers" in diagram.alt


def test_mlp_autoencoder_draws_every_hidden_layer_and_its_activation():
    diagram = draw_model(models.MLPAutoencoder(code_size=3, hidden_sizes=(64, 32)))
    assert bars(diagram) == [("784", "data"), ("64", "encoder"), ("32", "encoder"), ("3", "code"),
                             ("32", "decoder"), ("64", "decoder"), ("784", "decoder"),
                             ("784", "data")]
    assert "Linear + ReLU" in diagram.labels and "Linear + Sigmoid" in diagram.labels
    assert "encoder: Linear + ReLU, 64 numbers" in diagram.alt
    level = {}
    for text in diagram.figure.axes[0].texts:
        level.setdefault(text.get_text(), text.get_position()[1])  # the first, top one
    assert level["Linear + ReLU"] == level["64"]  # a one-line description is level with its bar


def test_denoising_diagram_shows_where_the_noise_enters():
    diagram = draw_model(models.ShallowAutoencoder(code_size=1000), noise="masking, 30 %")
    assert bars(diagram) == [("784", "data"), ("784", "special"), ("1000", "code"),
                             ("784", "decoder"), ("784", "data")]
    assert "masking, 30 %" in diagram.labels and "noise" in diagram.labels  # note and legend
    assert "masking, 30 %" in diagram.alt and "1000 numbers" in diagram.alt


def test_a_sparsity_penalty_is_marked_on_the_code():
    diagram = draw_model(models.ShallowAutoencoder(code_size=200), penalty="kl")
    code = [row for row in diagram.rows if row.role == "code"]
    assert [row.shape for row in code] == [(200,)] and code[0].special == "penalty"
    assert "KL sparsity penalty in the loss" in drawn(diagram)


def test_k_sparse_diagram_says_how_many_of_the_units_are_kept():
    diagram = draw_model(models.KSparseAutoencoder(k=25, code_size=1000))
    assert bars(diagram) == [("784", "data"), ("1000", "encoder"), ("1000", "code"),
                             ("784", "decoder"), ("784", "data")]
    assert "top-k: k = 25 of 1000 kept" in diagram.labels
    assert "Linear, tied weights Wᵀ" in diagram.labels  # the decoder is no layer of its own
    assert "k = 25 of 1000 kept" in diagram.alt


def test_conv_autoencoder_diagram_shows_feature_map_shapes():
    diagram = draw_model(models.ConvAutoencoder(code_size=16))
    assert bars(diagram) == [("1×28×28", "data"), ("16×14×14", "encoder"), ("32×7×7", "encoder"),
                             ("16", "code"), ("32×7×7", "decoder"), ("16×14×14", "decoder"),
                             ("1×28×28", "decoder"), ("784", "data")]
    assert "reshaped from 784" in diagram.labels and "reshaped from 1568" in diagram.labels
    assert "16 channels of 14×14" in diagram.alt


def test_fully_convolutional_code_is_a_stack_of_maps_and_the_trace_follows_the_input_size():
    diagram = draw_model(models.FullyConvAutoencoder(code_channels=2, upsampling="resize"),
                         torch.rand(1, 1, 56, 56))
    labels = [label for label, _ in bars(diagram)]
    assert labels[0] == "1×56×56" and ("2×14×14", "code") in bars(diagram)
    assert any(label.startswith("upsample ×2") for label in diagram.labels)


def test_vae_diagram_shows_both_heads_and_where_the_sampling_enters():
    diagram = draw_model(models.VAE(code_size=20, hidden_size=400))
    assert bars(diagram) == [("784", "data"), ("400", "encoder"), ("μ: 20", "encoder"),
                             ("log σ²: 20", "encoder"), ("20", "code"), ("400", "decoder"),
                             ("784", "decoder"), ("784", "data")]
    assert side_inputs(diagram) == ["ε"] and "code z = μ + σ⊙ε" in diagram.labels
    assert "output: logits of x̂" in diagram.labels and "sampling" in diagram.labels
    assert "The code holds 20 numbers" in diagram.alt and "ε ~ N(0, I)" in diagram.alt


def test_conv_vae_diagram_has_feature_maps_on_both_sides_of_the_sampled_code():
    labels = [label for label, _ in bars(draw_model(models.ConvVAE(code_size=8)))]
    assert labels == ["1×28×28", "16×14×14", "32×7×7", "μ: 8", "log σ²: 8", "8", "32×7×7",
                      "16×14×14", "1×28×28", "784"]


def test_conditional_vae_diagram_shows_the_label_entering_encoder_and_decoder():
    diagram = draw_model(models.ConditionalVAE(code_size=2, hidden_size=128, classes=10))
    assert side_inputs(diagram) == ["y", "ε", "y"]
    assert "input x ⊕ y: 794" in diagram.labels and "input z ⊕ y: 12" in diagram.labels
    assert [label for label, _ in bars(diagram)][:2] == ["784", "128"]


def test_contractive_diagram_names_the_tied_decoder_and_the_penalty():
    diagram = draw_model(models.ContractiveAutoencoder(code_size=256), penalty="contractive")
    assert bars(diagram) == [("784", "data"), ("256", "code"), ("784", "decoder"), ("784", "data")]
    assert "Linear + Sigmoid" in diagram.labels  # the sigmoid is a function in encode(), found
    assert "Jacobian penalty ‖∂code/∂x‖² in the loss" in drawn(diagram)


def test_vq_vae_diagram_shows_the_quantisation_and_the_tokens():
    diagram = draw_model(models.VQVAE(codebook_size=256, vector_size=8))
    assert ("8×7×7", "encoder") in bars(diagram) and ("8×7×7", "code") in bars(diagram)
    assert "7×7 tokens, from K = 256 vectors" in drawn(diagram)
    alone = draw_model(models.VectorQuantizer(codebook_size=16, vector_size=4))
    assert bars(alone) == [("4×7×7", "data"), ("4×7×7", "code")]
    assert "K = 16" in alone.alt


def test_sparse_autoencoders_for_interpretability_read_a_hidden_layer():
    top_k = draw_model(models.TopKSparseAutoencoder(input_size=128, code_size=1024, k=16))
    assert bars(top_k) == [("128", "data"), ("1024", "encoder"), ("1024", "code"),
                           ("128", "decoder"), ("128", "data")]
    assert "top-k: k = 16 of 1024 kept" in top_k.labels
    l1 = draw_model(models.L1SparseAutoencoder(input_size=128, code_size=1024), penalty="l1")
    assert ("1024", "code") in bars(l1) and "Linear + ReLU" in l1.labels
    assert "Linear, unit-norm dictionary" in l1.labels


def test_any_sequential_is_drawn_layer_by_layer_its_narrowest_layer_the_code():
    model = nn.Sequential(nn.Linear(10, 6), nn.Tanh(), nn.Linear(6, 2), nn.Linear(2, 10))
    assert bars(draw_model(model)) == [("10", "data"), ("6", "encoder"), ("2", "code"),
                                       ("10", "decoder"), ("10", "data")]
    classifier = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
    assert [role for _, role in bars(draw_model(classifier))] == ["data", "layer", "layer", "data"]


def test_reparameterization_graph_stops_the_gradient_before_and_lets_it_through_after():
    diagram = draw_reparameterization(models.VAE(code_size=20))
    assert ("z ~ N(μ, σ²)", "special") in bars(diagram)  # before: a random node
    assert ("z = μ + σ⊙ε", "code") in bars(diagram)  # after: a function of the input ε
    assert diagram.labels.count("✗") == 2 and "ε" in diagram.labels
    assert ("μ: 20", "encoder") in bars(diagram) and ("x: 784", "data") in bars(diagram)
    assert "stops" in diagram.alt and "flows through z" in diagram.alt
    assert ("μ", "encoder") in bars(draw_reparameterization())  # without a model: no sizes


EVERY_MODEL = [
    (models.LinearAutoencoder(code_size=2), {}),
    (models.ShallowAutoencoder(code_size=1000), {"noise": "salt and pepper, 25 % of pixels"}),
    (models.KSparseAutoencoder(k=25, code_size=1000), {}),
    (models.ConvAutoencoder(code_size=16), {}), (models.FullyConvAutoencoder(), {}),
    (models.ConditionalVAE(code_size=2), {}), (models.ConvVAE(code_size=20), {}),
    (models.ContractiveAutoencoder(code_size=256), {"penalty": "contractive"}),
    (models.VQVAE(), {}), (models.TopKSparseAutoencoder(), {}),
]


@pytest.mark.parametrize("model, options", EVERY_MODEL, ids=lambda value: type(value).__name__)
def test_every_diagram_is_legible_at_phone_width(model, options):
    # under the book's style too: its autolayout must not warn under the figure, nor its
    # savefig.dpi and font size change the sizes chosen here
    style = {"figure.autolayout": True, "savefig.dpi": 100, "font.size": 7}
    with matplotlib.rc_context(style), warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_legible(draw_model(model, **options))


def test_the_reparameterization_graph_is_legible_at_phone_width():
    assert_legible(draw_reparameterization(models.VAE()))


def assert_legible(diagram):
    """No two texts overlap, all lie inside the figure, and at 400 px wide none is under 9 px."""
    figure = diagram.figure
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    texts = [text for text in figure.axes[0].texts if text.get_text().strip()]
    boxes = [text.get_window_extent(canvas.get_renderer()) for text in texts]
    for text, box in zip(texts, boxes):
        assert box.x0 >= 0 and box.x1 <= figure.bbox.width, text.get_text()
        assert box.y0 >= 0 and box.y1 <= figure.bbox.height, text.get_text()
        assert text.get_fontsize() * figure.dpi / 72 * 400 / figure.bbox.width >= 9
    for (a, box_a), (b, box_b) in itertools.combinations(zip(texts, boxes), 2):
        width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        assert width <= 1 or height <= 1, (a.get_text(), b.get_text())


def test_a_diagram_shows_once_as_a_png_and_leaves_no_pyplot_figure_behind():
    figures = plt.get_fignums()
    diagram = draw_model(models.MLPAutoencoder(code_size=2))
    png = diagram._repr_png_()
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")  # the PNG header's width, in pixels
    assert width == round(diagram.figure.get_figwidth() * 120)
    assert plt.get_fignums() == figures
    assert "MLPAutoencoder" in repr(diagram)


def test_tracing_leaves_the_model_and_the_random_numbers_as_they_were():
    model = models.VAE(code_size=4)
    model.train()
    model.decoder.eval()  # a mixed state, kept module by module
    weights = [parameter.clone() for parameter in model.parameters()]
    state = torch.get_rng_state()
    trace_model(model)
    assert torch.equal(torch.get_rng_state(), state)  # the VAE's ε came from a forked generator
    assert model.training and model.encoder.training and not model.decoder.training
    assert all(torch.equal(a, b) for a, b in zip(weights, model.parameters()))


def test_bad_input_is_refused_with_a_clear_error():
    model = models.MLPAutoencoder(code_size=2)
    with pytest.raises(TypeError, match="nn.Module"):
        draw_model("MLPAutoencoder")
    with pytest.raises(TypeError, match="example"):
        draw_model(model, [[0.0] * 784])
    with pytest.raises(ValueError, match="does not fit"):
        draw_model(model, torch.rand(2, 100))
    with pytest.raises(ValueError, match="batch"):
        draw_model(model, torch.rand(784))
    with pytest.raises(TypeError, match="noise"):
        draw_model(model, noise=0.3)
    with pytest.raises(ValueError, match="noise"):
        draw_model(model, noise="  ")
    with pytest.raises(TypeError, match="title"):
        draw_model(model, title=3)
    with pytest.raises(ValueError, match="example="):
        draw_model(nn.Sequential(nn.ReLU()))  # nothing to guess an input from
    with pytest.raises(ValueError, match="VAE"):
        draw_reparameterization(model)
    with pytest.raises(TypeError, match="nn.Module"):
        draw_reparameterization("VAE")
