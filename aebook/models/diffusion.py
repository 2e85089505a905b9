"""A tiny denoising diffusion model (DDPM, Ho et al. 2020) over code vectors (chapter 15).

The forward process adds Gaussian noise to a code z_0 in ``steps`` steps with variances
``betas``; in closed form, z_t = sqrt(alpha_bar_t) z_0 + sqrt(1 - alpha_bar_t) eps with
alpha_bar_t = prod_{s <= t} (1 - beta_s). A small MLP eps_theta(z_t, t) learns to predict the
noise eps (the "simple" loss of Ho et al.); sampling runs the reverse process from pure noise
z_T ~ N(0, I) back to z_0, one denoising step at a time.

The default schedule is Stable Diffusion's "scaled linear" one (betas from 0.00085 to 0.012,
evenly spaced in their square roots over 1,000 steps) compressed to 100 steps: ten times the
betas for a tenth of the steps, so the noise left at the last step, alpha_bar_T ~ 0.005, is
about Stable Diffusion's.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .._checks import check_positive, check_size

__all__ = ["DDPM"]


class DDPM(nn.Module):
    """eps_theta(z_t, t): the noise in a noisy code, for every step t of a fixed schedule.

    Args:
        code_size: the length of the code vectors it models.
        hidden_size: the width of the MLP's three hidden layers.
        steps: T, the number of noise levels.
        beta_start, beta_end: the first and last variance of the schedule; the betas are evenly
            spaced in their square roots in between.

    Buffers: ``betas``, ``alpha_bar`` (the cumulative product of 1 - betas), each (steps,).
    Shapes: ``forward(z_t, t)`` with z_t (batch, code_size) and t (batch,) int64 in [0, steps)
    -> the predicted noise, (batch, code_size).
    """

    def __init__(self, code_size: int = 16, hidden_size: int = 256, steps: int = 100,
                 beta_start: float = 0.0085, beta_end: float = 0.12):
        super().__init__()
        for name, value in (("code_size", code_size), ("hidden_size", hidden_size),
                            ("steps", steps)):
            check_size(name, value)
        check_positive("beta_start", beta_start)
        check_positive("beta_end", beta_end)
        if not beta_start <= beta_end < 1:
            raise ValueError(f"need beta_start <= beta_end < 1, got {beta_start}, {beta_end}")
        betas = torch.linspace(beta_start ** 0.5, beta_end ** 0.5, steps) ** 2  # (T,)
        self.register_buffer("betas", betas)
        self.register_buffer("alpha_bar", torch.cumprod(1 - betas, 0))  # (T,)
        self.time = nn.Embedding(steps, hidden_size)  # one learned vector per step t
        self.first = nn.Linear(code_size, hidden_size)
        self.body = nn.Sequential(nn.SiLU(), nn.Linear(hidden_size, hidden_size), nn.SiLU(),
                                  nn.Linear(hidden_size, hidden_size), nn.SiLU(),
                                  nn.Linear(hidden_size, code_size))

    @property
    def steps(self) -> int:
        return len(self.betas)

    def _check(self, z: torch.Tensor, t: torch.Tensor | None = None) -> None:
        if not isinstance(z, torch.Tensor) or z.dim() != 2 or z.shape[1] != self.first.in_features:
            raise ValueError(f"codes must be (batch, {self.first.in_features}), got "
                             f"{type(z).__name__} {tuple(getattr(z, 'shape', ()))}")
        if t is not None:
            if not isinstance(t, torch.Tensor) or t.dtype != torch.int64 or t.shape != (len(z),):
                raise ValueError(f"t must be an int64 tensor of shape ({len(z)},)")
            if len(t) and (t.min() < 0 or t.max() >= self.steps):
                raise ValueError(f"t must lie in [0, {self.steps})")

    def forward(self, z_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """eps_theta(z_t, t): (batch, code_size), (batch,) -> (batch, code_size)."""
        self._check(z_t, t)
        return self.body(self.first(z_t) + self.time(t))

    def add_noise(self, z_0: torch.Tensor, t: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        """q(z_t | z_0): z_t = sqrt(alpha_bar_t) z_0 + sqrt(1 - alpha_bar_t) eps (Ho et al. eq. 4)."""
        self._check(z_0, t)
        alpha_bar = self.alpha_bar[t][:, None]  # (batch, 1)
        return alpha_bar.sqrt() * z_0 + (1 - alpha_bar).sqrt() * eps

    def loss(self, z_0: torch.Tensor) -> torch.Tensor:
        """The simple loss of Ho et al.: || eps - eps_theta(z_t, t) ||^2 at a random step t."""
        self._check(z_0)
        t = torch.randint(0, self.steps, (len(z_0),), device=z_0.device)
        eps = torch.randn_like(z_0)
        return F.mse_loss(self(self.add_noise(z_0, t, eps), t), eps)

    @torch.no_grad()
    def reverse_step(self, z_t: torch.Tensor, t: int, noise: torch.Tensor) -> torch.Tensor:
        """One step of the reverse process, z_t -> z_{t-1} (Ho et al., algorithm 2), with
        sigma_t^2 = beta_t; ``noise`` is a standard normal draw of z_t's shape (unused at t = 0)."""
        beta, alpha_bar = self.betas[t], self.alpha_bar[t]
        eps = self(z_t, torch.full((len(z_t),), t, dtype=torch.int64, device=z_t.device))
        mean = (z_t - beta / (1 - alpha_bar).sqrt() * eps) / (1 - beta).sqrt()
        return mean + beta.sqrt() * noise if t > 0 else mean

    @torch.no_grad()
    def sample(self, n: int, *, generator: torch.Generator | None = None,
               trajectory: bool = False) -> torch.Tensor:
        """n codes drawn by the reverse process from z_T ~ N(0, I), on the CPU.

        Args:
            n: how many codes.
            generator: a CPU ``torch.Generator`` for the noise, so a draw repeats.
            trajectory: also return every intermediate z_t.
        Returns:
            (n, code_size); with ``trajectory``, (steps + 1, n, code_size): z_T first, z_0 last.
        """
        check_size("n", n)
        device = self.betas.device
        shape = (n, self.first.in_features)
        z = torch.randn(shape, generator=generator).to(device)
        path = [z.cpu()]
        for t in reversed(range(self.steps)):
            z = self.reverse_step(z, t, torch.randn(shape, generator=generator).to(device))
            path.append(z.cpu())
        return torch.stack(path) if trajectory else path[-1]
