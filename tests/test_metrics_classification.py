"""Specifications of aebook.metrics.classification: what a classifier says about images."""
import pytest
import torch

from aebook.metrics import accuracy, confidence, predict
from aebook.models import MLPClassifier


def test_predict_gives_probabilities_whose_argmax_accuracy_counts():
    model = MLPClassifier(hidden_size=4, input_size=10, classes=3)
    images = torch.rand(6, 10)
    probabilities = predict(model, images)
    assert probabilities.shape == (6, 3)
    assert torch.allclose(probabilities.sum(1), torch.ones(6)) and (probabilities >= 0).all()
    guesses = probabilities.argmax(1)
    assert accuracy(probabilities, guesses) == 1.0
    assert accuracy(probabilities, (guesses + 1) % 3) == 0.0


def test_accuracy_counts_rows_whose_largest_score_is_the_label():
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0], [5.0, 4.0], [1.0, 2.0]])
    assert accuracy(logits, torch.tensor([0, 1, 1, 0])) == 0.5


def test_confidence_is_the_largest_class_probability():
    model = MLPClassifier(hidden_size=4, input_size=10, classes=3)
    images = torch.rand(6, 10)
    assert torch.equal(confidence(model, images), predict(model, images).max(1).values)
    assert ((confidence(model, images) > 1 / 3) & (confidence(model, images) <= 1)).all()


def test_bad_arguments_are_rejected():
    with pytest.raises(TypeError, match="integer class indices"):
        accuracy(torch.rand(2, 3), torch.tensor([0.0, 1.0]))
    with pytest.raises(TypeError, match="classifier must be a torch.nn.Module"):
        predict("model", torch.rand(2, 3))
