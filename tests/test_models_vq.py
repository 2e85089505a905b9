"""Specifications of aebook.models.vq: the vector quantiser, the VQ-VAE of chapter 12, and the
uniform quantiser of a continuous code."""
import pytest
import torch

from aebook.losses import vq_vae_loss
from aebook.models import VQVAE, VectorQuantizer, quantize_uniform


def test_quantised_output_is_the_nearest_codebook_row():
    quantizer = VectorQuantizer(codebook_size=10, vector_size=3)
    z = torch.randn(2, 3, 4, 5)
    quantized, tokens, _, _ = quantizer(z)
    codebook = quantizer.codebook.weight
    vectors = z.permute(0, 2, 3, 1).reshape(-1, 3)
    rows = quantized.permute(0, 2, 3, 1).reshape(-1, 3)
    nearest = ((vectors[:, None] - codebook[None]) ** 2).sum(-1).argmin(1)
    assert tokens.shape == (2, 4, 5) and tokens.dtype == torch.int64
    assert torch.equal(tokens.flatten(), nearest)
    assert torch.allclose(rows, codebook[nearest].detach(), atol=1e-6)


def test_straight_through_gradient_equals_the_identitys():
    quantizer = VectorQuantizer(codebook_size=6, vector_size=2)
    z = torch.randn(3, 2, 2, 2, requires_grad=True)
    weights = torch.randn(3, 2, 2, 2)
    quantized, _, _, _ = quantizer(z)
    (quantized * weights).sum().backward()
    assert torch.equal(z.grad, weights)  # d(sum(w * z)) / dz = w: the identity's gradient
    assert quantizer.codebook.weight.grad is None  # the rounding path reaches no codebook row


def test_codebook_loss_moves_only_the_codebook_and_commitment_only_the_encoder():
    quantizer = VectorQuantizer(codebook_size=4, vector_size=2)
    z = torch.randn(2, 2, 3, 3, requires_grad=True)
    quantized, _, codebook_loss, commitment_loss = quantizer(z)
    chosen = quantized.detach()
    expected = ((z.detach() - chosen) ** 2).mean()
    assert torch.allclose(codebook_loss, expected) and torch.allclose(commitment_loss, expected)
    codebook_loss.backward(retain_graph=True)
    assert z.grad is None and quantizer.codebook.weight.grad.abs().sum() > 0
    quantizer.codebook.weight.grad = None
    commitment_loss.backward()
    assert z.grad.abs().sum() > 0 and quantizer.codebook.weight.grad is None


def test_codebook_loss_pulls_each_used_row_towards_the_mean_of_its_vectors():
    quantizer = VectorQuantizer(codebook_size=3, vector_size=2)
    z = torch.randn(1, 2, 4, 4)
    _, tokens, codebook_loss, _ = quantizer(z)
    codebook_loss.backward()
    vectors, tokens = z.permute(0, 2, 3, 1).reshape(-1, 2), tokens.flatten()
    rows = quantizer.codebook.weight.detach()
    for row in range(3):
        chosen = tokens == row
        expected = 2 * chosen.sum() * (rows[row] - vectors[chosen].mean(0)) / z.numel() \
            if chosen.any() else torch.zeros(2)
        assert torch.allclose(quantizer.codebook.weight.grad[row], expected, atol=1e-6)


def test_vq_vae_maps_images_to_a_7_by_7_grid_of_tokens_and_back():
    model = VQVAE(codebook_size=16, vector_size=4)
    x = torch.rand(5, 784)
    assert model.encode(x).shape == (5, 4, 7, 7)
    reconstruction, tokens, codebook_loss, commitment_loss = model(x)
    assert reconstruction.shape == (5, 784) and tokens.shape == (5, 7, 7)
    assert reconstruction.min() >= 0 and reconstruction.max() <= 1
    assert int(tokens.min()) >= 0 and int(tokens.max()) < 16
    assert codebook_loss.dim() == 0 and commitment_loss.dim() == 0


def test_decoding_the_tokens_gives_the_reconstruction():
    model = VQVAE(codebook_size=8, vector_size=3)
    x = torch.rand(4, 784)
    reconstruction, tokens, _, _ = model(x)
    assert torch.allclose(model.decode_tokens(tokens), reconstruction, atol=1e-6)


def test_training_lowers_the_vq_vae_loss():
    from aebook.train import train
    model, images = VQVAE(codebook_size=8, vector_size=4), torch.rand(64, 784).round()

    def loss_fn(model, x):
        reconstruction, _, codebook_loss, commitment_loss = model(x)
        return vq_vae_loss(reconstruction, x, codebook_loss, commitment_loss)

    history = train(model, images, loss_fn=loss_fn, steps=16, batch_size=32, lr=3e-3,
                    progress=False)
    assert history.losses[-1] < history.losses[0]


@pytest.mark.parametrize("arguments, error", [
    ((0, 4), ValueError), ((4, 0), ValueError), ((4.0, 2), TypeError)])
def test_quantizer_rejects_bad_sizes(arguments, error):
    with pytest.raises(error):
        VectorQuantizer(*arguments)


def test_quantizer_rejects_a_wrong_input_shape():
    quantizer = VectorQuantizer(codebook_size=4, vector_size=2)
    with pytest.raises(ValueError):
        quantizer(torch.randn(2, 3, 4, 4))  # 3 channels, not 2
    with pytest.raises(ValueError):
        quantizer(torch.randn(2, 8))


def test_uniform_quantiser_uses_2_to_the_bits_levels_and_clips():
    code = torch.linspace(-1, 2, 1000)[:, None]
    quantized = quantize_uniform(code, torch.tensor([0.0]), torch.tensor([1.0]), bits=3)
    assert len(quantized.unique()) == 8
    assert quantized.min() == 0 and quantized.max() == 1
    inside = (code >= 0) & (code <= 1)
    assert (quantized - code)[inside].abs().max() <= 0.5 / 7 + 1e-6  # half a step at most


def test_uniform_quantiser_rejects_an_empty_range_and_zero_bits():
    with pytest.raises(ValueError):
        quantize_uniform(torch.rand(2, 1), torch.tensor([1.0]), torch.tensor([1.0]), bits=2)
    with pytest.raises(ValueError):
        quantize_uniform(torch.rand(2, 1), torch.tensor([0.0]), torch.tensor([1.0]), bits=0)
