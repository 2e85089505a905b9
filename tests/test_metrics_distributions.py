"""Specifications of aebook.metrics.distributions: the maximum mean discrepancy (chapter 10)
and the Fréchet distance (chapter 15)."""
import pytest
import torch

from aebook.metrics import frechet_distance, gaussian_frechet_distance, mmd


def test_mmd_is_small_for_one_distribution_and_grows_with_a_shift():
    generator = torch.Generator().manual_seed(0)
    a, b = torch.randn(500, 2, generator=generator), torch.randn(500, 2, generator=generator)
    assert mmd(a, a) == pytest.approx(0.0, abs=1e-12)
    same, shifted, far = mmd(a, b), mmd(a, b + 1), mmd(a, b + 3)
    assert same < 0.02 < shifted < far
    with pytest.raises(ValueError):
        mmd(a, torch.randn(5, 3))
    with pytest.raises(ValueError):
        mmd(a, b, bandwidths=())


def random_covariance(size, seed=0):
    factor = torch.randn(size, size, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    return factor @ factor.T + 0.1 * torch.eye(size, dtype=torch.float64)


def test_identical_gaussians_are_at_distance_zero():
    mean, covariance = torch.randn(5, dtype=torch.float64), random_covariance(5)
    assert gaussian_frechet_distance(mean, covariance, mean, covariance) == pytest.approx(0, abs=1e-9)


def test_a_shifted_gaussian_is_at_the_squared_length_of_the_shift():
    mean, covariance, shift = torch.zeros(4), random_covariance(4), torch.tensor([1.0, -2.0, 0.5, 3.0])
    distance = gaussian_frechet_distance(mean, covariance, mean + shift, covariance)
    assert distance == pytest.approx(shift.pow(2).sum().item(), rel=1e-9)


def test_one_dimension_gives_the_squared_differences_of_means_and_standard_deviations():
    distance = gaussian_frechet_distance(torch.tensor([1.0]), torch.tensor([[4.0]]),
                                         torch.tensor([-2.0]), torch.tensor([[9.0]]))
    assert distance == pytest.approx(3.0 ** 2 + (2.0 - 3.0) ** 2)


def test_commuting_covariances_give_the_closed_form_and_the_distance_is_symmetric():
    a, b = torch.tensor([1.0, 4.0, 0.25]), torch.tensor([9.0, 1.0, 0.25])
    expected = (a.sqrt() - b.sqrt()).pow(2).sum().item()  # diagonal: sum (sqrt a_i - sqrt b_i)^2
    mean = torch.zeros(3)
    assert gaussian_frechet_distance(mean, a.diag(), mean, b.diag()) == pytest.approx(expected)
    c1, c2 = random_covariance(6, 1), random_covariance(6, 2)
    m1, m2 = torch.randn(6), torch.randn(6)
    assert gaussian_frechet_distance(m1, c1, m2, c2) == pytest.approx(
        gaussian_frechet_distance(m2, c2, m1, c1), rel=1e-9)


def test_rotating_a_covariance_is_measured_as_the_bures_distance():
    # N(0, diag(1, 0)) and N(0, diag(0, 1)): tr + tr - 2 tr sqrt(0) = 2
    mean = torch.zeros(2)
    assert gaussian_frechet_distance(mean, torch.diag(torch.tensor([1.0, 0.0])), mean,
                                     torch.diag(torch.tensor([0.0, 1.0]))) == pytest.approx(2.0)


def test_features_use_their_fitted_mean_and_covariance():
    torch.manual_seed(0)
    first = torch.randn(500, 3)
    assert frechet_distance(first, first) == pytest.approx(0, abs=1e-9)
    assert frechet_distance(first, first + torch.tensor([3.0, 0.0, 4.0])) == pytest.approx(25.0)
    second = torch.randn(300, 3) * 2  # different sizes are allowed
    expected = gaussian_frechet_distance(first.mean(0), torch.cov(first.T), second.mean(0),
                                         torch.cov(second.T))
    assert frechet_distance(first, second) == pytest.approx(expected)
    assert frechet_distance(torch.randn(50, 1), torch.randn(40, 1)) >= 0  # one feature


@pytest.mark.parametrize("first, second, error", [
    ([[0.0, 1.0]], torch.zeros(3, 2), TypeError),                  # not a tensor
    (torch.zeros(3, 2, dtype=torch.int64), torch.zeros(3, 2), TypeError),
    (torch.zeros(6), torch.zeros(3, 2), ValueError),               # not (n, d)
    (torch.zeros(3, 2), torch.zeros(3, 4), ValueError),            # different d
    (torch.zeros(1, 2), torch.zeros(3, 2), ValueError),            # one row: no covariance
    (torch.tensor([[0.0, float("nan")], [1.0, 2.0]]), torch.zeros(3, 2), ValueError),
])
def test_bad_features_raise(first, second, error):
    with pytest.raises(error):
        frechet_distance(first, second)


def test_bad_gaussians_raise():
    mean, covariance = torch.zeros(2), torch.eye(2)
    with pytest.raises(ValueError, match="symmetric"):
        gaussian_frechet_distance(mean, torch.tensor([[1.0, 0.5], [0.0, 1.0]]), mean, covariance)
    with pytest.raises(ValueError, match="differ in length"):
        gaussian_frechet_distance(mean, covariance, torch.zeros(3), torch.eye(3))
    with pytest.raises(ValueError):
        gaussian_frechet_distance(mean, torch.eye(3), mean, covariance)
    with pytest.raises(ValueError):
        gaussian_frechet_distance(torch.zeros(2, 1), covariance, mean, covariance)
