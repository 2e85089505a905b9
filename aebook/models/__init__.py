"""The book's models, one module per family; each chapter adds its own beside the others."""
from .ae import Autoencoder, LinearAutoencoder, MLPAutoencoder
from .contractive import ContractiveAutoencoder
from .conv import ConvAutoencoder
from .sparse import KSparseAutoencoder, SparseAutoencoder, k_sparse
from .vae import VAE, importance_weighted_bound, negative_elbo, reparameterize

__all__ = ["Autoencoder", "LinearAutoencoder", "MLPAutoencoder", "ContractiveAutoencoder", "ConvAutoencoder", "KSparseAutoencoder", "SparseAutoencoder", "k_sparse", "VAE", "importance_weighted_bound", "negative_elbo", "reparameterize"]
