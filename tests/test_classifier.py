import pytest
import torch

from aebook.classifier import train_classifier


def _two_blobs(n=400):
    labels = torch.arange(n) % 2
    images = torch.rand(n, 16) * 0.3
    images[labels == 1, :8] += 0.7  # class 1: the first half of the pixels bright
    return images.clamp(0, 1), labels


def test_classifier_learns_an_easy_two_class_problem():
    images, labels = _two_blobs()
    model = train_classifier(images, labels, hidden_size=16, steps=200, lr=1e-2)
    accuracy = (model(images).argmax(1) == labels).float().mean()
    assert accuracy > 0.95 and model(images).shape == (400, 2)


def test_classifier_training_is_seeded():
    images, labels = _two_blobs()
    first = train_classifier(images, labels, hidden_size=8, steps=20, seed=3)
    second = train_classifier(images, labels, hidden_size=8, steps=20, seed=3)
    assert torch.equal(first(images), second(images))


def test_classifier_rejects_float_labels_and_mismatched_lengths():
    images, labels = _two_blobs()
    with pytest.raises(TypeError):
        train_classifier(images, labels.float())
    with pytest.raises(ValueError):
        train_classifier(images, labels[:10])
