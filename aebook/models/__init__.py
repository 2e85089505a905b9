"""The book's models, one module per family; each chapter adds its own beside the others."""
from .ae import Autoencoder, LinearAutoencoder, MLPAutoencoder
from .conv import ConvAutoencoder
from .conv_vae import ConvVAE
from .cvae import ConditionalVAE
from .sparse import KSparseAutoencoder, SparseAutoencoder, k_sparse
from .vae import VAE, importance_weighted_bound, negative_elbo, reparameterize

__all__ = ["Autoencoder", "LinearAutoencoder", "MLPAutoencoder", "ConvAutoencoder", "ConvVAE", "ConditionalVAE", "KSparseAutoencoder", "SparseAutoencoder", "k_sparse", "VAE", "importance_weighted_bound", "negative_elbo", "reparameterize"]
