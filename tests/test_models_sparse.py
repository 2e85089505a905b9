"""Specifications of aebook.models.sparse: the top-k selection k_sparse, the k-sparse
autoencoder of chapter 3, and the TopK and L1 sparse autoencoders of chapter 13."""
import pytest
import torch

from aebook.losses import l1_sparsity
from aebook.models import KSparseAutoencoder, L1SparseAutoencoder, TopKSparseAutoencoder, k_sparse


def test_k_sparse_code_has_exactly_k_active_units():
    torch.manual_seed(0)
    code = k_sparse(torch.randn(50, 100), 7)
    assert ((code != 0).sum(1) == 7).all()


def test_k_sparse_keeps_exactly_k_units_even_with_ties():
    # every value ties: topk still returns k indices and only those are scattered back
    code = k_sparse(torch.ones(3, 10), 4)
    assert ((code != 0).sum(1) == 4).all()
    # a tie at the k-th place: 5 and 5 compete for the last of 2 places, one of them wins
    code = k_sparse(torch.tensor([[1.0, 5.0, 9.0, 5.0]]), 2)
    assert (code != 0).sum().item() == 2 and code[0, 2] == 9 and code[0, [1, 3]].sum() == 5


def test_k_sparse_keeps_the_largest_values_in_place():
    pre_activation = torch.tensor([[0.3, -2.0, 4.0, 1.0, 0.5]])
    assert torch.equal(k_sparse(pre_activation, 2), torch.tensor([[0.0, 0.0, 4.0, 1.0, 0.0]]))


def test_a_kept_zero_stays_zero():
    # with k larger than the number of non-zero values, the zeros among the kept stay zero
    code = k_sparse(torch.tensor([[0.0, 0.0, 3.0, 0.0]]), 2)
    assert (code != 0).sum().item() == 1


def test_gradient_flows_only_through_kept_units():
    pre_activation = torch.tensor([[0.1, 3.0, -1.0, 2.0, 0.5]], requires_grad=True)
    k_sparse(pre_activation, 2).sum().backward()
    assert torch.equal(pre_activation.grad, torch.tensor([[0.0, 1.0, 0.0, 1.0, 0.0]]))


def test_k_sparse_autoencoder_shapes_and_code_sparsity():
    model = KSparseAutoencoder(k=5, code_size=60)
    x = torch.rand(8, 784)
    code = model.encode(x)
    assert code.shape == (8, 60) and ((code != 0).sum(1) == 5).all()
    assert model(x).shape == (8, 784)
    assert ((model.encode(x, k=15) != 0).sum(1) == 15).all()  # alpha * k at encoding time


def test_k_sparse_autoencoder_decoder_is_tied_to_the_encoder():
    model = KSparseAutoencoder(k=3, code_size=20)
    code = torch.zeros(1, 20)
    code[0, 4] = 1.0
    # one active unit draws its filter (row 4 of the tied weights) on top of the bias
    assert torch.allclose(model.decode(code)[0] - model.decoder_bias, model.filters[4])
    assert model.filters.data_ptr() == model.encoder.weight.data_ptr()


def test_k_sparse_autoencoder_with_k_equal_to_the_units_is_affine():
    model = KSparseAutoencoder(k=10, code_size=10)
    x, y = torch.rand(2, 784), torch.rand(2, 784)
    zero = torch.zeros(1, 784)
    assert torch.allclose(model(x) + model(y) - model(zero), model(x + y), atol=1e-5)


@pytest.mark.parametrize("k", [0, -1, 61])
def test_bad_k_raises_value_error(k):
    with pytest.raises(ValueError, match=r"k must be in \[1, 60\]"):
        KSparseAutoencoder(k=k, code_size=60)
    with pytest.raises(ValueError, match=r"k must be in \[1, 60\]"):
        k_sparse(torch.zeros(2, 60), k)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(TypeError, match="k must be an int"):
        KSparseAutoencoder(k=2.5)
    with pytest.raises(ValueError, match=r"k must be in \[1, 20\]"):
        KSparseAutoencoder(k=3, code_size=20).encode(torch.rand(2, 784), k=21)
    with pytest.raises(ValueError, match="code_size must be a positive int"):
        KSparseAutoencoder(code_size=0)
    with pytest.raises(TypeError, match="pre_activation must be a torch.Tensor"):
        k_sparse([[1.0, 2.0]], 1)
    with pytest.raises(ValueError, match="pre_activation must have 2 dimensions"):
        k_sparse(torch.zeros(4), 1)


def test_forward_is_decode_of_encode_with_the_same_gradients():
    torch.manual_seed(0)
    model = KSparseAutoencoder(k=6, code_size=40)
    x = torch.rand(5, 784)
    fast = ((model(x) - x) ** 2).mean()
    fast.backward()
    fast_grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    plain = ((model.decode(model.encode(x)) - x) ** 2).mean()
    plain.backward()
    assert torch.allclose(fast, plain, atol=1e-6)
    for fast_grad, parameter in zip(fast_grads, model.parameters()):
        assert torch.allclose(fast_grad, parameter.grad, atol=1e-6)


def test_topk_code_has_exactly_k_active_latents_when_the_top_pre_activations_are_positive():
    model = TopKSparseAutoencoder(input_size=16, code_size=64, k=5)
    with torch.no_grad():
        model.encoder.bias.fill_(10.0)  # every pre-activation positive
    code = model.encode(torch.randn(32, 16))
    assert ((code != 0).sum(1) == 5).all()


def test_topk_code_never_has_more_than_k_active_latents_and_is_non_negative():
    model = TopKSparseAutoencoder(input_size=16, code_size=64, k=7)
    code = model.encode(torch.randn(100, 16) * 3)
    assert ((code != 0).sum(1) <= 7).all() and (code >= 0).all()


def test_topk_keeps_the_largest_pre_activations():
    model = TopKSparseAutoencoder(input_size=8, code_size=20, k=3)
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
    # embedding_bag and the matrix product round differently: equal to float32 rounding
    assert torch.allclose(model(x), code @ model.decoder_weight.T + model.decoder_bias,
                          atol=1e-6)


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
    (dict(code_size=0), ValueError), (dict(input_size="8"), TypeError)])
def test_bad_sizes_are_rejected(kwargs, error):
    arguments = dict(input_size=8, code_size=64, k=4) | kwargs
    with pytest.raises(error):
        TopKSparseAutoencoder(**arguments)


def test_l1_model_rejects_bad_sizes():
    with pytest.raises(ValueError):
        L1SparseAutoencoder(8, 0)
