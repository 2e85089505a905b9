"""PCA and its probabilistic twin.

- :class:`PCA`, :func:`fit_pca` (chapter 1): the principal subspace a linear autoencoder finds;
  :func:`principal_angles` compares two subspaces.
- :class:`PPCA`, :func:`fit_ppca` (chapter 8): probabilistic PCA (Tipping & Bishop 1999), a
  latent-variable model where everything the ELBO hides is exact:
  z ~ N(0, I_d),  x | z ~ N(W z + b, sigma^2 I_D). Then the marginal is Gaussian,
  p(x) = N(x; b, C) with C = W W^T + sigma^2 I; the posterior is Gaussian,
  p(z|x) = N(M^-1 W^T (x - b), sigma^2 M^-1) with M = W^T W + sigma^2 I; for a Gaussian
  q(z) = N(m, S) the ELBO has a closed form, so log p(x) - ELBO(q) = KL(q || p(z|x)) and
  importance-sampled estimates of log p(x) can be checked to rounding error. PPCA computes in
  float64 and returns float64 tensors.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ._checks import as_covariance, as_vector_batch, check_images, check_size, check_tensor
from .losses import gaussian_kl

__all__ = ["PCA", "fit_pca", "principal_angles", "PPCA", "fit_ppca"]

LOG_2PI = math.log(2 * math.pi)


@dataclass(frozen=True)
class PCA:
    """A fitted PCA.

    Attributes:
        mean: (pixels,) the training mean.
        components: (pixels, pixels) eigenvectors of the centred covariance, as columns,
            by decreasing eigenvalue.
        eigenvalues: (pixels,) decreasing.
    """

    mean: torch.Tensor
    components: torch.Tensor
    eigenvalues: torch.Tensor

    def encode(self, x: torch.Tensor, code_size: int) -> torch.Tensor:
        """x: (batch, pixels) -> code: (batch, code_size), coordinates on the top components."""
        check_size("code_size", code_size)
        return (x - self.mean) @ self.components[:, :code_size]

    def decode(self, code: torch.Tensor) -> torch.Tensor:
        """code: (batch, code_size) -> reconstruction: (batch, pixels)."""
        return code @ self.components[:, :code.shape[1]].T + self.mean

    def reconstruct(self, x: torch.Tensor, code_size: int) -> torch.Tensor:
        return self.decode(self.encode(x, code_size))

    def discarded_variance(self, code_size: int) -> float:
        """Eckart-Young: the least mean squared error per pixel of any rank-``code_size``
        linear reconstruction of the training data."""
        check_size("code_size", code_size)
        return float(self.eigenvalues[code_size:].sum() / len(self.mean))


def fit_pca(images: torch.Tensor) -> PCA:
    """Fit PCA by an eigendecomposition of the centred covariance.

    Args:
        images: (n, pixels) float tensor.
    """
    check_images("images", images)
    mean = images.double().mean(0).float()
    centred = images - mean
    # The product in float32 is fast; the eigendecomposition in float64 keeps small eigenvalues exact.
    covariance = (centred.T @ centred).double() / len(images)
    eigenvalues, vectors = torch.linalg.eigh(covariance)  # ascending
    order = torch.argsort(eigenvalues, descending=True)
    return PCA(mean, vectors[:, order].float(), eigenvalues[order].clamp_min(0).float())


def principal_angles(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Principal angles, in degrees, between the column spaces of ``a`` and ``b``.

    Args:
        a: (n, p) and b: (n, q) with p, q <= n.
    Returns:
        (min(p, q),) angles, ascending; 0 for a shared direction, 90 for orthogonal ones.
    """
    for name, value in (("a", a), ("b", b)):
        check_tensor(name, value)
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"a and b must have the same number of rows, got {a.shape[0]} and {b.shape[0]}")
    qa, _ = torch.linalg.qr(a.double())
    qb, _ = torch.linalg.qr(b.double())
    cosines = torch.linalg.svdvals(qa.T @ qb).clamp(-1, 1)
    return torch.rad2deg(torch.arccos(cosines)).float()  # cosines descend, angles ascend


@dataclass(frozen=True)
class PPCA:
    """z ~ N(0, I), x | z ~ N(weight z + bias, noise_variance I).

    Attributes:
        weight: (input_size, code_size) W.  bias: (input_size,) b.  noise_variance: sigma^2 > 0.
    """

    weight: torch.Tensor
    bias: torch.Tensor
    noise_variance: float

    def __post_init__(self):
        check_tensor("weight", self.weight)
        if not isinstance(self.bias, torch.Tensor) or self.bias.shape != self.weight.shape[:1]:
            raise ValueError(f"bias must be a ({self.weight.shape[0]},) tensor")
        if not float(self.noise_variance) > 0:
            raise ValueError(f"noise_variance must be positive, got {self.noise_variance}")
        object.__setattr__(self, "weight", self.weight.double())
        object.__setattr__(self, "bias", self.bias.double())
        object.__setattr__(self, "noise_variance", float(self.noise_variance))

    @property
    def input_size(self) -> int:
        return self.weight.shape[0]

    @property
    def code_size(self) -> int:
        return self.weight.shape[1]

    def _m(self) -> torch.Tensor:
        """M = W^T W + sigma^2 I: (code_size, code_size)."""
        return self.weight.T @ self.weight + self.noise_variance * torch.eye(self.code_size,
                                                                            dtype=torch.float64)

    def log_likelihood(self, x: torch.Tensor) -> torch.Tensor:
        """log p(x) = log N(x; b, W W^T + sigma^2 I), exactly: x (batch, D) -> (batch,) nats.

        Woodbury and the determinant lemma keep it to d x d matrices:
        C^-1 = (I - W M^-1 W^T) / sigma^2,  log det C = (D - d) log sigma^2 + log det M."""
        residual = as_vector_batch("x", x, self.input_size) - self.bias  # (batch, D)
        chol_m = torch.linalg.cholesky(self._m())
        projected = residual @ self.weight  # (batch, d)
        inner = torch.cholesky_solve(projected.T, chol_m).T  # M^-1 W^T r, (batch, d)
        quadratic = (residual.pow(2).sum(1) - (projected * inner).sum(1)) / self.noise_variance
        log_det = ((self.input_size - self.code_size) * math.log(self.noise_variance)
                   + 2 * chol_m.diagonal().log().sum())
        return -0.5 * (self.input_size * LOG_2PI + log_det + quadratic)

    def posterior(self, x: torch.Tensor) -> tuple:
        """The exact p(z|x) = N(M^-1 W^T (x - b), sigma^2 M^-1).

        Returns:
            mean: (batch, code_size); covariance: (code_size, code_size), the same for every x.
        """
        residual = as_vector_batch("x", x, self.input_size) - self.bias
        m_inverse = torch.linalg.inv(self._m())
        return residual @ self.weight @ m_inverse.T, self.noise_variance * m_inverse

    def log_joint(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """log p(x|z) + log p(z): x (batch, D), z (batch, d) or (samples, batch, d) -> z.shape[:-1]."""
        x = as_vector_batch("x", x, self.input_size)
        z = z.double()
        if z.shape[-1] != self.code_size or z.shape[-2] != len(x):
            raise ValueError(f"z must be (..., {len(x)}, {self.code_size}), got {tuple(z.shape)}")
        mean = z @ self.weight.T + self.bias
        log_p_x_given_z = -0.5 * ((x - mean).pow(2).sum(-1) / self.noise_variance
                                  + self.input_size * (LOG_2PI + math.log(self.noise_variance)))
        log_p_z = -0.5 * (z.pow(2).sum(-1) + self.code_size * LOG_2PI)
        return log_p_x_given_z + log_p_z

    def elbo(self, x: torch.Tensor, mean: torch.Tensor, covariance: torch.Tensor) -> torch.Tensor:
        """ELBO(q) = E_q[log p(x|z)] - KL(q || N(0, I)) in closed form, for q = N(mean, covariance).

        E_q[log p(x|z)] = -D/2 log(2 pi sigma^2) - (||x - W m - b||^2 + tr(W S W^T)) / (2 sigma^2)

        Args:
            x: (batch, D). mean: (batch, d). covariance: (d, d) or (batch, d, d).
        Returns:
            (batch,) nats.
        """
        x = as_vector_batch("x", x, self.input_size)
        mean = as_vector_batch("mean", mean, self.code_size)
        covariance = as_covariance("covariance", covariance, self.code_size)
        residual = x - mean @ self.weight.T - self.bias
        spread = (self.weight @ covariance @ self.weight.T).diagonal(dim1=-2, dim2=-1).sum(-1)
        log_normaliser = self.input_size * (LOG_2PI + math.log(self.noise_variance))
        expected_log_likelihood = -0.5 * (log_normaliser
                                          + (residual.pow(2).sum(1) + spread) / self.noise_variance)
        identity = torch.eye(self.code_size, dtype=torch.float64)
        kl = gaussian_kl(mean, covariance, torch.zeros_like(mean), identity)
        return expected_log_likelihood - kl

    def monte_carlo_elbo(self, x: torch.Tensor, mean: torch.Tensor, covariance: torch.Tensor,
                         samples: int = 1000, generator: torch.Generator | None = None) -> tuple:
        """The ELBO estimated as the average of log p(x, z) - log q(z) over z ~ q.

        Returns:
            (estimate, standard_error), each (batch,).
        """
        check_size("samples", samples)
        x = as_vector_batch("x", x, self.input_size)
        mean = as_vector_batch("mean", mean, self.code_size)
        covariance = as_covariance("covariance", covariance, self.code_size)
        chol = torch.linalg.cholesky(covariance)
        epsilon = torch.randn(samples, len(mean), self.code_size, dtype=torch.float64,
                              generator=generator)
        z = mean + (chol @ epsilon.unsqueeze(-1)).squeeze(-1)  # (samples, batch, d)
        log_q = -0.5 * (epsilon.pow(2).sum(-1) + self.code_size * LOG_2PI) \
            - chol.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        terms = self.log_joint(x, z) - log_q  # (samples, batch)
        return terms.mean(0), terms.std(0) / math.sqrt(samples)

    def importance_sampled_log_likelihood(self, x: torch.Tensor, mean: torch.Tensor,
                                          covariance: torch.Tensor, samples: int = 1000,
                                          generator: torch.Generator | None = None,
                                          chunk: int = 100_000) -> torch.Tensor:
        """log p(x) estimated by importance sampling from a Gaussian proposal q = N(mean, covariance):

            log (1/K) sum_k p(x, z_k) / q(z_k),   z_k ~ q.

        With q = the prior N(0, I) this is plain Monte Carlo over the prior, log mean_k p(x | z_k);
        with q = the posterior every weight equals p(x) and the estimate is exact. By Jensen's
        inequality its expectation never exceeds log p(x).

        Args:
            x: (batch, D). mean: (batch, d) or (d,). covariance: (d, d), shared by the batch.
            samples: K. chunk: draws handled at once (memory: chunk x batch x d floats).
        Returns:
            (batch,) nats.
        """
        check_size("samples", samples)
        check_size("chunk", chunk)
        x = as_vector_batch("x", x, self.input_size)
        mean = as_vector_batch("mean", mean, self.code_size).expand(len(x), -1)
        covariance = as_covariance("covariance", covariance, self.code_size)
        if covariance.dim() != 2:
            raise ValueError("covariance must be one (d, d) matrix, shared by the batch")
        chol = torch.linalg.cholesky(covariance)
        residual = x - self.bias  # (batch, D)
        # ||r - W z||^2 = ||r||^2 - 2 (W^T r) . z + z^T (W^T W) z: only d-sized terms per draw
        squared_residual, projected = residual.pow(2).sum(1), residual @ self.weight
        gram = self.weight.T @ self.weight  # (d, d)
        log_terms = []
        for first in range(0, samples, chunk):
            count = min(chunk, samples - first)
            epsilon = torch.randn(count, len(x), self.code_size, dtype=torch.float64,
                                  generator=generator)
            z = mean + epsilon @ chol.T  # (count, batch, d)
            squared_error = squared_residual - 2 * (z * projected).sum(-1) + ((z @ gram) * z).sum(-1)
            log_p_x_given_z = -0.5 * (self.input_size * (LOG_2PI + math.log(self.noise_variance))
                                      + squared_error / self.noise_variance)
            log_prior = -0.5 * (z.pow(2).sum(-1) + self.code_size * LOG_2PI)
            log_q = (-0.5 * (epsilon.pow(2).sum(-1) + self.code_size * LOG_2PI)
                     - chol.diagonal().log().sum())
            log_terms.append(torch.logsumexp(log_p_x_given_z + log_prior - log_q, 0))
        return torch.logsumexp(torch.stack(log_terms), 0) - math.log(samples)

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """n draws of x from the model: (n, D)."""
        check_size("n", n)
        z = torch.randn(n, self.code_size, dtype=torch.float64, generator=generator)
        noise = torch.randn(n, self.input_size, dtype=torch.float64, generator=generator)
        return z @ self.weight.T + self.bias + math.sqrt(self.noise_variance) * noise


def fit_ppca(images: torch.Tensor, code_size: int) -> PPCA:
    """The maximum-likelihood PPCA (Tipping & Bishop 1999), in closed form from PCA:
    sigma^2 = the mean discarded eigenvalue, W = V_d (Lambda_d - sigma^2 I)^(1/2), b = the mean.

    Args:
        images: (n, D) float tensor. code_size: d < D.
    """
    check_images("images", images)
    check_size("code_size", code_size)
    if code_size >= images.shape[1]:
        raise ValueError(f"code_size must be below the data size {images.shape[1]}, "
                         f"got {code_size}")
    pca = fit_pca(images)
    eigenvalues = pca.eigenvalues.double()
    noise_variance = eigenvalues[code_size:].mean().item()
    if not noise_variance > 0:
        raise ValueError("the discarded eigenvalues are all zero: use a smaller code_size")
    scales = (eigenvalues[:code_size] - noise_variance).clamp_min(0).sqrt()
    weight = pca.components[:, :code_size].double() * scales
    return PPCA(weight, pca.mean.double(), noise_variance)
