"""Specifications of aebook.models.aae: the adversarial autoencoder (chapter 10)."""
import pytest
import torch

from aebook.models import AdversarialAutoencoder


def test_shapes_and_output_range():
    torch.manual_seed(0)
    model = AdversarialAutoencoder(code_size=2, hidden_size=32)
    x = torch.rand(5, 784)
    assert model.encode(x).shape == (5, 2) and model.discriminate(model.encode(x)).shape == (5,)
    out = model(x)
    assert out.shape == (5, 784) and out.min() >= 0 and out.max() <= 1


@pytest.mark.parametrize("argument", ["code_size", "hidden_size", "input_size"])
def test_bad_sizes_raise(argument):
    with pytest.raises(ValueError):
        AdversarialAutoencoder(**{argument: 0})
