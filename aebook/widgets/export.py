"""The page-side model export: a small torch network as data the rendered page can run.

A widget that runs a network in the page (:class:`aebook.widgets.LatentPad` runs a decoder)
embeds it as a list of *layers*, plain JSON, and computes the forward pass in JavaScript
(``aebookLatentPad.js``). This module writes that list and mirrors the page's arithmetic in
NumPy, so a test (and a chapter) can say how far the page's picture is from torch's:

- :func:`export_layers`: an ``nn.Sequential`` (nested ones are flattened) -> a list of layers::

      {"kind": "linear", "shape": [out, in], "weight": "<base64>", "bias": "<base64>"}
      {"kind": "relu"} | {"kind": "leaky_relu", "slope": 0.1} | {"kind": "sigmoid"} | ...

  weights as float16 (:func:`pack_float16`), row-major (out, in) as torch stores them.
- :func:`forward`: the page's forward pass over such a list, in NumPy (float64, as JavaScript
  numbers are), on the float16 weights the page carries.

Any network of these layers exports through the same code: a decoder as it is
(``export_layers(cvae.decoder)``), an encoder with its linear head for the mean as one
network (``export_layers(nn.Sequential(encoder_body, mean_head))``). A new kind of layer is one entry in
:data:`ACTIVATIONS` (or one branch of :func:`export_layer`) here and one in the page's script.
"""
from __future__ import annotations

import base64
from typing import Callable, Sequence

import numpy as np
from torch import nn

__all__ = ["pack_float16", "unpack_float16", "export_layer", "export_layers", "activate",
           "forward", "ACTIVATIONS", "FLOAT16_MAX"]

FLOAT16_MAX = 65504.0  # the largest finite float16

# Element-wise layers: torch's class -> the page's kind. LeakyReLU also carries its slope.
_KINDS = {nn.ReLU: "relu", nn.LeakyReLU: "leaky_relu", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh",
          nn.Identity: "identity"}

# Each kind's arithmetic, as aebookLatentPad.js's ``activate`` computes it: values (any shape)
# and the layer's dict -> values.
ACTIVATIONS: dict[str, Callable] = {
    "relu": lambda values, layer: np.maximum(values, 0),
    "leaky_relu": lambda values, layer: np.where(values > 0, values, layer["slope"] * values),
    "sigmoid": lambda values, layer: 1 / (1 + np.exp(-values)),
    "tanh": lambda values, layer: np.tanh(values),
    "identity": lambda values, layer: values,
}


def pack_float16(array) -> str:
    """A float array (any shape) -> base64 of its values, flattened row-major, as
    little-endian float16 (2 bytes per value). ValueError for values float16 cannot hold."""
    values = np.asarray(array, dtype=np.float32).ravel()
    if not np.all(np.isfinite(values)) or np.abs(values).max(initial=0) > FLOAT16_MAX:
        raise ValueError("weights must be finite and within float16's range (|w| <= 65504)")
    return base64.b64encode(values.astype("<f2").tobytes()).decode("ascii")


def unpack_float16(text: str, shape: Sequence[int]) -> np.ndarray:
    """The inverse of :func:`pack_float16`: base64 text -> float32 array of ``shape``."""
    return np.frombuffer(base64.b64decode(text), dtype="<f2").astype(np.float32).reshape(shape)


def export_layer(module: nn.Module) -> dict:
    """One torch layer -> the page's layer dict. TypeError for a layer the page cannot run."""
    if isinstance(module, nn.Linear):
        weight = module.weight.detach().cpu().numpy()  # (out, in), row-major
        bias = (module.bias.detach().cpu().numpy() if module.bias is not None
                else np.zeros(weight.shape[0], np.float32))
        return {"kind": "linear", "shape": list(weight.shape),
                "weight": pack_float16(weight), "bias": pack_float16(bias)}
    kind = _KINDS.get(type(module))
    if kind is None:
        raise TypeError(f"the page cannot run a {type(module).__name__} layer; use Linear "
                        f"layers and ReLU, LeakyReLU, Sigmoid, Tanh or Identity")
    if kind == "leaky_relu":
        return {"kind": kind, "slope": float(module.negative_slope)}
    return {"kind": kind}


def _flatten(module: nn.Module) -> list:
    if isinstance(module, nn.Sequential):
        return [layer for child in module for layer in _flatten(child)]
    return [module]


def export_layers(network: nn.Module) -> list:
    """A network for the page: ``nn.Linear`` layers and element-wise activations.

    Args:
        network: an ``nn.Linear`` or an ``nn.Sequential`` of them and activations (nested
            ``nn.Sequential``s are flattened, so an encoder and its head export as one).
    Returns:
        A list of layer dicts (see the module's docstring), first a linear one, whose
        ``shape[1]`` is the number of inputs.
    Raises:
        TypeError for any other module or layer, or a network that does not start with a
        linear layer.
    """
    if not isinstance(network, (nn.Linear, nn.Sequential)):
        raise TypeError(f"the network must be an nn.Sequential of Linear layers and activations, "
                        f"got {type(network).__name__}")
    layers = [export_layer(module) for module in _flatten(network)]
    if not layers or layers[0]["kind"] != "linear":
        raise TypeError("the network must start with an nn.Linear layer")
    return layers


def activate(kind: str, values: np.ndarray, layer: dict | None = None) -> np.ndarray:
    """An element-wise layer of kind ``kind`` applied to ``values`` (e.g. a pad's output)."""
    if kind not in ACTIVATIONS:
        raise ValueError(f"unknown activation {kind!r}; the page runs {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[kind](values, layer or {})


def forward(layers: list, values) -> np.ndarray:
    """What the page computes, in NumPy: the exported ``layers`` applied to ``values``.

    Args:
        layers: from :func:`export_layers` (float16 weights, as the page carries them).
        values: (n, inputs) or (inputs,), the network's input.
    Returns:
        (n, outputs) or (outputs,), float64 (the page's numbers are float64).
    """
    values = np.asarray(values, dtype=np.float64)
    inputs = layers[0]["shape"][1]
    if values.shape[-1:] != (inputs,) or values.ndim not in (1, 2):
        raise ValueError(f"values must be (n, {inputs}) or ({inputs},), got {values.shape}")
    for layer in layers:
        if layer["kind"] == "linear":
            weight = unpack_float16(layer["weight"], layer["shape"]).astype(np.float64)
            bias = unpack_float16(layer["bias"], layer["shape"][:1]).astype(np.float64)
            values = values @ weight.T + bias
        else:
            values = activate(layer["kind"], values, layer)
    return values
