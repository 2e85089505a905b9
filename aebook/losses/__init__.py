"""Every objective of the book, each formula once, in small modules by kind; each chapter shows
its loss inline first, and ``aebook.losses.<name>`` reaches every one:

- ``reconstruction``: :func:`reconstruction_error`, :func:`reconstruction_loss`,
  :func:`denoising_loss`;
- ``sparsity``: penalties on a code: :func:`l1_sparsity`, :func:`kl_sparsity`,
  :func:`contractive_penalty` (and :func:`contractive_loss`);
- ``vae``: :func:`kl_per_dimension` (the KL of a diagonal Gaussian to N(0, I), the formula's
  one home), :func:`kl_divergence` (its sum), :func:`free_bits_kl`, :func:`gaussian_kl`,
  :func:`negative_elbo` (with ``beta``: the β-VAE's loss too) and :func:`vae_loss`;
- ``quantization``: :func:`vq_vae_loss`;
- ``adversarial``: the adversarial autoencoder's :func:`discriminator_loss` (prior samples
  against codes) and :func:`fooling_loss` (the encoder's: codes taken for prior samples).

``reconstruction_loss``, ``denoising_loss`` and ``contractive_loss`` take ``(model, x)`` and
return a scalar, a ``loss_fn`` for :func:`aebook.train.train`; ``vae_loss(...)`` makes one. The
others score tensors.
"""
from __future__ import annotations

from .adversarial import discriminator_loss, fooling_loss
from .quantization import vq_vae_loss
from .reconstruction import denoising_loss, reconstruction_error, reconstruction_loss
from .sparsity import contractive_loss, contractive_penalty, kl_sparsity, l1_sparsity
from .vae import (
    LIKELIHOODS,
    free_bits_kl,
    gaussian_kl,
    kl_divergence,
    kl_per_dimension,
    negative_elbo,
    vae_loss,
)

__all__ = ["reconstruction_error", "reconstruction_loss", "denoising_loss", "l1_sparsity",
           "kl_sparsity", "contractive_penalty", "contractive_loss", "kl_per_dimension",
           "kl_divergence", "free_bits_kl", "gaussian_kl", "negative_elbo", "vae_loss",
           "discriminator_loss", "fooling_loss",
           "vq_vae_loss", "LIKELIHOODS"]
