"""The book's models, one module per family; each chapter adds its own beside the others."""
from .ae import LinearAutoencoder, MLPAutoencoder

__all__ = ["LinearAutoencoder", "MLPAutoencoder"]
