"""Specifications of aebook.widgets.export: a torch network as float16 layers the page runs,
and the NumPy mirror of the page's forward pass."""
from importlib import resources

import numpy as np
import pytest
import torch
from torch import nn

from aebook.widgets.export import (
    ACTIVATIONS,
    activate,
    export_layers,
    forward,
    pack_float16,
    unpack_float16,
)
from aebook.widgets.static import DRAW_DRIVER, NET_ENGINE, PAD_DRIVER


def every_kind() -> nn.Sequential:
    """A network with one layer of every kind the page runs."""
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 16), nn.LeakyReLU(0.2),
                         nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 8), nn.Identity(),
                         nn.Sigmoid())


def test_float16_packing_round_trips_the_weights():
    weights = torch.randn(30, 12).numpy()
    restored = unpack_float16(pack_float16(weights), weights.shape)
    assert restored.shape == weights.shape and restored.dtype == np.float32
    assert np.array_equal(restored, weights.astype(np.float16).astype(np.float32))
    assert np.abs(restored - weights).max() <= np.abs(weights).max() * 2 ** -11
    with pytest.raises(ValueError, match="float16's range"):
        pack_float16(np.array([1e6]))
    with pytest.raises(ValueError, match="finite"):
        pack_float16(np.array([np.nan]))


def test_export_lists_linear_layers_and_activations_in_order():
    network = every_kind()
    layers = export_layers(network)
    assert [layer["kind"] for layer in layers] == ["linear", "relu", "linear", "leaky_relu",
                                                   "linear", "tanh", "linear", "identity",
                                                   "sigmoid"]
    assert layers[0]["shape"] == [16, 5] and layers[3]["slope"] == pytest.approx(0.2)
    weight = unpack_float16(layers[0]["weight"], layers[0]["shape"])  # row-major (out, in)
    assert np.allclose(weight, network[0].weight.detach().numpy(), rtol=1e-3, atol=1e-4)


def test_an_encoder_and_its_head_export_through_the_same_code_as_a_decoder():
    torch.manual_seed(0)
    body, head = nn.Sequential(nn.Linear(784, 32), nn.ReLU()), nn.Linear(32, 2)
    layers = export_layers(nn.Sequential(body, head))  # nested: flattened into one list
    assert [layer["kind"] for layer in layers] == ["linear", "relu", "linear"]
    x = torch.rand(4, 784)
    expected = head(body(x)).detach().numpy()
    assert np.abs(forward(layers, x.numpy()) - expected).max() < 1e-2 * np.abs(expected).max()


def test_a_single_linear_layer_without_bias_exports_a_zero_bias():
    layer = export_layers(nn.Linear(3, 2, bias=False))[0]
    assert np.array_equal(unpack_float16(layer["bias"], [2]), np.zeros(2, np.float32))


def test_the_numpy_forward_is_torch_on_float16_weights():
    network = every_kind()
    x = torch.randn(20, 5)
    with torch.no_grad():  # torch on the weights rounded to float16, as the page carries them
        rounded = every_kind()
        for parameter in rounded.parameters():
            parameter.copy_(parameter.half().float())
        expected = rounded.double()(x.double()).numpy()
        full = network(x).numpy()
    computed = forward(export_layers(network), x.numpy())
    assert computed.dtype == np.float64 and computed.shape == (20, 8)
    assert np.abs(computed - expected).max() < 1e-12  # the same arithmetic, to rounding
    assert np.abs(computed - full).max() < 2 / 255  # and within two grey levels of float32
    assert forward(export_layers(network), x[0].numpy()).shape == (8,)  # one input, one output


def test_every_kind_of_layer_has_one_implementation_here_and_one_in_the_page():
    # One engine (aebookNet.js) runs every layer kind for every widget that runs a model in the
    # page; the drivers (the latent pad's, the drawing pad's) call it and implement none.
    package = resources.files("aebook.widgets")
    script = package.joinpath(NET_ENGINE + ".js").read_text()
    for kind in ACTIVATIONS:
        if kind != "identity":  # the page's default branch
            assert f'kind === "{kind}"' in script, f"the page does not run {kind}"
    for driver in (PAD_DRIVER, DRAW_DRIVER):
        text = package.joinpath(driver + ".js").read_text()
        assert "aebookNet.forward" in text and "halfToNumber" not in text
        assert not any(f'kind === "{kind}"' in text for kind in ACTIVATIONS), driver
    values = np.array([-2.0, 0.0, 3.0])
    assert np.array_equal(activate("relu", values), [0, 0, 3])
    assert np.array_equal(activate("leaky_relu", values, {"slope": 0.5}), [-1, 0, 3])
    assert np.allclose(activate("sigmoid", values), 1 / (1 + np.exp(-values)))
    assert np.array_equal(activate("identity", values), values)


def test_bad_networks_and_inputs_raise_clear_errors():
    with pytest.raises(TypeError, match="cannot run a Conv2d"):
        export_layers(nn.Sequential(nn.Linear(12, 4), nn.Conv2d(1, 1, 1)))
    with pytest.raises(TypeError, match="nn.Sequential"):
        export_layers(lambda z: z)
    with pytest.raises(TypeError, match="start with an nn.Linear"):
        export_layers(nn.Sequential(nn.ReLU(), nn.Linear(2, 2)))
    with pytest.raises(TypeError, match="start with an nn.Linear"):
        export_layers(nn.Sequential())
    with pytest.raises(ValueError, match=r"values must be \(n, 5\)"):
        forward(export_layers(every_kind()), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        activate("gelu", np.zeros(3))
