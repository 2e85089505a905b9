"""Specifications of aebook.models.conv: the convolutional autoencoders of chapter 4."""
import pytest
import torch
import torch.nn.functional as F

from aebook.models import ConvAutoencoder, FullyConvAutoencoder, MLPAutoencoder
from aebook.models.conv import UPSAMPLINGS, upsample
from aebook.train import evaluate, train


def test_shapes_through_every_layer():
    model = ConvAutoencoder(code_size=5)
    x = torch.rand(7, 784)
    first, second = model.feature_maps(x)
    assert first.shape == (7, 16, 14, 14) and second.shape == (7, 32, 7, 7)
    assert model.encode(x).shape == (7, 5)
    assert model.decode(model.encode(x)).shape == (7, 784)
    assert model(x).shape == (7, 784)


def test_other_channels_and_image_sizes():
    model = ConvAutoencoder(code_size=3, channels=(4, 8), image_size=32)
    first, second = model.feature_maps(torch.rand(2, 32 * 32))
    assert first.shape == (2, 4, 16, 16) and second.shape == (2, 8, 8, 8)
    assert model(torch.rand(2, 32 * 32)).shape == (2, 32 * 32)


def test_reconstruction_lies_in_the_unit_interval():
    reconstruction = ConvAutoencoder(code_size=3)(torch.randn(4, 784) * 10)
    assert reconstruction.min() >= 0 and reconstruction.max() <= 1


def test_fewer_parameters_than_the_mlp_at_the_same_code_size():
    count = lambda model: sum(p.numel() for p in model.parameters())
    assert count(ConvAutoencoder(code_size=16)) * 6 < count(MLPAutoencoder(code_size=16))


def test_feature_maps_shift_with_the_image():
    # two stride-2 layers: a shift of 4 pixels moves the 7 x 7 maps by one cell, exactly,
    # away from the left edge where the zero fill meets the padding
    torch.manual_seed(0)
    model = ConvAutoencoder()
    image = torch.zeros(1, 28, 28)
    image[0, 8:20, 6:22] = torch.rand(12, 16)
    shifted = F.pad(image, (4, 0))[:, :, :28]  # 4 pixels to the right, zero fill
    _, before = model.feature_maps(image.reshape(1, 784))
    _, after = model.feature_maps(shifted.reshape(1, 784))
    assert torch.allclose(after[..., 2:], before[..., 1:-1], atol=1e-5)


def test_decoder_overlap_is_even_with_a_kernel_divisible_by_the_stride():
    model = ConvAutoencoder()
    layer = model.decoder[3]  # the first transposed convolution
    assert layer.kernel_size == (4, 4) and layer.stride == (2, 2)
    ones = torch.nn.ConvTranspose2d(1, 1, 4, stride=2, padding=1, bias=False)
    torch.nn.init.ones_(ones.weight)
    overlap = ones(torch.ones(1, 1, 7, 7)).detach()
    assert overlap.shape == (1, 1, 14, 14) and (overlap[..., 1:-1, 1:-1] == 4).all()


def test_trains_with_the_shared_loop():
    torch.manual_seed(0)
    images = torch.rand(64, 784)
    model = ConvAutoencoder(code_size=4, channels=(4, 8))
    before = evaluate(model, images)
    history = train(model, images, steps=6, batch_size=32, lr=1e-2, progress=False)
    assert history.steps == [2, 4, 6] and evaluate(model, images) < before


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="code_size must be a positive int"):
        ConvAutoencoder(code_size=0)
    with pytest.raises(TypeError, match="channels must be a sequence"):
        ConvAutoencoder(channels=16)
    with pytest.raises(ValueError, match="channels must hold two ints"):
        ConvAutoencoder(channels=(8, 16, 32))
    with pytest.raises(ValueError, match="image_size must be a multiple of 4"):
        ConvAutoencoder(image_size=30)
    with pytest.raises(ValueError, match="x must have 784 pixels"):
        ConvAutoencoder().feature_maps(torch.rand(2, 100))
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        ConvAutoencoder().feature_maps([0.0] * 784)


def test_fully_conv_code_is_a_stack_of_maps_a_quarter_of_the_image_side():
    model = FullyConvAutoencoder(code_channels=3)
    x = torch.rand(5, 1, 28, 28)
    assert model.encode(x).shape == (5, 3, 7, 7)
    assert model(x).shape == (5, 1, 28, 28)
    reconstruction = model(torch.randn(2, 1, 28, 28) * 10)
    assert reconstruction.min() >= 0 and reconstruction.max() <= 1


def test_fully_conv_runs_on_larger_images_with_the_same_parameters():
    model = FullyConvAutoencoder()
    before = [parameter.clone() for parameter in model.parameters()]
    assert model.encode(torch.rand(2, 1, 56, 56)).shape == (2, 2, 14, 14)
    assert model(torch.rand(2, 1, 56, 32)).shape == (2, 1, 56, 32)
    after = list(model.parameters())
    assert len(after) == len(before) and all(torch.equal(a, b) for a, b in zip(after, before))


def test_fully_conv_code_shifts_by_whole_cells_for_shifts_by_the_total_stride():
    torch.manual_seed(0)
    model = FullyConvAutoencoder()
    image = torch.zeros(1, 1, 28, 28)
    image[..., 8:20, 6:18] = torch.rand(12, 12)
    shifted = F.pad(image, (4, 0))[..., :28]  # 4 pixels to the right, zero fill
    code, moved = model.encode(image), model.encode(shifted)
    assert torch.allclose(moved[..., 2:], code[..., 1:-1], atol=1e-5)
    shifted_by_2 = F.pad(image, (2, 0))[..., :28]  # half a cell: no whole-cell move matches
    moved = model.encode(shifted_by_2)
    assert not torch.allclose(moved[..., 2:], code[..., 1:-1], atol=1e-3)
    assert not torch.allclose(moved[..., 1:], code[..., 1:], atol=1e-3)


def test_upsample_doubles_the_side_both_ways():
    x = torch.rand(3, 8, 7, 7)
    for how in UPSAMPLINGS:
        assert upsample(8, 4, how)(x).shape == (3, 4, 14, 14)
    resize = FullyConvAutoencoder(upsampling="resize")
    assert resize(torch.rand(2, 1, 28, 28)).shape == (2, 1, 28, 28)
    with pytest.raises(ValueError, match="how must be one of"):
        upsample(8, 4, "bilinear")


def test_fully_conv_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="code_channels must be a positive int"):
        FullyConvAutoencoder(code_channels=0)
    with pytest.raises(ValueError, match="upsampling must be one of"):
        FullyConvAutoencoder(upsampling="bilinear")
    with pytest.raises(ValueError, match="channels must hold two ints"):
        FullyConvAutoencoder(channels=(4, 8, 16))
    with pytest.raises(ValueError, match="multiples of 4"):
        FullyConvAutoencoder().encode(torch.rand(2, 1, 30, 28))
    with pytest.raises(ValueError, match="x must have 4 dimensions"):
        FullyConvAutoencoder().encode(torch.rand(2, 784))
