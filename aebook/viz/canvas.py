"""What every diagram of the book is drawn with (matplotlib only, outside pyplot).

- ``COLOURS``: one (fill, edge) pair per role a bar or node plays, ``ROLES`` their names;
- :class:`Diagram`: what a drawing returns, a figure a notebook shows once, its alt text and,
  for a model, the rows it was drawn from;
- the page: ``WIDTH`` and ``DPI`` (sized for a phone as well as a desktop), the fonts, the ink;
- the primitives: :func:`blank_figure`, :func:`box`, :func:`arrow` and :func:`text_inches`,
  which measures a text so that lines are wrapped by width, not guessed.

Lengths are in inches, y growing downwards, as :func:`blank_figure` sets the axes.
"""
from __future__ import annotations

import io

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyBboxPatch
from matplotlib.textpath import TextToPath

__all__ = ["COLOURS", "ROLES", "Diagram", "WIDTH", "DPI", "LINE", "FONT", "SMALL", "INK",
           "GREY", "blank_figure", "box", "arrow", "text_inches"]

# One colour per role in every diagram of the book: (fill, edge), Okabe-Ito edges, which stay
# apart for colour-blind readers; "special" is noise, sampling, top-k, quantisation, penalties.
COLOURS = {"data": ("#ececec", "#555555"), "encoder": ("#d3e6f5", "#0072B2"),
           "code": ("#fde3b0", "#c98a00"), "decoder": ("#cdebe0", "#009E73"),
           "special": ("#f6d3e5", "#b8558f"), "layer": ("#e4e4f2", "#6a6a9a")}
ROLES = tuple(COLOURS)

# A 4.8-inch figure at 120 dpi is 576 px: shown at that size on a desktop, and scaled by about
# 0.7 on a 400-px phone, where 10.5-point text is still about 12 px high.
WIDTH, DPI = 4.8, 120
LINE = 0.2  # the height of one line of text
FONT, SMALL = 10.5, 9.5
INK, GREY = "#222222", "#555555"
_MEASURE = TextToPath()


class Diagram:
    """A drawing: ``figure`` (a matplotlib Figure, outside pyplot, so nothing shows twice),
    ``alt`` (its text description, for the alt text) and ``rows`` (the trace it was drawn
    from, empty for the reparameterization graph). A notebook cell that ends with a Diagram
    shows the PNG and nothing else."""

    def __init__(self, figure: Figure, alt: str, rows: tuple = ()):
        self.figure, self.alt, self.rows = figure, alt, tuple(rows)

    @property
    def labels(self) -> list:
        """Every string drawn on the figure, in the order drawn (for tests and searches); an
        arrow is a text too, an empty one, left out."""
        return [text.get_text() for ax in self.figure.axes for text in ax.texts if text.get_text()]

    def save(self, path, dpi: float | None = None) -> None:
        """Write the figure, a PNG unless ``path`` ends otherwise, at its own 120 dpi by default
        (not the ``savefig.dpi`` of the book's style: the sizes are chosen for 120)."""
        self.figure.savefig(path, dpi=dpi or self.figure.dpi, facecolor="white")

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()

    def __repr__(self) -> str:
        return f"Diagram({self.alt[:60]!r}...)"


def blank_figure(height: float) -> tuple:
    """(figure, axes) of the book's width and ``height`` inches, the axes filling it in
    inches, with no ticks."""
    # layout="none": the book's style turns on autolayout, whose tight layout cannot handle
    # an axes placed by hand and says so in a warning under the figure
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="none")
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(height, 0)  # y grows downwards: rows are laid out top to bottom
    ax.set_axis_off()
    return figure, ax


def box(ax, x, y, width, height, role, edge=None, lw=1.1, round_=0.06):
    """A rounded box with its top-left corner at (x, y), coloured by ``role``."""
    fill, own_edge = COLOURS[role]
    style = f"round,pad=0,rounding_size={round_}"
    ax.add_patch(FancyBboxPatch((x, y), width, height, boxstyle=style, facecolor=fill,
                                edgecolor=edge or own_edge, linewidth=lw))


def arrow(ax, start, end, colour=INK, style="-|>", lw=1.1, linestyle="-"):
    """An arrow from the point ``start`` to ``end``; ``style="-"`` draws a line."""
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(
        arrowstyle=style, color=colour, lw=lw, linestyle=linestyle, shrinkA=0, shrinkB=0,
        mutation_scale=11))


def text_inches(text: str, size: float, bold: bool = False) -> float:
    """The drawn width of ``text`` in inches, measured with the font, not guessed."""
    font = FontProperties(size=size, weight="bold" if bold else "normal")
    return _MEASURE.get_text_width_height_descent(text, font, ismath=False)[0] / 72
