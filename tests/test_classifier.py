import pytest
import torch

from aebook.classifier import MLPClassifier, accuracy, train_classifier


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


def test_trained_classifier_separates_separable_classes():
    images, labels = blobs()
    test_images, test_labels = blobs(seed=1)
    model = train_classifier(images, labels, hidden_size=16, steps=300, batch_size=32,
                             device="cpu", progress=False)
    assert accuracy(model(test_images).detach(), test_labels) > 0.95  # chance: 1/3


def test_training_is_seeded():
    images, labels = blobs()
    first, second = (train_classifier(images, labels, hidden_size=8, steps=20, device="cpu",
                                      progress=False) for _ in range(2))
    assert torch.equal(first.first.weight, second.first.weight)


def test_accuracy_counts_rows_whose_largest_logit_is_the_label():
    logits = torch.tensor([[2.0, 1.0], [0.0, 3.0], [5.0, 4.0], [1.0, 2.0]])
    assert accuracy(logits, torch.tensor([0, 1, 1, 0])) == 0.5


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError):
        train_classifier(torch.rand(4, 3), torch.tensor([0, 1, 0]))  # one label short
    with pytest.raises(TypeError):
        accuracy(torch.rand(2, 3), torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError):
        MLPClassifier(hidden_size=0)
