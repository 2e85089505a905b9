import pytest
import torch

from aebook.pca import fit_pca, principal_angles


def test_pca_error_on_training_data_is_the_discarded_variance():
    images = torch.rand(500, 20) @ torch.rand(20, 20)
    pca = fit_pca(images)
    for code_size in (1, 5, 12):
        error = ((pca.reconstruct(images, code_size) - images) ** 2).mean().item()
        assert error == pytest.approx(pca.discarded_variance(code_size), rel=1e-3)
    assert torch.all(pca.eigenvalues[:-1] >= pca.eigenvalues[1:])


def test_principal_angles_are_zero_for_one_subspace_and_ninety_for_orthogonal_ones():
    basis = torch.linalg.qr(torch.randn(10, 4))[0]
    mixed = basis @ torch.randn(4, 4)  # same span, other basis
    assert principal_angles(basis, mixed).max().item() < 0.1
    assert torch.allclose(principal_angles(basis[:, :2], basis[:, 2:]), torch.tensor([90.0, 90.0]))


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="same number of rows"):
        principal_angles(torch.randn(5, 2), torch.randn(6, 2))
    with pytest.raises(TypeError, match="torch.Tensor"):
        fit_pca([[0.0, 1.0]])
