"""Reading one pass through a model's layers: what ran, in which order, and what it output.

The small steps :mod:`aebook.viz.trace` builds its rows from, none of which draws anything:

- :func:`hooked_calls` runs a call with a forward hook on every leaf layer and returns what
  each layer received and gave, in the order the layers ran;
- :func:`layer_title` names a layer ("conv 3×3, stride 2"); :func:`name_operation` names a
  step done outside any layer (a sigmoid or top-k inside ``encode``);
- :func:`guess_example` makes an input batch that fits a model's first layer;
- :func:`shape_text` and :func:`numel` write and count a shape given per example, without the
  batch dimension: (16, 7, 7) -> "16×7×7", 784.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["shape_text", "numel", "layer_title", "first_tensor", "hooked_calls",
           "name_operation", "guess_example"]


def shape_text(shape) -> str:
    """A shape as a diagram writes it: (16, 7, 7) -> "16×7×7", (784,) -> "784"."""
    return "×".join(str(size) for size in shape)


def numel(shape) -> int:
    """How many numbers a shape holds; () is one number."""
    return math.prod(shape) if shape else 1


def layer_title(module: nn.Module) -> str:
    """A short name of one layer, with the kernel and stride that set a feature map's size."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        kind = "transposed conv" if isinstance(module, nn.ConvTranspose2d) else "conv"
        side, stride = module.kernel_size[0], module.stride[0]
        return f"{kind} {side}×{side}" + (f", stride {stride}" if stride > 1 else "")
    if isinstance(module, nn.Upsample):
        return f"upsample ×{module.scale_factor:g} ({module.mode})"
    return type(module).__name__


def first_tensor(value):
    """The first tensor of a layer's input or output (a quantizer returns a tuple)."""
    return value[0] if isinstance(value, (tuple, list)) else value


def hooked_calls(model: nn.Module, call) -> tuple:
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
            hook = (lambda m, i, o, name=name: events.append((name, m, first_tensor(i), first_tensor(o))))
            handles.append(module.register_forward_hook(hook))
    try:
        result = call()
    finally:
        for handle in handles:
            handle.remove()
    return result, events


def name_operation(before: torch.Tensor, after: torch.Tensor, k=None) -> str | None:
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


def guess_example(model: nn.Module) -> torch.Tensor:
    """A batch of two inputs that fit ``model``'s first layer, in [0, 1]."""
    first = next((m for m in model.modules() if not list(m.children())
                  or hasattr(m, "codebook")), None)
    side = getattr(model, "image_size", 28)
    if hasattr(first, "codebook"):
        shape = (first.codebook.weight.shape[1], 7, 7)
    elif isinstance(first, nn.Unflatten):
        shape = (numel(first.unflattened_size),)
    elif isinstance(first, nn.Linear):
        shape = (first.in_features - getattr(model, "classes", 0),)
    elif isinstance(first, nn.Conv2d):
        shape = (first.in_channels, side, side)
    else:
        raise ValueError(f"cannot guess an input for {type(model).__name__}: pass example=")
    return torch.rand((2, *shape), generator=torch.Generator().manual_seed(0))
