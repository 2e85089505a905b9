"""Tracing a model into rows, the steps a diagram draws (torch only: nothing is drawn here).

:func:`trace_model` runs a small example input through a model with a forward hook on every
layer (:mod:`aebook.viz.layers`) and returns one :class:`Row` per step, with the shape that
step really produced, so a picture drawn from the rows cannot disagree with the code. It marks
the code, and where noise, sparsity (top-k), sampling, quantisation or a label enters.

Models are read by duck typing, never by class: ``encoder``/``encode``, ``decoder``/``decode``,
``to_mu`` and ``to_logvar`` (a VAE), ``quantizer`` or ``codebook`` (VQ), an int ``k`` (top-k),
``classes`` (a label input), ``decoder_bias`` / ``decoder_weight`` (tied or unit-norm decoders).
Any other module, e.g. an ``nn.Sequential``, is read layer by layer, its narrowest inner layer
taken as the code.
"""
from __future__ import annotations

import dataclasses
import inspect

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import check_text
from .layers import (
    first_tensor,
    guess_example,
    hooked_calls,
    layer_title,
    name_operation,
    numel,
    shape_text,
)

__all__ = ["Row", "trace_model"]

# layers that fold into the row of the layer before them ("Linear + ReLU")
ACTIVATIONS = (nn.ReLU, nn.LeakyReLU, nn.Sigmoid, nn.Tanh, nn.GELU, nn.SiLU, nn.ELU, nn.Softplus)
# what a penalty in the loss is called in a diagram, by its short name
PENALTIES = {"l1": "+ L1 penalty in the loss",
             "kl": "+ KL sparsity penalty in the loss",
             "contractive": "+ Jacobian penalty ‖∂code/∂x‖² in the loss"}


@dataclasses.dataclass(frozen=True)
class Row:
    """One step of a model, drawn as one bar.

    role: one of ``aebook.viz.canvas.ROLES`` ("data", "encoder", "code", "decoder",
    "special", "layer"), which sets the bar's colour; title: what the step does
    ("Linear + ReLU"); shape: what it outputs for one example, without the batch dimension,
    e.g. (256,) or (16, 14, 14); note: a second, smaller line; side: a side input drawn left of
    the bar (ε, the label y); special: what enters at this step, if anything ("noise",
    "sampling", "top-k", "quantisation", "penalty", "label"); pair: two bars side by side, as
    ((title, shape), (title, shape)), for the VAE's μ and log σ² heads.
    """

    role: str
    title: str
    shape: tuple
    note: str = ""
    side: str = ""
    special: str = ""
    pair: tuple = ()


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
                                           note=f"reshaped from {shape_text(last.shape)}")
        elif isinstance(module, nn.Flatten):
            prefix = "flatten, " if index < len(events) - 1 else ""
        else:
            rows.append(Row(role, prefix + layer_title(module), shape))
            prefix = ""
    return rows


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
    noise = check_text("noise", noise)
    penalty = check_text("penalty", penalty)
    if example is None:
        example = guess_example(model)
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
    code, events = hooked_calls(model, lambda: encode(x, *labels))
    heads = [e for e in events if e[0].startswith(("to_mu", "to_logvar"))]
    layers = [e for e in events if e not in heads]
    rows = rows[:-1] + _layer_rows(layers, "encoder", rows[-1])
    if labels and layers:  # the label joins the input: the first layer's width says by how much
        index = next(i for i, row in enumerate(rows) if row.role == "encoder")
        rows[index] = dataclasses.replace(rows[index], side="y", special="label",
                                          note=f"input x ⊕ y: {layers[0][2].shape[1]}")
    if hasattr(model, "to_mu") and hasattr(model, "to_logvar"):
        mu, logvar = code
        kind = layer_title(heads[0][1]) if heads else "two"
        rows.append(Row("encoder", f"{kind} heads μ, log σ²", (),
                        pair=(("μ", tuple(mu.shape[1:])), ("log σ²", tuple(logvar.shape[1:])))))
        rows.append(Row("code", "code z = μ + σ⊙ε", tuple(mu.shape[1:]), side="ε",
                        note="sampling: ε ~ N(0, I)", special="sampling"))
        code = mu
    elif isinstance(getattr(model, "quantizer", None), nn.Module):
        quantized_rows, code = _quantizer_rows(model.quantizer, code)
        rows += quantized_rows
    else:
        operation = name_operation(layers[-1][3], code, getattr(model, "k", None)) if layers else None
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
    (``operation``, see :func:`name_operation`) joins that row, or gets its own row for top-k."""
    shape, last = tuple(code.shape[1:]), rows[-1]
    if operation is None:
        return rows + [Row("code", "code (a step inside encode)", shape)]
    if operation.startswith("top-k"):
        title = "keep the k largest" + (", ReLU" if operation.endswith("ReLU") else "")
        return rows + [Row("code", title, shape, special="top-k",
                           note=f"top-k: k = {model.k} of {numel(shape)} kept")]
    title = f"{last.title} + {operation}" if operation else last.title
    return rows[:-1] + [dataclasses.replace(last, role="code", title=title, shape=shape)]


def _quantizer_rows(quantizer, z) -> tuple:
    """([the quantisation row], the quantized tensor) for a module with a ``codebook``."""
    quantized, tokens = quantizer(z)[:2]
    size = quantizer.codebook.weight.shape[0]
    return [Row("code", "nearest codebook vector", tuple(quantized.shape[1:]),
                note=f"{shape_text(tokens.shape[1:])} tokens, from K = {size} vectors",
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
        operation = name_operation(F.linear(code, weight, getattr(model, "decoder_bias", None)), out)
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
    out, events = hooked_calls(model, lambda: decode(code, *labels))
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
    out, events = hooked_calls(model, lambda: model(x))
    rows = _layer_rows(events, "layer", rows[-1])
    sizes = [numel(row.shape) for row in rows]
    inner = range(1, len(rows) - 1)
    if inner and min(sizes[i] for i in inner) < min(sizes[0], sizes[-1]):
        code = min(inner, key=sizes.__getitem__)
        rows = [rows[0]] + [dataclasses.replace(row, role="encoder" if i < code else
                                                "code" if i == code else "decoder")
                            for i, row in enumerate(rows) if i > 0]
    return rows + [Row("data", "output", tuple(first_tensor(out).shape[1:]))]
