"""Drawing a model: :func:`draw_model`, a schematic drawn from a trace of the model itself.

The rows of :func:`aebook.viz.trace.trace_model` are drawn top to bottom as an hourglass: one
bar per step, each bar's width growing with the log of the numbers the step outputs, the code
bold, and a pink edge or side input where noise, sparsity (top-k), sampling, quantisation or
a label enters. The alt text is written from the same rows, so picture and words agree. The
result is a :class:`aebook.viz.canvas.Diagram`.
"""
from __future__ import annotations

import math
import re

import torch
from matplotlib.figure import Figure
from matplotlib.patches import Circle
from torch import nn

from .canvas import (
    COLOURS,
    FONT,
    GREY,
    INK,
    LINE,
    SMALL,
    WIDTH,
    Diagram,
    arrow,
    blank_figure,
    box,
    text_inches,
)
from .layers import numel, shape_text
from .trace import trace_model

__all__ = ["draw_model"]

# The bars' column: its centre, a bar's narrowest and widest (log-scaled between), its height,
# the gap between rows; the text column starts at _TEXT_X; a side input's circle at _SIDE_X.
_CENTRE, _BAR_MIN, _BAR_MAX, _BAR_H, _GAP = 1.3, 0.62, 1.9, 0.36, 0.3
_TEXT_X = 2.45
_SIDE_X, _SIDE_R = 0.22, 0.15


def _legend_places(entries) -> list:
    """Where each legend entry goes, (x, line), wrapped to the figure's width."""
    places, x, line = [], 0.15, 0
    for label, _ in entries:
        width = 0.22 + text_inches(label, SMALL)
        if x + width > WIDTH - 0.1:
            x, line = 0.15, line + 1
        places.append((x, line))
        x += width + 0.18
    return places


def _legend(ax, entries, top: float) -> None:
    """Coloured squares with their names, from ``top`` down."""
    for (label, role), (x, line) in zip(entries, _legend_places(entries)):
        y = top + 0.1 + 0.27 * line
        box(ax, x, y - 0.08, 0.16, 0.16, role, round_=0.03)
        ax.text(x + 0.22, y, label, fontsize=SMALL, va="center", color=INK)


def _legend_entries(rows) -> list:
    names = {"data": "input / output", "encoder": "encoder", "code": "code",
             "decoder": "decoder", "layer": "layer"}
    present = {row.role for row in rows}
    entries = [(names[role], role) for role in names if role in present]
    kinds = list(dict.fromkeys(row.special for row in rows if row.special))
    if kinds:
        entries.append((", ".join("label y" if kind == "label" else kind for kind in kinds),
                        "special"))
    return entries


def _text_lines(row) -> tuple:
    """The row's title and note, wrapped; a code row without a note says it is the code."""
    note = row.note or ("the code" if row.role == "code" and not _names_the_code(row.title) else "")
    return _wrap(row.title, FONT, bold=row.role == "code"), _wrap(note, SMALL)


def _wrap(text: str, size: float, bold: bool = False) -> list:
    """Lines that fit the text column; "+ ReLU" stays together, so a line breaks before a +."""
    glue = "\N{NO-BREAK SPACE}"
    glued = text.replace("+ ", "+" + glue).replace(" = ", f"{glue}={glue}")
    words = [word for word in glued.split(" ") if word]  # split() would split at a glue too
    lines = []
    for word in words:
        if lines and text_inches(f"{lines[-1]} {word}", size, bold) <= WIDTH - _TEXT_X - 0.1:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return [line.replace(glue, " ") for line in lines]


def _draw_row(ax, row, centre, largest, above) -> list:
    """Draw one row centred at height ``centre``, with arrows from the points ``above``;
    returns the points below its bars, where the next arrows start."""
    top, special = centre - _BAR_H / 2, COLOURS["special"][1]
    scale = (_BAR_MAX - _BAR_MIN) / math.log(max(largest, 2))
    items = row.pair or ((shape_text(row.shape), row.shape),)
    width = max(_BAR_MIN + scale * math.log(numel(shape)) for _, shape in items)
    if row.pair:  # two heads side by side, each half as wide as one bar would be
        width = max(0.95, width / 2)
        xs = (_CENTRE - width / 2 - 0.06, _CENTRE + width / 2 + 0.06)
    else:
        xs = (_CENTRE,)
    for (label, shape), x in zip(items, xs):
        for point in above:
            arrow(ax, point, (x, top))
        edge = special if row.special and row.role != "special" else None
        bold = row.role == "code"
        box(ax, x - width / 2, top, width, _BAR_H, row.role, edge=edge,
             lw=2.2 if bold or row.special else 1.1)
        text = f"{label}: {shape_text(shape)}" if row.pair else label
        ax.text(x, centre, text, ha="center", va="center", fontsize=FONT, color=INK,
                fontweight="bold" if bold else "normal")
    if row.side:
        ax.add_patch(Circle((_SIDE_X, centre), _SIDE_R, facecolor=COLOURS["special"][0],
                            edgecolor=special, linewidth=1.4))
        ax.text(_SIDE_X, centre, row.side, ha="center", va="center", fontsize=FONT, color=INK)
        arrow(ax, (_SIDE_X + _SIDE_R, centre), (xs[0] - width / 2, centre), colour=special)
    titles, notes = _text_lines(row)
    y = centre - (len(titles) + len(notes) - 1) * LINE / 2
    for line in titles:
        ax.text(_TEXT_X, y, line, fontsize=FONT, va="center", color=INK,
                fontweight="bold" if row.role == "code" else "normal")
        y += LINE
    for line in notes:
        ax.text(_TEXT_X, y, line, fontsize=SMALL, va="center",
                color=special if row.special else GREY)
        y += LINE
    return [(x, centre + _BAR_H / 2) for x in xs]


def _draw_rows(rows, title: str) -> Figure:
    heights = [max(_BAR_H + 0.04, sum(map(len, _text_lines(row))) * LINE + 0.04) for row in rows]
    entries = _legend_entries(rows)
    header = 0.82 + 0.27 * _legend_places(entries)[-1][1]
    figure, ax = blank_figure(header + sum(heights) + _GAP * (len(rows) - 1) + 0.12)
    ax.text(0.15, 0.28, title, fontsize=12.5, fontweight="bold", va="center", color=INK)
    _legend(ax, entries, 0.5)
    largest = max(numel(shape) for row in rows for shape in
                  ([s for _, s in row.pair] if row.pair else [row.shape]))
    y, above = header, []
    for row, height in zip(rows, heights):
        above = _draw_row(ax, row, y + height / 2, largest, above)
        y += height + _GAP
    return figure


def draw_model(model: nn.Module, example: torch.Tensor | None = None, *, noise: str | None = None,
               penalty: str | None = None, title: str | None = None) -> Diagram:
    """Draw ``model`` top to bottom, one bar per step, from a trace of ``example`` through it.

    Each bar's width grows with the log of the numbers the step outputs and holds its shape
    (a width, or C×H×W feature maps); the code is bold; where noise, the label, top-k,
    sampling or quantisation enters, the bar has a pink edge or a pink side input.

    Args:
        model, example, noise, penalty: as in :func:`trace_model`.
        title: the heading; the model's class name by default.
    Returns:
        a :class:`Diagram`; ``diagram.alt`` describes it in words for the alt text.
    """
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {type(title).__name__}")
    rows = trace_model(model, example, noise=noise, penalty=penalty)
    name = title or type(model).__name__
    return Diagram(_draw_rows(rows, name), _alt(name, rows), rows)


def _names_the_code(title: str) -> bool:
    """Whether a title already says "code" ("code z = μ + σ⊙ε"; "codebook" does not count)."""
    return re.search(r"\bcode\b", title) is not None


def _shape_words(shape) -> str:
    if len(shape) == 3:
        return f"{shape[0]} channel{'s' * (shape[0] != 1)} of {shape[1]}×{shape[2]}"
    return f"{numel(shape)} numbers" if len(shape) <= 1 else f"shape {shape_text(shape)}"


def _alt(name: str, rows) -> str:
    """The alt text: every row in order, with its shape, and the code's size."""
    words = {"data": "", "encoder": "encoder: ", "code": "the code: ", "decoder": "decoder: ",
             "special": "", "layer": "layer: "}
    parts = []
    for row in rows:
        if row.pair:
            parts.append(f"encoder: {row.title}, {_shape_words(row.pair[0][1])} each")
            continue
        role = "" if row.role == "code" and _names_the_code(row.title) else words[row.role]
        text = f"{role}{row.title}, {_shape_words(row.shape)}"
        parts.append(text + (f" ({row.note})" if row.note else ""))
    codes = [row for row in rows if row.role == "code"]
    end = f" The code holds {_shape_words(codes[0].shape)}." if codes else ""
    return f"Diagram of {name}, top to bottom: " + "; ".join(parts) + "." + end
