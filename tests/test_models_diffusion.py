"""Specifications of aebook.models.diffusion: the DDPM over codes (chapter 15)."""
import pytest
import torch

from aebook.models import DDPM


def test_the_schedule_is_stable_diffusions_compressed_to_its_steps():
    model = DDPM(code_size=4)
    betas = torch.linspace(0.0085 ** 0.5, 0.12 ** 0.5, 100) ** 2
    assert torch.allclose(model.betas, betas) and model.steps == 100
    assert torch.allclose(model.alpha_bar, torch.cumprod(1 - betas, 0))
    assert 0.003 < model.alpha_bar[-1] < 0.008  # about Stable Diffusion's alpha_bar_T, 0.0047


def test_add_noise_is_the_closed_form_forward_process():
    torch.manual_seed(0)
    model = DDPM(code_size=3, steps=10)
    z_0, eps, t = torch.randn(4, 3), torch.randn(4, 3), torch.tensor([0, 3, 9, 9])
    alpha_bar = torch.cumprod(1 - model.betas, 0)[t][:, None]
    assert torch.allclose(model.add_noise(z_0, t, eps),
                          alpha_bar.sqrt() * z_0 + (1 - alpha_bar).sqrt() * eps)
    many = model.add_noise(torch.full((20_000, 3), 5.0), torch.full((20_000,), 9), torch.randn(20_000, 3))
    expected_mean = 5 * model.alpha_bar[9].sqrt()
    assert torch.allclose(many.mean(0), expected_mean.expand(3), atol=0.03)
    assert torch.allclose(many.var(0), (1 - model.alpha_bar[9]).expand(3), atol=0.03)


def test_the_loss_is_the_noise_prediction_error_and_trains():
    torch.manual_seed(0)
    model = DDPM(code_size=2, hidden_size=32, steps=20)
    data = torch.randn(256, 2) * 0.1 + torch.tensor([1.0, -1.0])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    first = model.loss(data).item()
    for _ in range(200):
        optimizer.zero_grad()
        loss = model.loss(data)
        loss.backward()
        optimizer.step()
    assert model.loss(data).item() < 0.5 * first


def test_reverse_step_with_a_perfect_noise_prediction_recovers_the_mean_of_ho_et_al():
    torch.manual_seed(0)
    model = DDPM(code_size=2, steps=5)
    z_t, t = torch.randn(3, 2), 3
    eps = model(z_t, torch.full((3,), t))
    beta, alpha_bar = model.betas[t], model.alpha_bar[t]
    mean = (z_t - beta / (1 - alpha_bar).sqrt() * eps) / (1 - beta).sqrt()
    noise = torch.randn(3, 2)
    assert torch.allclose(model.reverse_step(z_t, t, noise), mean + beta.sqrt() * noise, atol=1e-6)
    assert torch.allclose(model.reverse_step(z_t, 0, noise), (
        z_t - model.betas[0] / (1 - model.alpha_bar[0]).sqrt() * model(z_t, torch.zeros(3, dtype=torch.int64))
    ) / (1 - model.betas[0]).sqrt(), atol=1e-6)  # no noise at the last step


def test_sampling_is_repeatable_and_the_trajectory_runs_from_noise_to_codes():
    model = DDPM(code_size=3, hidden_size=16, steps=8)
    first = model.sample(5, generator=torch.Generator().manual_seed(1))
    again = model.sample(5, generator=torch.Generator().manual_seed(1))
    assert first.shape == (5, 3) and torch.equal(first, again)
    path = model.sample(5, generator=torch.Generator().manual_seed(1), trajectory=True)
    assert path.shape == (9, 5, 3) and torch.equal(path[-1], first)
    assert torch.equal(path[0], torch.randn(5, 3, generator=torch.Generator().manual_seed(1)))


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        DDPM(beta_start=0.2, beta_end=0.1)
    with pytest.raises(ValueError):
        DDPM(beta_end=1.0)
    with pytest.raises(TypeError):
        DDPM(steps=2.5)
    model = DDPM(code_size=4, steps=10)
    with pytest.raises(ValueError, match="codes must be"):
        model(torch.randn(2, 3), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="t must"):
        model(torch.randn(2, 4), torch.tensor([0, 10]))
    with pytest.raises(ValueError, match="t must"):
        model(torch.randn(2, 4), torch.tensor([0.0, 1.0]))
    with pytest.raises(TypeError):
        model.sample(0.5)
