"""Specifications of aebook.losses.reconstruction: the reconstruction error, its loss_fn and the
denoising criterion."""

import pytest
import torch
from torch import nn

from aebook.losses import denoising_loss, reconstruction_error
from aebook.noise import masking_noise


def test_reconstruction_error_is_the_mean_squared_error():
    x, y = torch.zeros(2, 4), torch.ones(2, 4) * 0.5
    assert reconstruction_error(y, x).item() == pytest.approx(0.25)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="same shape"):
        reconstruction_error(torch.zeros(2, 3), torch.zeros(2, 4))
    with pytest.raises(TypeError, match="torch.Tensor"):
        reconstruction_error([0.0], torch.zeros(1))


def test_denoising_loss_scores_the_output_against_the_clean_images():
    x = torch.rand(16, 784)
    identity = nn.Identity()
    # an identity model returns the noisy input: its denoising loss is the corruption's error
    torch.manual_seed(5)
    loss = denoising_loss(identity, x, kinds=("masking",), max_noise_ratio=0.8, groups=1)
    torch.manual_seed(5)
    torch.randint(1, ())  # the kind's draw
    noise_ratio = 0.8 * torch.rand(()).item()
    expected = ((masking_noise(x, noise_ratio) - x) ** 2).mean()
    assert loss.item() == pytest.approx(expected.item())


def test_denoising_loss_gives_each_group_its_own_corruption():
    x = torch.full((32, 784), 0.5)
    seen = []
    model = lambda noisy: seen.append(noisy) or noisy  # records what the model is fed
    torch.manual_seed(0)
    denoising_loss(model, x, kinds=("masking",), max_noise_ratio=1.0, groups=4)
    erased = (seen[0] == 0).float().reshape(4, 8 * 784).mean(1)  # fraction erased per group
    assert len(set(erased.round(decimals=2).tolist())) > 1
    assert erased.max().item() < 1.0


def test_denoising_loss_never_exceeds_max_noise_ratio():
    x = torch.full((64, 784), 0.5)
    seen = []
    model = lambda noisy: seen.append(noisy) or noisy
    denoising_loss(model, x, kinds=("masking",), max_noise_ratio=0.1, groups=8)
    erased = (seen[0] == 0).float().reshape(8, -1).mean(1)
    assert erased.max().item() < 0.13  # 6,272 pixels a group: 0.1 + 4 standard errors


def test_denoising_loss_is_a_trainable_scalar_and_checks_its_arguments():
    x = torch.rand(8, 784)
    model = nn.Linear(784, 784)
    loss = denoising_loss(model, x)
    loss.backward()
    assert loss.dim() == 0 and model.weight.grad is not None
    with pytest.raises(ValueError, match="kinds"):
        denoising_loss(model, x, kinds=("blur",))
    with pytest.raises(ValueError, match="kinds"):
        denoising_loss(model, x, kinds="masking")
    with pytest.raises(ValueError, match="max_noise_ratio"):
        denoising_loss(model, x, max_noise_ratio=1.5)
    with pytest.raises(ValueError, match="groups"):
        denoising_loss(model, x, groups=0)
