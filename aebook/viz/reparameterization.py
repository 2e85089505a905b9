"""The reparameterization trick, drawn: a VAE's computation graph before and after it.

:func:`draw_reparameterization` draws the two graphs side by side, x at the top and the loss at
the bottom, forward arrows down the middle and the gradient's dashed arrows back up beside
them. Before, z is a random node and the gradient stops there; after, ε is an input and the
gradient flows on to μ, σ and the encoder. Given a VAE, the input and code sizes are traced
from it (:func:`aebook.viz.trace.trace_model`). The result is a
:class:`aebook.viz.canvas.Diagram`.
"""
from __future__ import annotations

import textwrap

from matplotlib.patches import Circle
from torch import nn

from .canvas import COLOURS, FONT, INK, LINE, SMALL, WIDTH, Diagram, arrow, blank_figure, box
from .layers import shape_text
from .trace import trace_model

__all__ = ["draw_reparameterization"]

_GRADIENT = "#D55E00"  # vermillion: the gradient's path, apart from the role colours


def _node(ax, centre, role, text, width, pill=False):
    """A box (a pill for a random node) centred at ``centre``, with ``text`` inside."""
    box(ax, centre[0] - width / 2, centre[1] - 0.18, width, 0.36, role,
         round_=0.18 if pill else 0.06, lw=1.8 if pill else 1.1)
    ax.text(*centre, text, ha="center", va="center", fontsize=FONT, color=INK)


def _graph_legend(ax, top: float) -> None:
    """Forward arrow, gradient arrow, random node: what the two graphs are drawn with."""
    arrow(ax, (0.15, top), (0.5, top))
    ax.text(0.58, top, "forward", fontsize=SMALL, va="center", color=INK)
    arrow(ax, (1.45, top), (1.8, top), colour=_GRADIENT, linestyle="--")
    ax.text(1.88, top, "gradient ∂L/∂·", fontsize=SMALL, va="center", color=INK)
    box(ax, 3.2, top - 0.09, 0.3, 0.18, "special", round_=0.09, lw=1.6)
    ax.text(3.58, top, "random", fontsize=SMALL, va="center", color=INK)


def _graph_panel(ax, left: float, after: bool, sizes: dict) -> None:
    """One graph, x at the top and the loss at the bottom; forward arrows go down the middle,
    the gradient's dashed arrows come back up beside them (μ's on the left, σ's on the right)."""
    c, half = left + 1.05, 0.18  # the graph's centre line; half a box's height
    y = {"x": 1.35, "encoder": 1.95, "heads": 2.65, "z": 3.35, "decoder": 4.0, "loss": 4.6}
    heading = "After: ε is an input" if after else "Before: z is sampled"
    ax.text(left + 0.12, 0.95, heading, fontsize=FONT, fontweight="bold", va="center",
            color=INK)
    _node(ax, (c, y["x"]), "data", "x" + sizes.get("x", ""), 1.1)
    _node(ax, (c, y["encoder"]), "encoder", "encoder φ", 1.5)
    _node(ax, (c - 0.45, y["heads"]), "encoder", "μ" + sizes.get("z", ""), 0.8)
    _node(ax, (c + 0.45, y["heads"]), "encoder", "σ" + sizes.get("z", ""), 0.8)
    if after:
        _node(ax, (c, y["z"]), "code", "z = μ + σ⊙ε", 1.5)
        epsilon, special = (left + 2.12, y["z"]), COLOURS["special"]
        ax.add_patch(Circle(epsilon, 0.17, facecolor=special[0], edgecolor=special[1], lw=1.8))
        ax.text(*epsilon, "ε", ha="center", va="center", fontsize=FONT, color=INK)
        arrow(ax, (epsilon[0] - 0.17, y["z"]), (c + 0.75, y["z"]))
        ax.text(left + 2.36, y["z"] + 0.32, "ε ~ N(0, I)", ha="right", va="center",
                fontsize=SMALL - 1, color=special[1])
    else:
        _node(ax, (c, y["z"]), "special", "z ~ N(μ, σ²)", 1.5, pill=True)
    _node(ax, (c, y["decoder"]), "decoder", "decoder θ", 1.5)
    _node(ax, (c, y["loss"]), "data", "loss L", 1.1)
    down = [((c, "x"), (c, "encoder")), ((c - 0.2, "encoder"), (c - 0.45, "heads")),
            ((c + 0.2, "encoder"), (c + 0.45, "heads")), ((c - 0.45, "heads"), (c - 0.2, "z")),
            ((c + 0.45, "heads"), (c + 0.2, "z")), ((c, "z"), (c, "decoder")),
            ((c, "decoder"), (c, "loss"))]
    for (x0, start), (x1, end) in down:
        arrow(ax, (x0, y[start] + half), (x1, y[end] - half))
    back = [(c + 0.3, "loss", "decoder"), (c + 0.3, "decoder", "z")]
    if after:
        back += [(x, start, end) for x in (c - 0.62, c + 0.62)
                 for start, end in (("z", "heads"), ("heads", "encoder"))]
    for x, start, end in back:
        arrow(ax, (x, y[start] - half), (x, y[end] + half), colour=_GRADIENT, linestyle="--")
    if not after:  # the gradient stops at the sample: a stub and a cross where it would go on
        for x in (c - 0.62, c + 0.62):
            stop = (y["heads"] + y["z"]) / 2
            arrow(ax, (x, y["z"] - half), (x, stop + 0.06), colour=_GRADIENT, style="-",
                   linestyle="--")
            ax.text(x, stop, "✗", ha="center", va="center", fontsize=13, color=_GRADIENT,
                    fontweight="bold")
    note = ("the gradient flows through z to μ, σ and the encoder" if after else
            "the gradient stops at the sample z: no ∂z/∂μ, no ∂z/∂σ")
    for index, line in enumerate(textwrap.wrap(note, 26)):
        ax.text(left + 0.12, 5.1 + index * LINE, line, fontsize=SMALL, va="center",
                color=_GRADIENT)


def draw_reparameterization(model: nn.Module | None = None) -> Diagram:
    """A VAE's computation graph before and after the reparameterization trick, side by side.

    Before, z is a random node sampled from N(μ, σ²): the loss's gradient reaches z and stops,
    since a sample has no derivative with respect to μ and σ. After, the randomness is an
    input ε ~ N(0, I) and z = μ + σ⊙ε is a plain function, so the gradient flows on to μ, σ
    and the encoder's weights φ.

    Args:
        model: optional, a VAE (``to_mu`` and ``to_logvar``); the input and code sizes in the
            picture are then traced from it.
    """
    sizes = {}  # the node labels' suffixes, ": 784" and ": 20", when a model is given
    if model is not None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module or None, got {type(model).__name__}")
        if not (hasattr(model, "to_mu") and hasattr(model, "to_logvar")):
            raise ValueError(f"model must be a VAE (with to_mu and to_logvar), "
                             f"got {type(model).__name__}")
        rows = trace_model(model)
        code = next(row for row in rows if row.role == "code")
        sizes = {"x": shape_text(rows[0].shape), "z": shape_text(code.shape)}
    figure, ax = blank_figure(5.65)
    ax.text(0.15, 0.28, "The reparameterization trick", fontsize=12.5, fontweight="bold",
            va="center", color=INK)
    _graph_legend(ax, 0.6)
    for left, after in ((0.0, False), (WIDTH / 2, True)):
        _graph_panel(ax, left, after, {key: f": {size}" for key, size in sizes.items()})
    ax.plot([WIDTH / 2, WIDTH / 2], [0.85, 5.5], color="#cccccc", lw=1)
    x_words = f" ({sizes['x']} numbers)" if sizes else ""
    z_words = f", {sizes['z']} numbers each" if sizes else ""
    alt = (f"Two computation graphs of a VAE, top to bottom. Both: input x{x_words} → "
           f"encoder φ → μ and σ{z_words} → z → decoder θ → loss L. Before the trick, z is a "
           f"random node sampled from N(μ, σ²); the gradient of L comes back through the "
           f"decoder to z and stops there (marked with crosses): a sample has no derivative "
           f"with respect to μ and σ. After the trick, ε ~ N(0, I) is a separate input and "
           f"z = μ + σ⊙ε is a deterministic node, so the gradient flows through z to μ, σ and "
           f"the encoder.")
    return Diagram(figure, alt)
