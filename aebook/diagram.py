"""Schematics of the book's models, drawn from the model itself (matplotlib only).

:func:`trace_model` runs a small example input through a model with a forward hook on every
layer and returns one :class:`Row` per step, with the shape that step really produced, so the
picture cannot disagree with the code. :func:`draw_model` draws those rows top to bottom (an
hourglass: each bar's width grows with the log of the numbers it holds), the code highlighted,
and marks where noise, sparsity (top-k), sampling or quantisation enters.
:func:`draw_reparameterization` draws a VAE's computation graph before and after the
reparameterization trick, with the gradient's path. Both return a :class:`Diagram`: a figure
that a notebook shows once (it is not a pyplot figure), and ``alt``, its text description.

Models are read by duck typing, never by class: ``encoder``/``encode``, ``decoder``/``decode``,
``to_mu`` and ``to_logvar`` (a VAE), ``quantizer`` or ``codebook`` (VQ), an int ``k`` (top-k),
``classes`` (a label input), ``decoder_bias`` / ``decoder_weight`` (tied or unit-norm decoders).
Any other module, e.g. an ``nn.Sequential``, is drawn layer by layer, its narrowest inner layer
taken as the code.
"""
from __future__ import annotations

import dataclasses
import inspect
import io
import math
import re
import textwrap

import torch
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Circle, FancyBboxPatch
from matplotlib.textpath import TextToPath
from torch import nn
from torch.nn import functional as F

__all__ = ["COLOURS", "Row", "Diagram", "trace_model", "draw_model", "draw_reparameterization"]

# One colour per role in every diagram of the book: (fill, edge), Okabe-Ito edges, which stay
# apart for colour-blind readers; "special" is noise, sampling, top-k, quantisation, penalties.
COLOURS = {"data": ("#ececec", "#555555"), "encoder": ("#d3e6f5", "#0072B2"),
           "code": ("#fde3b0", "#c98a00"), "decoder": ("#cdebe0", "#009E73"),
           "special": ("#f6d3e5", "#b8558f"), "layer": ("#e4e4f2", "#6a6a9a")}
ROLES = tuple(COLOURS)
ACTIVATIONS = (nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.Tanh, nn.GELU, nn.SiLU, nn.ELU, nn.Softplus)
PENALTIES = {"l1": "+ L1 penalty in the loss",
             "kl": "+ KL sparsity penalty in the loss",
             "contractive": "+ Jacobian penalty ‖∂code/∂x‖² in the loss"}


@dataclasses.dataclass(frozen=True)
class Row:
    """One step of a model, drawn as one bar.

    role: one of ``ROLES``; title: what the step does ("Linear + ReLU"); shape: what it outputs
    for one example, without the batch dimension, e.g. (256,) or (16, 14, 14); note: a second,
    smaller line; side: a side input drawn left of the bar (ε, the label y); special: what
    enters at this step, if anything ("noise", "sampling", "top-k", "quantisation",
    "penalty", "label"); pair: two bars side by side, as
    ((title, shape), (title, shape)), for the VAE's μ and log σ² heads.
    """

    role: str
    title: str
    shape: tuple
    note: str = ""
    side: str = ""
    special: str = ""
    pair: tuple = ()


class Diagram:
    """A drawn model: ``figure`` (a matplotlib Figure, outside pyplot, so nothing shows twice),
    ``alt`` (the alt text, from the same trace) and ``rows`` (the trace). A notebook cell that
    ends with a Diagram shows the PNG and nothing else."""

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


# --------------------------------------------------------------------------------- tracing

def _shape_text(shape) -> str:
    return "×".join(str(size) for size in shape)


def _numel(shape) -> int:
    return math.prod(shape) if shape else 1


def _layer_title(module: nn.Module) -> str:
    """A short name of one layer, with the kernel and stride that set a feature map's size."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        kind = "transposed conv" if isinstance(module, nn.ConvTranspose2d) else "conv"
        side, stride = module.kernel_size[0], module.stride[0]
        return f"{kind} {side}×{side}" + (f", stride {stride}" if stride > 1 else "")
    if isinstance(module, nn.Upsample):
        return f"upsample ×{module.scale_factor:g} ({module.mode})"
    return type(module).__name__


def _first(value):
    """The first tensor of a layer's input or output (a quantizer returns a tuple)."""
    return value[0] if isinstance(value, (tuple, list)) else value


def _calls(model: nn.Module, call) -> tuple:
    """Run ``call()`` with a forward hook on every leaf layer of ``model`` (a module holding a
    ``codebook`` counts as one layer). Returns (call's result, [(name, module, input, output)])
    in the order the layers ran."""
    events, handles, skip = [], [], ()
    for name, module in model.named_modules():
        if not name or (skip and name.startswith(skip)):
            continue
        atomic = hasattr(module, "codebook")
        if atomic:
            skip = name + "."
        if atomic or not list(module.children()):
            hook = (lambda m, i, o, name=name: events.append((name, m, _first(i), _first(o))))
            handles.append(module.register_forward_hook(hook))
    try:
        result = call()
    finally:
        for handle in handles:
            handle.remove()
    return result, events


def _layer_rows(events, role: str, before: Row) -> list:
    """Rows for a stage's layers, ``before`` (the row feeding the stage) first. Activations
    fold into the layer before them, an unflatten into the shape before it, a flatten into the
    title after it; a flatten that ends the stage is left to the next row to show."""
    rows, prefix = [before], ""
    for index, (_, module, _, output) in enumerate(events):
        shape, last = tuple(output.shape[1:]), rows[-1]
        if isinstance(module, ACTIVATIONS) and len(rows) > 1:
            rows[-1] = dataclasses.replace(last, title=f"{last.title} + {type(module).__name__}")
        elif isinstance(module, nn.Unflatten):
            rows[-1] = dataclasses.replace(last, shape=shape,
                                           note=f"reshaped from {_shape_text(last.shape)}")
        elif isinstance(module, nn.Flatten):
            prefix = "flatten, " if index < len(events) - 1 else ""
        else:
            rows.append(Row(role, prefix + _layer_title(module), shape))
            prefix = ""
    return rows


def _operation(before: torch.Tensor, after: torch.Tensor, k=None) -> str | None:
    """Name the step from ``before`` to ``after`` done outside any layer (a function in
    ``encode``): "" (none), "Sigmoid", "ReLU", "Tanh", "top-k", "top-k + ReLU"; None if unknown,
    named as the layers of the same function are, so the labels read alike."""
    if before.shape != after.shape:
        return None
    candidates = [("", before), ("Sigmoid", torch.sigmoid(before)), ("ReLU", F.relu(before)),
                  ("Tanh", torch.tanh(before))]
    if isinstance(k, int) and before.dim() == 2 and 1 <= k <= before.shape[1]:
        values, indices = before.topk(k, dim=1)
        kept = torch.zeros_like(before).scatter(1, indices, values)
        candidates[1:1] = [("top-k", kept), ("top-k + ReLU", F.relu(kept))]
    for name, candidate in candidates:
        if torch.allclose(candidate, after, atol=1e-5):
            return name
    return None


def _example(model: nn.Module) -> torch.Tensor:
    """A batch of two inputs that fit ``model``'s first layer, in [0, 1]."""
    first = next((m for m in model.modules() if not list(m.children())
                  or hasattr(m, "codebook")), None)
    side = getattr(model, "image_size", 28)
    if hasattr(first, "codebook"):
        shape = (first.codebook.weight.shape[1], 7, 7)
    elif isinstance(first, nn.Unflatten):
        shape = (_numel(first.unflattened_size),)
    elif isinstance(first, nn.Linear):
        shape = (first.in_features - getattr(model, "classes", 0),)
    elif isinstance(first, nn.Conv2d):
        shape = (first.in_channels, side, side)
    else:
        raise ValueError(f"cannot guess an input for {type(model).__name__}: pass example=")
    return torch.rand((2, *shape), generator=torch.Generator().manual_seed(0))


def _check_text(name: str, value) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value.strip()


def trace_model(model: nn.Module, example: torch.Tensor | None = None, *,
                noise: str | None = None, penalty: str | None = None) -> tuple:
    """The rows a diagram of ``model`` draws, from one pass of ``example`` through it.

    Args:
        model: any ``nn.Module``; autoencoders are read by duck typing (see the module's doc).
        example: (batch, ...) one input batch; by default guessed from the first layer
            (a flat 784, or 1×28×28 for a first convolution).
        noise: how a denoising autoencoder corrupts its input, e.g. "masking, 30 % of pixels":
            the noise is in the training loop, not in the module, so it is an argument.
        penalty: a penalty on the code added by the loss: "l1", "kl", "contractive" or any text.
    Returns:
        a tuple of :class:`Row`, input first. The model's parameters, its train/eval mode and
        the random number generators are left as they were.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    noise = None if noise is None else _check_text("noise", noise)
    penalty = None if penalty is None else _check_text("penalty", penalty)
    if example is None:
        example = _example(model)
    if not isinstance(example, torch.Tensor) or not example.is_floating_point():
        raise TypeError(f"example must be a floating-point torch.Tensor, "
                        f"got {type(example).__name__}")
    if example.dim() < 2 or len(example) == 0:
        raise ValueError(f"example must be a (batch, ...) tensor with a row, "
                         f"got {tuple(example.shape)}")
    parameter = next(model.parameters(), None)
    device = parameter.device if parameter is not None else torch.device("cpu")
    modes = {module: module.training for module in model.modules()}
    # the trace must not move the chapter's random numbers (a VAE samples ε), nor its model:
    # eval mode keeps batch statistics as they are, no_grad keeps the weights' gradients
    forked = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=forked), torch.no_grad():
        model.eval()
        try:
            rows = _trace(model, example.to(device), noise, penalty)
        except (RuntimeError, IndexError) as error:
            raise ValueError(f"example of shape {tuple(example.shape)} does not fit "
                             f"{type(model).__name__}: {error}") from error
        finally:
            for module, training in modes.items():
                module.training = training
    return tuple(rows)


def _trace(model, x, noise, penalty) -> list:
    rows = [Row("data", "input x", tuple(x.shape[1:]))]
    if noise:
        rows.append(Row("special", "corrupt x into x̃", rows[0].shape, note=noise,
                        special="noise"))
    encoder, decoder = getattr(model, "encoder", None), getattr(model, "decoder", None)
    if hasattr(model, "codebook") and not isinstance(encoder, nn.Module):
        rows[0] = dataclasses.replace(rows[0], title="input: encoder output z")
        return rows + _quantizer_rows(model, x)[0]
    if not isinstance(encoder, nn.Module):
        return _generic_rows(model, x, rows)
    labels = _labels(model, x)
    encode = getattr(model, "encode", encoder)
    code, events = _calls(model, lambda: encode(x, *labels))
    heads = [e for e in events if e[0].startswith(("to_mu", "to_logvar"))]
    layers = [e for e in events if e not in heads]
    rows = rows[:-1] + _layer_rows(layers, "encoder", rows[-1])
    if labels and layers:  # the label joins the input: the first layer's width says by how much
        index = next(i for i, row in enumerate(rows) if row.role == "encoder")
        rows[index] = dataclasses.replace(rows[index], side="y", special="label",
                                          note=f"input x ⊕ y: {layers[0][2].shape[1]}")
    if hasattr(model, "to_mu") and hasattr(model, "to_logvar"):
        mu, logvar = code
        kind = _layer_title(heads[0][1]) if heads else "two"
        rows.append(Row("encoder", f"{kind} heads μ, log σ²", (),
                        pair=(("μ", tuple(mu.shape[1:])), ("log σ²", tuple(logvar.shape[1:])))))
        rows.append(Row("code", "code z = μ + σ⊙ε", tuple(mu.shape[1:]), side="ε",
                        note="sampling: ε ~ N(0, I)", special="sampling"))
        code = mu
    elif isinstance(getattr(model, "quantizer", None), nn.Module):
        quantized_rows, code = _quantizer_rows(model.quantizer, code)
        rows += quantized_rows
    else:
        operation = _operation(layers[-1][3], code, getattr(model, "k", None)) if layers else None
        rows = _mark_code(model, rows, code, operation)
    if penalty:
        rows[-1] = dataclasses.replace(rows[-1], special="penalty",
                                       note=PENALTIES.get(penalty.lower(), penalty))
    return rows + _decoder_rows(model, decoder, code, labels, rows[-1])


def _labels(model, x) -> tuple:
    """A one-hot label batch for a model whose encode takes one (a conditional VAE), else ()."""
    classes, encode = getattr(model, "classes", None), getattr(model, "encode", None)
    if not isinstance(classes, int) or encode is None:
        return ()
    if len(inspect.signature(encode).parameters) < 2:
        return ()
    return (F.one_hot(torch.zeros(len(x), dtype=torch.long), classes).to(x),)


def _mark_code(model, rows, code, operation) -> list:
    """Mark the row that outputs the code; a step done in ``encode`` after the last layer
    (``operation``, see :func:`_operation`) joins that row, or gets its own row for top-k."""
    shape, last = tuple(code.shape[1:]), rows[-1]
    if operation is None:
        return rows + [Row("code", "code (a step inside encode)", shape)]
    if operation.startswith("top-k"):
        title = "keep the k largest" + (", ReLU" if operation.endswith("ReLU") else "")
        return rows + [Row("code", title, shape, special="top-k",
                           note=f"top-k: k = {model.k} of {_numel(shape)} kept")]
    title = f"{last.title} + {operation}" if operation else last.title
    return rows[:-1] + [dataclasses.replace(last, role="code", title=title, shape=shape)]


def _quantizer_rows(quantizer, z) -> tuple:
    """([the quantisation row], the quantized tensor) for a module with a ``codebook``."""
    quantized, tokens = quantizer(z)[:2]
    size = quantizer.codebook.weight.shape[0]
    return [Row("code", "nearest codebook vector", tuple(quantized.shape[1:]),
                note=f"{_shape_text(tokens.shape[1:])} tokens, from K = {size} vectors",
                special="quantisation")], quantized


def _tied_title(model, code, out) -> str:
    """Name a decoder that is no layer of its own: tied weights Wᵀ or a unit-norm dictionary."""
    if hasattr(model, "decoder_weight"):
        name, weight = "Linear, unit-norm dictionary", model.decoder_weight
    elif isinstance(model.encoder, nn.Linear):
        name, weight = "Linear, tied weights Wᵀ", model.encoder.weight.t()
    else:
        return "decode (no layer of its own)"
    try:
        operation = _operation(F.linear(code, weight, getattr(model, "decoder_bias", None)), out)
    except RuntimeError:
        operation = None
    if operation is None:
        return "decode (no layer of its own)"
    return f"{name} + {operation}" if operation else name


def _decoder_rows(model, decoder, code, labels, code_row) -> list:
    """The decoder's rows, from a trace of ``decode(code)``, and the output row."""
    decode = getattr(model, "decode", decoder)
    if decode is None:
        return []
    out, events = _calls(model, lambda: decode(code, *labels))
    if events:
        rows = _layer_rows(events, "decoder", code_row)[1:]
    else:
        rows = [Row("decoder", _tied_title(model, code, out), tuple(out.shape[1:]))]
    if labels and events:  # the label joins the code: the first layer's width says so
        symbol = "z" if hasattr(model, "to_mu") else "code"
        rows[0] = dataclasses.replace(rows[0], side="y", special="label",
                                      note=f"input {symbol} ⊕ y: {events[0][2].shape[1]}")
    # a VAE's decoder gives logits (negative_elbo takes them), unless it ends with a sigmoid
    logits = hasattr(model, "to_mu") and not rows[-1].title.endswith("Sigmoid")
    title = "output: logits of x̂" if logits else "output: reconstruction x̂"
    return rows + [Row("data", title, tuple(out.shape[1:]))]


def _generic_rows(model, x, rows) -> list:
    """Any other module: its layers in the order they ran; the narrowest inner one, if narrower
    than both ends, is the code, the layers before it the encoder and after it the decoder."""
    out, events = _calls(model, lambda: model(x))
    rows = _layer_rows(events, "layer", rows[-1])
    sizes = [_numel(row.shape) for row in rows]
    inner = range(1, len(rows) - 1)
    if inner and min(sizes[i] for i in inner) < min(sizes[0], sizes[-1]):
        code = min(inner, key=sizes.__getitem__)
        rows = [rows[0]] + [dataclasses.replace(row, role="encoder" if i < code else
                                                "code" if i == code else "decoder")
                            for i, row in enumerate(rows) if i > 0]
    return rows + [Row("data", "output", tuple(_first(out).shape[1:]))]


def _names_the_code(title: str) -> bool:
    """Whether a title already says "code" ("code z = μ + σ⊙ε"; "codebook" does not count)."""
    return re.search(r"\bcode\b", title) is not None


def _shape_words(shape) -> str:
    if len(shape) == 3:
        return f"{shape[0]} channel{'s' * (shape[0] != 1)} of {shape[1]}×{shape[2]}"
    return f"{_numel(shape)} numbers" if len(shape) <= 1 else f"shape {_shape_text(shape)}"


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


# --------------------------------------------------------------------------------- drawing
# Lengths in inches. A 4.8-inch figure at 120 dpi is 576 px: shown at that size on a desktop,
# and scaled by about 0.7 on a 400-px phone, where 10.5-point text is still about 12 px high.
_WIDTH, _DPI = 4.8, 120
_CENTRE, _BAR_MIN, _BAR_MAX, _BAR_H, _GAP = 1.3, 0.62, 1.9, 0.36, 0.3
_TEXT_X, _LINE = 2.45, 0.2
_SIDE_X, _SIDE_R = 0.22, 0.15
_FONT, _SMALL = 10.5, 9.5
_INK, _GREY = "#222222", "#555555"
_MEASURE = TextToPath()


def _box(ax, x, y, width, height, role, edge=None, lw=1.1, round_=0.06):
    """A rounded box with its top-left corner at (x, y), coloured by ``role``."""
    fill, own_edge = COLOURS[role]
    style = f"round,pad=0,rounding_size={round_}"
    ax.add_patch(FancyBboxPatch((x, y), width, height, boxstyle=style, facecolor=fill,
                                edgecolor=edge or own_edge, linewidth=lw))


def _arrow(ax, start, end, colour=_INK, style="-|>", lw=1.1, linestyle="-"):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(
        arrowstyle=style, color=colour, lw=lw, linestyle=linestyle, shrinkA=0, shrinkB=0,
        mutation_scale=11))


def _legend_places(entries) -> list:
    """Where each legend entry goes, (x, line), wrapped to the figure's width."""
    places, x, line = [], 0.15, 0
    for label, _ in entries:
        width = 0.22 + _inches(label, _SMALL)
        if x + width > _WIDTH - 0.1:
            x, line = 0.15, line + 1
        places.append((x, line))
        x += width + 0.18
    return places


def _legend(ax, entries, top: float) -> None:
    """Coloured squares with their names, from ``top`` down."""
    for (label, role), (x, line) in zip(entries, _legend_places(entries)):
        y = top + 0.1 + 0.27 * line
        _box(ax, x, y - 0.08, 0.16, 0.16, role, round_=0.03)
        ax.text(x + 0.22, y, label, fontsize=_SMALL, va="center", color=_INK)


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
    return _wrap(row.title, _FONT, bold=row.role == "code"), _wrap(note, _SMALL)


def _inches(text: str, size: float, bold: bool = False) -> float:
    """The drawn width of ``text`` in inches, measured with the font, not guessed."""
    font = FontProperties(size=size, weight="bold" if bold else "normal")
    return _MEASURE.get_text_width_height_descent(text, font, ismath=False)[0] / 72


def _wrap(text: str, size: float, bold: bool = False) -> list:
    """Lines that fit the text column; "+ ReLU" stays together, so a line breaks before a +."""
    glue = "\N{NO-BREAK SPACE}"
    glued = text.replace("+ ", "+" + glue).replace(" = ", f"{glue}={glue}")
    words = [word for word in glued.split(" ") if word]  # split() would split at a glue too
    lines = []
    for word in words:
        if lines and _inches(f"{lines[-1]} {word}", size, bold) <= _WIDTH - _TEXT_X - 0.1:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return [line.replace(glue, " ") for line in lines]


def _draw_row(ax, row, centre, largest, above) -> list:
    """Draw one row centred at height ``centre``, with arrows from the points ``above``;
    returns the points below its bars, where the next arrows start."""
    top, special = centre - _BAR_H / 2, COLOURS["special"][1]
    scale = (_BAR_MAX - _BAR_MIN) / math.log(max(largest, 2))
    items = row.pair or ((_shape_text(row.shape), row.shape),)
    width = max(_BAR_MIN + scale * math.log(_numel(shape)) for _, shape in items)
    if row.pair:  # two heads side by side, each half as wide as one bar would be
        width = max(0.95, width / 2)
        xs = (_CENTRE - width / 2 - 0.06, _CENTRE + width / 2 + 0.06)
    else:
        xs = (_CENTRE,)
    for (label, shape), x in zip(items, xs):
        for point in above:
            _arrow(ax, point, (x, top))
        edge = special if row.special and row.role != "special" else None
        bold = row.role == "code"
        _box(ax, x - width / 2, top, width, _BAR_H, row.role, edge=edge,
             lw=2.2 if bold or row.special else 1.1)
        text = f"{label}: {_shape_text(shape)}" if row.pair else label
        ax.text(x, centre, text, ha="center", va="center", fontsize=_FONT, color=_INK,
                fontweight="bold" if bold else "normal")
    if row.side:
        ax.add_patch(Circle((_SIDE_X, centre), _SIDE_R, facecolor=COLOURS["special"][0],
                            edgecolor=special, linewidth=1.4))
        ax.text(_SIDE_X, centre, row.side, ha="center", va="center", fontsize=_FONT, color=_INK)
        _arrow(ax, (_SIDE_X + _SIDE_R, centre), (xs[0] - width / 2, centre), colour=special)
    titles, notes = _text_lines(row)
    y = centre - (len(titles) + len(notes) - 1) * _LINE / 2
    for line in titles:
        ax.text(_TEXT_X, y, line, fontsize=_FONT, va="center", color=_INK,
                fontweight="bold" if row.role == "code" else "normal")
        y += _LINE
    for line in notes:
        ax.text(_TEXT_X, y, line, fontsize=_SMALL, va="center",
                color=special if row.special else _GREY)
        y += _LINE
    return [(x, centre + _BAR_H / 2) for x in xs]


def _figure(height: float):
    # layout="none": the book's style turns on autolayout, whose tight layout cannot handle
    # an axes placed by hand and says so in a warning under the figure
    figure = Figure(figsize=(_WIDTH, height), dpi=_DPI, layout="none")
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, _WIDTH)
    ax.set_ylim(height, 0)  # y grows downwards: rows are laid out top to bottom
    ax.set_axis_off()
    return figure, ax


def _draw_rows(rows, title: str) -> Figure:
    heights = [max(_BAR_H + 0.04, sum(map(len, _text_lines(row))) * _LINE + 0.04) for row in rows]
    entries = _legend_entries(rows)
    header = 0.82 + 0.27 * _legend_places(entries)[-1][1]
    figure, ax = _figure(header + sum(heights) + _GAP * (len(rows) - 1) + 0.12)
    ax.text(0.15, 0.28, title, fontsize=12.5, fontweight="bold", va="center", color=_INK)
    _legend(ax, entries, 0.5)
    largest = max(_numel(shape) for row in rows for shape in
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


# ------------------------------------------------------ the reparameterization trick, drawn
_GRADIENT = "#D55E00"  # vermillion: the gradient's path, apart from the role colours


def _node(ax, centre, role, text, width, pill=False):
    """A box (a pill for a random node) centred at ``centre``, with ``text`` inside."""
    _box(ax, centre[0] - width / 2, centre[1] - 0.18, width, 0.36, role,
         round_=0.18 if pill else 0.06, lw=1.8 if pill else 1.1)
    ax.text(*centre, text, ha="center", va="center", fontsize=_FONT, color=_INK)


def _graph_legend(ax, top: float) -> None:
    """Forward arrow, gradient arrow, random node: what the two graphs are drawn with."""
    _arrow(ax, (0.15, top), (0.5, top))
    ax.text(0.58, top, "forward", fontsize=_SMALL, va="center", color=_INK)
    _arrow(ax, (1.45, top), (1.8, top), colour=_GRADIENT, linestyle="--")
    ax.text(1.88, top, "gradient ∂L/∂·", fontsize=_SMALL, va="center", color=_INK)
    _box(ax, 3.2, top - 0.09, 0.3, 0.18, "special", round_=0.09, lw=1.6)
    ax.text(3.58, top, "random", fontsize=_SMALL, va="center", color=_INK)


def _graph_panel(ax, left: float, after: bool, sizes: dict) -> None:
    """One graph, x at the top and the loss at the bottom; forward arrows go down the middle,
    the gradient's dashed arrows come back up beside them (μ's on the left, σ's on the right)."""
    c, half = left + 1.05, 0.18  # the graph's centre line; half a box's height
    y = {"x": 1.35, "encoder": 1.95, "heads": 2.65, "z": 3.35, "decoder": 4.0, "loss": 4.6}
    heading = "After: ε is an input" if after else "Before: z is sampled"
    ax.text(left + 0.12, 0.95, heading, fontsize=_FONT, fontweight="bold", va="center",
            color=_INK)
    _node(ax, (c, y["x"]), "data", "x" + sizes.get("x", ""), 1.1)
    _node(ax, (c, y["encoder"]), "encoder", "encoder φ", 1.5)
    _node(ax, (c - 0.45, y["heads"]), "encoder", "μ" + sizes.get("z", ""), 0.8)
    _node(ax, (c + 0.45, y["heads"]), "encoder", "σ" + sizes.get("z", ""), 0.8)
    if after:
        _node(ax, (c, y["z"]), "code", "z = μ + σ⊙ε", 1.5)
        epsilon, special = (left + 2.12, y["z"]), COLOURS["special"]
        ax.add_patch(Circle(epsilon, 0.17, facecolor=special[0], edgecolor=special[1], lw=1.8))
        ax.text(*epsilon, "ε", ha="center", va="center", fontsize=_FONT, color=_INK)
        _arrow(ax, (epsilon[0] - 0.17, y["z"]), (c + 0.75, y["z"]))
        ax.text(left + 2.36, y["z"] + 0.32, "ε ~ N(0, I)", ha="right", va="center",
                fontsize=_SMALL - 1, color=special[1])
    else:
        _node(ax, (c, y["z"]), "special", "z ~ N(μ, σ²)", 1.5, pill=True)
    _node(ax, (c, y["decoder"]), "decoder", "decoder θ", 1.5)
    _node(ax, (c, y["loss"]), "data", "loss L", 1.1)
    down = [((c, "x"), (c, "encoder")), ((c - 0.2, "encoder"), (c - 0.45, "heads")),
            ((c + 0.2, "encoder"), (c + 0.45, "heads")), ((c - 0.45, "heads"), (c - 0.2, "z")),
            ((c + 0.45, "heads"), (c + 0.2, "z")), ((c, "z"), (c, "decoder")),
            ((c, "decoder"), (c, "loss"))]
    for (x0, start), (x1, end) in down:
        _arrow(ax, (x0, y[start] + half), (x1, y[end] - half))
    back = [(c + 0.3, "loss", "decoder"), (c + 0.3, "decoder", "z")]
    if after:
        back += [(x, start, end) for x in (c - 0.62, c + 0.62)
                 for start, end in (("z", "heads"), ("heads", "encoder"))]
    for x, start, end in back:
        _arrow(ax, (x, y[start] - half), (x, y[end] + half), colour=_GRADIENT, linestyle="--")
    if not after:  # the gradient stops at the sample: a stub and a cross where it would go on
        for x in (c - 0.62, c + 0.62):
            stop = (y["heads"] + y["z"]) / 2
            _arrow(ax, (x, y["z"] - half), (x, stop + 0.06), colour=_GRADIENT, style="-",
                   linestyle="--")
            ax.text(x, stop, "✗", ha="center", va="center", fontsize=13, color=_GRADIENT,
                    fontweight="bold")
    note = ("the gradient flows through z to μ, σ and the encoder" if after else
            "the gradient stops at the sample z: no ∂z/∂μ, no ∂z/∂σ")
    for index, line in enumerate(textwrap.wrap(note, 26)):
        ax.text(left + 0.12, 5.1 + index * _LINE, line, fontsize=_SMALL, va="center",
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
        sizes = {"x": _shape_text(rows[0].shape), "z": _shape_text(code.shape)}
    figure, ax = _figure(5.65)
    ax.text(0.15, 0.28, "The reparameterization trick", fontsize=12.5, fontweight="bold",
            va="center", color=_INK)
    _graph_legend(ax, 0.6)
    for left, after in ((0.0, False), (_WIDTH / 2, True)):
        _graph_panel(ax, left, after, {key: f": {size}" for key, size in sizes.items()})
    ax.plot([_WIDTH / 2, _WIDTH / 2], [0.85, 5.5], color="#cccccc", lw=1)
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
