import pytest
import torch

from aebook.losses import kl_sparsity, l1_sparsity
from aebook.models import Autoencoder, KSparseAutoencoder, SparseAutoencoder, k_sparse


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
    model = KSparseAutoencoder(k=5, hidden_size=60)
    x = torch.rand(8, 784)
    code = model.encode(x)
    assert code.shape == (8, 60) and ((code != 0).sum(1) == 5).all()
    assert model(x).shape == (8, 784)
    assert ((model.encode(x, k=15) != 0).sum(1) == 15).all()  # alpha * k at encoding time


def test_k_sparse_autoencoder_decoder_is_tied_to_the_encoder():
    model = KSparseAutoencoder(k=3, hidden_size=20)
    code = torch.zeros(1, 20)
    code[0, 4] = 1.0
    # one active unit draws its filter (row 4 of the tied weights) on top of the bias
    assert torch.allclose(model.decode(code)[0] - model.decoder_bias, model.filters[4])
    assert model.filters.data_ptr() == model.encoder.weight.data_ptr()


def test_k_sparse_autoencoder_with_k_equal_to_the_units_is_affine():
    model = KSparseAutoencoder(k=10, hidden_size=10)
    x, y = torch.rand(2, 784), torch.rand(2, 784)
    zero = torch.zeros(1, 784)
    assert torch.allclose(model(x) + model(y) - model(zero), model(x + y), atol=1e-5)


@pytest.mark.parametrize("k", [0, -1, 61])
def test_bad_k_raises_value_error(k):
    with pytest.raises(ValueError, match=r"k must be in \[1, 60\]"):
        KSparseAutoencoder(k=k, hidden_size=60)
    with pytest.raises(ValueError, match=r"k must be in \[1, 60\]"):
        k_sparse(torch.zeros(2, 60), k)


def test_sparse_autoencoder_is_overcomplete_by_default_and_shares_the_autoencoder_interface():
    model = SparseAutoencoder()
    assert isinstance(model, Autoencoder)
    assert model.encoder[0].out_features == 1000 > model.encoder[0].in_features == 784


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(TypeError, match="k must be an int"):
        KSparseAutoencoder(k=2.5)
    with pytest.raises(ValueError, match=r"k must be in \[1, 20\]"):
        KSparseAutoencoder(k=3, hidden_size=20).encode(torch.rand(2, 784), k=21)
    with pytest.raises(ValueError, match="hidden_size must be a positive int"):
        SparseAutoencoder(hidden_size=0)
    with pytest.raises(TypeError, match="pre_activation must be a torch.Tensor"):
        k_sparse([[1.0, 2.0]], 1)
    with pytest.raises(ValueError, match="pre_activation must have 2 dimensions"):
        k_sparse(torch.zeros(4), 1)


def test_sparse_autoencoder_code_is_in_the_unit_interval():
    model = SparseAutoencoder(hidden_size=30)
    code = model.encode(torch.rand(16, 784))
    assert code.shape == (16, 30) and code.min() > 0 and code.max() < 1
    assert model(torch.rand(2, 784)).shape == (2, 784)


@pytest.mark.parametrize("penalty", [l1_sparsity, kl_sparsity], ids=lambda f: f.__name__)
def test_sparsity_penalties_on_the_code_train_the_encoder_to_fire_less(penalty):
    """The model is not sparse by itself: the penalty on encode(x) makes it so. Its gradient
    reaches the encoder, and a few steps on the penalty alone lower the mean activation
    from about 0.5 (sigmoid of small pre-activations) and the penalty with it."""
    model = SparseAutoencoder(hidden_size=30)
    images = torch.rand(64, 784)
    optimiser = torch.optim.SGD(model.encoder.parameters(), lr=0.05)
    start_activation = model.encode(images).mean().item()
    start_penalty = penalty(model.encode(images)).item()
    for _ in range(20):
        optimiser.zero_grad()
        penalty(model.encode(images)).backward()
        assert model.encoder[0].weight.grad.abs().sum() > 0
        optimiser.step()
    assert 0.4 < start_activation < 0.6
    assert model.encode(images).mean().item() < start_activation - 0.1
    assert penalty(model.encode(images)).item() < start_penalty


def test_forward_is_decode_of_encode_with_the_same_gradients():
    torch.manual_seed(0)
    model = KSparseAutoencoder(k=6, hidden_size=40)
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
