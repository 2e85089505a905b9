import pytest
import torch

from aebook.losses import l1_sparsity
from aebook.models import L1SparseAutoencoder, TopKSparseAutoencoder


def test_topk_code_has_exactly_k_active_latents_when_the_top_pre_activations_are_positive():
    model = TopKSparseAutoencoder(input_size=16, latent_size=64, k=5)
    with torch.no_grad():
        model.encoder.bias.fill_(10.0)  # every pre-activation positive
    code = model.encode(torch.randn(32, 16))
    assert ((code != 0).sum(1) == 5).all()


def test_topk_code_never_has_more_than_k_active_latents_and_is_non_negative():
    model = TopKSparseAutoencoder(input_size=16, latent_size=64, k=7)
    code = model.encode(torch.randn(100, 16) * 3)
    assert ((code != 0).sum(1) <= 7).all() and (code >= 0).all()


def test_topk_keeps_the_largest_pre_activations():
    model = TopKSparseAutoencoder(input_size=8, latent_size=20, k=3)
    x = torch.randn(10, 8)
    pre_activation = model.pre_activation(x)
    kept = model.encode(x) != 0
    threshold = pre_activation.topk(3, dim=1).values[:, -1:]  # (10, 1): the k-th largest
    assert (pre_activation[kept] >= threshold.expand_as(pre_activation)[kept]).all()


@pytest.mark.parametrize("model", [TopKSparseAutoencoder(8, 40, 4), L1SparseAutoencoder(8, 40)])
def test_decoder_columns_have_unit_norm_before_and_after_training_steps(model):
    assert torch.allclose(model.decoder_weight.norm(dim=0), torch.ones(40), atol=1e-6)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    for _ in range(5):
        x = torch.randn(16, 8)
        code = model.encode(x)
        loss = ((model.decode(code) - x) ** 2).mean() + 0.1 * l1_sparsity(code)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert torch.allclose(model.decoder_weight.norm(dim=0), torch.ones(40), atol=1e-6)


@pytest.mark.parametrize("model", [TopKSparseAutoencoder(8, 40, 4), L1SparseAutoencoder(8, 40)])
def test_decoder_starts_as_the_encoders_transpose(model):
    directions = torch.nn.functional.normalize(model.encoder.weight.detach(), dim=1).T
    assert torch.allclose(model.decoder_weight, directions, atol=1e-6)


@pytest.mark.parametrize("model", [TopKSparseAutoencoder(8, 40, 4), L1SparseAutoencoder(8, 40)])
def test_forward_is_decode_of_encode_with_the_right_shapes(model):
    x = torch.randn(6, 8)
    code = model.encode(x)
    assert code.shape == (6, 40) and model(x).shape == (6, 8)
    assert torch.allclose(model(x), code @ model.decoder_weight.T + model.decoder_bias)


def test_l1_code_is_the_relu_of_the_pre_activation():
    model = L1SparseAutoencoder(8, 40)
    x = torch.randn(6, 8)
    assert torch.equal(model.encode(x), torch.relu(model.pre_activation(x)))


def test_encoder_reads_x_minus_the_decoder_bias():
    model = L1SparseAutoencoder(4, 10)
    with torch.no_grad():
        model.decoder_bias.copy_(torch.tensor([1.0, 2.0, 3.0, 4.0]))
    x = torch.tensor([[1.0, 2.0, 3.0, 4.0]])  # equal to b_dec: the encoder sees zeros
    assert torch.allclose(model.pre_activation(x), model.encoder.bias[None])


def test_topk_gradient_reaches_only_the_kept_latents_encoder_rows():
    model = TopKSparseAutoencoder(8, 30, 2)
    x = torch.randn(1, 8)
    kept = (model.encode(x) != 0)[0]
    model(x).sum().backward()
    touched = model.encoder.weight.grad.abs().sum(1) != 0
    assert touched.sum() <= 2 and not (touched & ~kept).any()


@pytest.mark.parametrize("kwargs, error", [
    (dict(k=0), ValueError), (dict(k=65), ValueError), (dict(k=2.5), TypeError),
    (dict(latent_size=0), ValueError), (dict(input_size="8"), TypeError)])
def test_bad_sizes_are_rejected(kwargs, error):
    arguments = dict(input_size=8, latent_size=64, k=4) | kwargs
    with pytest.raises(error):
        TopKSparseAutoencoder(**arguments)


def test_l1_model_rejects_bad_sizes():
    with pytest.raises(ValueError):
        L1SparseAutoencoder(8, 0)
