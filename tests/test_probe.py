import pytest
import torch

from aebook.probe import linear_probe


def blobs(n_per_class: int, classes: int = 3, features: int = 5, spread: float = 0.3, seed: int = 0):
    """Gaussian blobs around well-separated centres: linearly separable up to rare outliers."""
    generator = torch.Generator().manual_seed(seed)
    centres = torch.eye(classes, features) * 4
    labels = torch.arange(classes).repeat_interleave(n_per_class)
    features = centres[labels] + spread * torch.randn(len(labels), features, generator=generator)
    return features, labels


def test_probe_beats_chance_on_separable_data():
    train_x, train_y = blobs(100)
    test_x, test_y = blobs(50, seed=1)
    assert linear_probe(train_x, train_y, test_x, test_y) > 0.95  # chance: 1/3


def test_probe_is_at_chance_when_features_carry_no_label():
    generator = torch.Generator().manual_seed(0)
    train_x, test_x = torch.randn(600, 4, generator=generator), torch.randn(3000, 4, generator=generator)
    train_y = torch.randint(0, 2, (600,), generator=generator)
    test_y = torch.randint(0, 2, (3000,), generator=generator)
    assert abs(linear_probe(train_x, train_y, test_x, test_y) - 0.5) < 0.05


def test_probe_is_seeded_and_handles_constant_features():
    train_x, train_y = blobs(40)
    test_x, test_y = blobs(40, seed=2)
    train_x = torch.cat([train_x, torch.zeros(len(train_x), 3)], 1)  # dead units: std 0
    test_x = torch.cat([test_x, torch.zeros(len(test_x), 3)], 1)
    first = linear_probe(train_x, train_y, test_x, test_y, seed=3)
    assert first == linear_probe(train_x, train_y, test_x, test_y, seed=3)
    assert first > 0.95


def test_bad_arguments_raise_clear_errors():
    x, y = blobs(10)
    with pytest.raises(ValueError, match="same number of columns"):
        linear_probe(x, y, x[:, :2], y)
    with pytest.raises(ValueError, match="one label per row"):
        linear_probe(x, y[:-1], x, y)
    with pytest.raises(TypeError, match="integer class indices"):
        linear_probe(x, y.float(), x, y)
    with pytest.raises(ValueError, match="weight_decay must be a non-negative number"):
        linear_probe(x, y, x, y, weight_decay=-1.0)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        linear_probe(x, y, x, y, steps=0)
    with pytest.raises(TypeError, match="train_features must be a torch.Tensor"):
        linear_probe(x.tolist(), y, x, y)
