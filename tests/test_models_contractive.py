"""Specifications of aebook.models.contractive: the contractive autoencoder of chapter 9 (its
penalty: tests/test_losses_sparsity.py; its Jacobian's measurements: tests/test_metrics_jacobian.py)."""
import pytest
import torch

from aebook.models import ContractiveAutoencoder


def model(code_size=32, seed=0):
    torch.manual_seed(seed)
    return ContractiveAutoencoder(code_size=code_size)


def test_contractive_autoencoder_shapes_and_tied_weights():
    autoencoder, x = model(), torch.rand(5, 784)
    code = autoencoder.encode(x)
    assert code.shape == (5, 32) and ((code > 0) & (code < 1)).all()
    assert autoencoder(x).shape == (5, 784)
    # one weight matrix, shared by encoder and decoder: 784 * 32 + 32 + 784 parameters
    assert sum(p.numel() for p in autoencoder.parameters()) == 784 * 32 + 32 + 784
    with pytest.raises(TypeError, match="code_size"):
        ContractiveAutoencoder(code_size=2.5)
