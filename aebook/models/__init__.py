"""The book's models: ``nn.Module``s only, plus the layer operations they are built from
(:func:`reparameterize`, :func:`k_sparse`, :func:`upsample`, :func:`quantize_uniform`).
One module per family:

- ``ae.py``: :class:`Autoencoder` (the base: ``encode``, ``decode``, ``forward``), linear, MLP,
  and the one-hidden-layer :class:`ShallowAutoencoder` (denoising, and sparse by a penalty);
- ``sparse.py``: sparse by architecture: k-sparse, TopK and L1 dictionaries;
- ``conv.py``: convolutional autoencoders and the layers every convolutional model shares;
- ``vae.py``: :class:`VAEBase` and the VAE, convolutional VAE and conditional VAE;
- ``contractive.py``, ``vq.py`` (the VQ-VAE and its quantisers), ``fsq.py`` (finite scalar
  quantisation: a fixed grid instead of a learned codebook), ``aae.py`` (the adversarial
  autoencoder: an MLP autoencoder with a discriminator on its codes), ``classifier.py``;
- ``diffusion.py``: :class:`DDPM`, a tiny denoising diffusion model over code vectors.

Losses live in :mod:`aebook.losses`, measurements in :mod:`aebook.metrics`.
"""
from .aae import AdversarialAutoencoder
from .ae import Autoencoder, LinearAutoencoder, MLPAutoencoder, ShallowAutoencoder
from .classifier import MLPClassifier
from .contractive import ContractiveAutoencoder
from .conv import ConvAutoencoder, FullyConvAutoencoder, upsample
from .diffusion import DDPM
from .fsq import FiniteScalarQuantizer
from .sparse import KSparseAutoencoder, L1SparseAutoencoder, TopKSparseAutoencoder, k_sparse
from .vae import VAE, ConditionalVAE, ConvVAE, VAEBase, reparameterize
from .vq import VQVAE, VectorQuantizer, quantize_uniform

__all__ = ["Autoencoder", "LinearAutoencoder", "MLPAutoencoder", "ShallowAutoencoder",
           "KSparseAutoencoder", "TopKSparseAutoencoder", "L1SparseAutoencoder", "k_sparse",
           "ConvAutoencoder", "FullyConvAutoencoder", "upsample", "VAEBase", "VAE", "ConvVAE",
           "ConditionalVAE", "reparameterize", "ContractiveAutoencoder", "VectorQuantizer",
           "VQVAE", "quantize_uniform", "FiniteScalarQuantizer", "AdversarialAutoencoder",
           "MLPClassifier", "DDPM"]
