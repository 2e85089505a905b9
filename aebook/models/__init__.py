"""The book's models, one module per family; each chapter adds its own beside the others."""
from .ae import Autoencoder, LinearAutoencoder, MLPAutoencoder
from .conv import ConvAutoencoder
from .sae import L1SparseAutoencoder, TopKSparseAutoencoder
from .sparse import KSparseAutoencoder, SparseAutoencoder, k_sparse
from .vae import VAE, importance_weighted_bound, negative_elbo, reparameterize

__all__ = ["Autoencoder", "LinearAutoencoder", "MLPAutoencoder", "ConvAutoencoder", "KSparseAutoencoder", "SparseAutoencoder", "k_sparse", "TopKSparseAutoencoder", "L1SparseAutoencoder", "VAE", "importance_weighted_bound", "negative_elbo", "reparameterize"]
