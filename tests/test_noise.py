import math

import pytest
import torch

from aebook.noise import (
    KINDS,
    corrupt,
    gaussian_noise,
    masking_noise,
    patch_noise,
    salt_and_pepper_noise,
)


def grey(batch=64, pixels=784, value=0.5):
    """Images of one grey level, so any change is the corruption's doing."""
    return torch.full((batch, pixels), value)


def seeded(seed=0):
    return torch.Generator().manual_seed(seed)


def test_masking_zeroes_the_expected_fraction_of_pixels():
    noisy = masking_noise(grey(), 0.3, generator=seeded())
    erased = (noisy == 0).float().mean().item()
    assert erased == pytest.approx(0.3, abs=0.01)  # 50,176 pixels: 4 standard errors is 0.008
    assert torch.all((noisy == 0) | (noisy == 0.5)), "kept pixels must keep their value"


def test_masking_at_the_ends_of_the_unit_interval():
    x = torch.rand(8, 784)
    assert torch.equal(masking_noise(x, 0.0), x)
    assert torch.equal(masking_noise(x, 1.0), torch.zeros_like(x))


def test_gaussian_noise_has_standard_deviation_noise_ratio_before_clipping():
    noisy = gaussian_noise(grey(), 0.1, generator=seeded())  # 0.5 +- 0.1 rarely reaches 0 or 1
    assert (noisy - 0.5).std().item() == pytest.approx(0.1, rel=0.02)
    assert (noisy - 0.5).mean().item() == pytest.approx(0.0, abs=0.002)


def test_gaussian_noise_is_clipped_to_the_unit_interval():
    noisy = gaussian_noise(torch.rand(16, 784), 1.0, generator=seeded())
    assert noisy.min().item() == 0.0 and noisy.max().item() == 1.0


def test_gaussian_noise_without_clipping_is_zero_mean_on_black_pixels():
    black = torch.zeros(64, 784)  # clipping would keep only the positive half of the noise
    noisy = gaussian_noise(black, 0.2, generator=seeded(), clip=False)
    assert noisy.mean().item() == pytest.approx(0.0, abs=0.002)
    assert noisy.std().item() == pytest.approx(0.2, rel=0.02)
    assert torch.equal(noisy, gaussian_noise(black, 0.2, generator=seeded(), clip=False))
    with pytest.raises(TypeError, match="clip"):
        gaussian_noise(black, 0.2, clip="no")


def test_salt_and_pepper_hits_the_expected_fraction_half_salt_half_pepper():
    noisy = salt_and_pepper_noise(grey(), 0.4, generator=seeded())
    salt, pepper = (noisy == 1).float().mean().item(), (noisy == 0).float().mean().item()
    assert salt + pepper == pytest.approx(0.4, abs=0.01)
    assert salt == pytest.approx(pepper, abs=0.01)
    assert torch.all((noisy == 0) | (noisy == 1) | (noisy == 0.5))


def test_patch_covers_about_noise_ratio_of_each_image_in_one_square():
    noisy = patch_noise(grey(batch=32), 0.25, generator=seeded())
    changed = (noisy != 0.5).reshape(32, 28, 28)
    for image in changed:
        rows, columns = image.any(1).nonzero(), image.any(0).nonzero()
        height = rows.max() - rows.min() + 1
        width = columns.max() - columns.min() + 1
        assert height <= 14 and width <= 14  # a 14 x 14 square: a quarter of 28 x 28
    # uniform fill: almost every pixel of the 14 x 14 patch differs from 0.5
    assert changed.float().mean().item() == pytest.approx(0.25, abs=0.01)


def test_patch_takes_images_with_a_channel_axis_and_lands_in_different_places():
    x = grey(batch=16).reshape(16, 1, 28, 28)
    noisy = patch_noise(x, 0.1, generator=seeded())
    assert noisy.shape == x.shape
    places = {tuple((image[0] != 0.5).nonzero().min(0).values.tolist()) for image in noisy}
    assert len(places) > 1


@pytest.mark.parametrize("kind", KINDS)
def test_corruption_is_reproducible_with_a_generator(kind):
    x = torch.rand(8, 784)
    first = corrupt(x, kind, 0.5, generator=seeded(3))
    assert torch.equal(first, corrupt(x, kind, 0.5, generator=seeded(3)))
    assert not torch.equal(first, corrupt(x, kind, 0.5, generator=seeded(4)))


@pytest.mark.parametrize("kind", KINDS)
def test_without_a_generator_the_global_seed_decides(kind):
    x = torch.rand(8, 784)
    torch.manual_seed(1)
    first = corrupt(x, kind, 0.5)
    torch.manual_seed(1)
    assert torch.equal(first, corrupt(x, kind, 0.5))
    torch.manual_seed(2)
    assert not torch.equal(first, corrupt(x, kind, 0.5))


@pytest.mark.parametrize("kind", KINDS)
def test_noise_ratio_zero_leaves_the_image_unchanged(kind):
    x = torch.rand(8, 784)
    assert torch.equal(corrupt(x, kind, 0.0, generator=seeded()), x)


@pytest.mark.parametrize("kind", KINDS)
def test_corruption_keeps_shape_dtype_and_the_unit_interval(kind):
    x = torch.rand(8, 784)
    noisy = corrupt(x, kind, 0.7, generator=seeded())
    assert noisy.shape == x.shape and noisy.dtype == x.dtype
    assert noisy.min() >= 0 and noisy.max() <= 1


@pytest.mark.parametrize("kind", KINDS)
def test_one_seed_gives_nested_corruptions_across_noise_ratios(kind):
    # the slider's frames grow one corruption: what is corrupted at 0.2 stays corrupted at 0.5
    x = grey(batch=8)
    low = corrupt(x, kind, 0.2, generator=seeded()) != x
    high = corrupt(x, kind, 0.5, generator=seeded()) != x
    if kind == "gaussian":  # every pixel moves; the same draw, scaled
        assert low.all() and high.all()
    else:
        assert torch.all(high | ~low)


@pytest.mark.parametrize("kind", KINDS)
def test_error_to_the_clean_image_grows_with_the_noise_ratio(kind):
    # images drawn from another seed than the noise: the same seed would align the two draws
    x = (torch.rand(64, 784, generator=seeded(1)) > 0.7).float()
    errors = [((corrupt(x, kind, ratio, generator=seeded(2)) - x) ** 2).mean().item()
              for ratio in (0.1, 0.4, 0.8)]
    assert errors[0] < errors[1] < errors[2]


@pytest.mark.parametrize("noise_ratio", [-0.1, 1.5, math.nan, math.inf])
@pytest.mark.parametrize("kind", KINDS)
def test_noise_ratio_outside_unit_interval_is_rejected(kind, noise_ratio):
    with pytest.raises(ValueError, match=r"noise_ratio must be in \[0, 1\]"):
        corrupt(torch.rand(2, 784), kind, noise_ratio)


@pytest.mark.parametrize("noise_ratio", ["0.5", None, True, torch.tensor(0.5)])
def test_noise_ratio_that_is_not_a_number_is_rejected(noise_ratio):
    with pytest.raises(TypeError, match="noise_ratio must be a number"):
        masking_noise(torch.rand(2, 784), noise_ratio)


def test_bad_images_kind_and_generator_are_rejected():
    with pytest.raises(TypeError, match="torch.Tensor"):
        masking_noise([[0.5]], 0.1)
    with pytest.raises(TypeError, match="floating-point"):
        gaussian_noise(torch.ones(2, 784, dtype=torch.uint8), 0.1)
    with pytest.raises(ValueError, match="kind must be one of"):
        corrupt(torch.rand(2, 784), "blur", 0.1)
    with pytest.raises(TypeError, match="kind must be a str"):
        corrupt(torch.rand(2, 784), 0, 0.1)
    with pytest.raises(TypeError, match="generator"):
        salt_and_pepper_noise(torch.rand(2, 784), 0.1, generator=0)
    with pytest.raises(ValueError, match="image_shape"):
        patch_noise(torch.rand(2, 100), 0.1)
