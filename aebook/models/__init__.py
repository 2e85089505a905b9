"""The book's models, one module per family; each chapter adds its own beside the others."""
from .ae import Autoencoder, LinearAutoencoder, MLPAutoencoder, ShallowAutoencoder
from .contractive import ContractiveAutoencoder
from .conv import ConvAutoencoder, FullyConvAutoencoder
from .conv_vae import ConvVAE
from .cvae import ConditionalVAE
from .sae import L1SparseAutoencoder, TopKSparseAutoencoder
from .sparse import KSparseAutoencoder, SparseAutoencoder, k_sparse
from .vae import VAE, importance_weighted_bound, negative_elbo, reparameterize
from .vq import VQVAE, VectorQuantizer

__all__ = ["Autoencoder", "LinearAutoencoder", "MLPAutoencoder", "ShallowAutoencoder", "ConvAutoencoder", "FullyConvAutoencoder", "KSparseAutoencoder", "SparseAutoencoder", "k_sparse", "VAE", "importance_weighted_bound", "negative_elbo", "reparameterize", "ContractiveAutoencoder", "ConvVAE", "ConditionalVAE", "L1SparseAutoencoder", "TopKSparseAutoencoder", "VQVAE", "VectorQuantizer"]
