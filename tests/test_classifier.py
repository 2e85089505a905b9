"""Specifications of aebook.classifier: a small classifier that judges images."""
import pytest
import torch

from aebook.classifier import Classifier, accuracy, predict, train_classifier


def two_blobs(n: int = 400):
    """Two classes of 16-pixel 'images': bright left half or bright right half, plus noise."""
    generator = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 2, (n,), generator=generator)
    images = 0.3 * torch.rand(n, 16, generator=generator)
    images[labels == 0, :8] += 0.6
    images[labels == 1, 8:] += 0.6
    return images.clamp(0, 1), labels


def test_classifier_maps_images_to_one_logit_per_class():
    model = Classifier(hidden_size=8, classes=3, input_size=16)
    assert model(torch.rand(5, 16)).shape == (5, 3)
    assert model.hidden(torch.rand(5, 16)).shape == (5, 8)


def test_a_trained_classifier_separates_separable_classes():
    images, labels = two_blobs()
    classifier = train_classifier(images, labels, hidden_size=16, classes=2, steps=60)
    assert accuracy(classifier, images, labels) == 1.0
    assert not classifier.training  # returned in eval mode


def test_training_is_seeded():
    images, labels = two_blobs()
    first = train_classifier(images, labels, hidden_size=8, classes=2, steps=5, seed=3)
    second = train_classifier(images, labels, hidden_size=8, classes=2, steps=5, seed=3)
    assert torch.equal(first.head.weight, second.head.weight)


def test_predict_gives_probabilities_and_accuracy_counts_argmax_hits():
    classifier = Classifier(hidden_size=4, classes=3, input_size=16)
    probabilities = predict(classifier, torch.rand(6, 16))
    assert probabilities.shape == (6, 3)
    assert torch.allclose(probabilities.sum(1), torch.ones(6)) and (probabilities >= 0).all()
    images = torch.rand(6, 16)
    guesses = predict(classifier, images).argmax(1)
    assert accuracy(classifier, images, guesses) == 1.0
    assert accuracy(classifier, images, (guesses + 1) % 3) == 0.0


def test_bad_arguments_raise_clear_errors():
    images, labels = two_blobs(10)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 1\)"):
        train_classifier(images, labels, classes=1)
    with pytest.raises(TypeError, match="integer class indices"):
        train_classifier(images, labels.float())
    with pytest.raises(ValueError, match="one per image"):
        train_classifier(images, labels[:5])
    with pytest.raises(TypeError, match="classifier must be a torch.nn.Module"):
        predict("model", images)
