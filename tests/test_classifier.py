"""Specifications of aebook.classifier: the small classifier that judges images (chapters 11
and 12) and whose hidden layer chapter 13 reads."""
import pytest
import torch

from aebook.classifier import MLPClassifier, accuracy, predict, train_classifier


def blobs(n_per_class=100, classes=3, features=10, seed=0):
    generator = torch.Generator().manual_seed(seed)
    labels = torch.arange(classes).repeat_interleave(n_per_class)
    images = 3 * torch.eye(classes, features)[labels] + 0.2 * torch.randn(len(labels), features,
                                                                       generator=generator)
    return images, labels


def test_classifier_hidden_layer_is_relu_and_feeds_the_head():
    model = MLPClassifier(hidden_size=16, input_size=10, classes=3)
    x = torch.randn(5, 10)
    hidden = model.hidden(x)
    assert hidden.shape == (5, 16) and (hidden >= 0).all()
    assert torch.allclose(model(x), model.head(hidden))
    assert model(x).shape == (5, 3)


@pytest.mark.parametrize("schedule", ["cosine", "constant"])
def test_trained_classifier_separates_separable_classes(schedule):
    images, labels = blobs()
    test_images, test_labels = blobs(seed=1)
    model = train_classifier(images, labels, hidden_size=16, steps=300, batch_size=32,
                             schedule=schedule, device="cpu", progress=False)
    assert not model.training  # returned in eval mode
    assert accuracy(model(test_images).detach(), test_labels) > 0.95  # chance: 1/3


def test_training_is_seeded():
    images, labels = blobs()
    first, second, third = (train_classifier(images, labels, hidden_size=8, steps=20, seed=seed,
                                             device="cpu", progress=False) for seed in (3, 3, 4))
    assert torch.equal(first.first.weight, second.first.weight)
    assert not torch.equal(first.first.weight, third.first.weight)


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


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="one per row"):
        train_classifier(torch.rand(4, 3), torch.tensor([0, 1, 0]))  # one label short
    with pytest.raises(TypeError, match="integer class indices"):
        accuracy(torch.rand(2, 3), torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="hidden_size must be a positive int"):
        MLPClassifier(hidden_size=0)
    with pytest.raises(TypeError, match="classifier must be a torch.nn.Module"):
        predict("model", torch.rand(2, 3))
