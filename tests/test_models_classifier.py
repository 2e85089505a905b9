"""Specifications of aebook.models.classifier: the small classifier that judges images
(chapters 7, 11 and 12) and whose hidden layer chapter 13 reads."""
import pytest
import torch

from aebook.models import MLPClassifier


def test_classifier_hidden_layer_is_relu_and_feeds_the_head():
    model = MLPClassifier(hidden_size=16, input_size=10, classes=3)
    x = torch.randn(5, 10)
    hidden = model.hidden(x)
    assert hidden.shape == (5, 16) and (hidden >= 0).all()
    assert torch.allclose(model(x), model.head(hidden))
    assert model(x).shape == (5, 3)


def test_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match="hidden_size must be a positive int"):
        MLPClassifier(hidden_size=0)
