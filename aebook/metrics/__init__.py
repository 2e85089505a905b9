"""Every measurement of the book, in small modules by what is measured. Each name is also here,
so ``from aebook import metrics; metrics.gradient_energy(...)`` works for all of them.

- ``images.py``: :func:`gradient_energy` (sharpness), :func:`fraction_of_variance_unexplained`,
  :func:`erased_ink_restored`, :func:`nearest_distance` (to the nearest training image);
- ``codes.py``: units in use (:func:`dead_units`, :func:`latent_activity`,
  :func:`active_units`), what a code tells about the class (:func:`knn_accuracy`,
  :func:`linear_probe`), :func:`aggregate_posterior_log_density`, and what a unit responds to
  (:func:`top_activating`, :func:`class_purity`, :func:`mean_class_purity`);
- ``filters.py``: :func:`filter_spread`, :func:`template_similarity`;
- ``jacobian.py``: :func:`encoder_jacobian`, :func:`singular_directions`,
  :func:`captured_fraction`, :func:`small_changes`;
- ``codebook.py``: :func:`code_usage`, :func:`perplexity`, :func:`dead_codes`;
- ``disentanglement.py``: the mutual information gap (:func:`mutual_information_gap`) and its
  parts;
- ``likelihood.py``: :func:`importance_weighted_bound`;
- ``classification.py``: what a classifier says about images (:func:`predict`,
  :func:`accuracy`, :func:`confidence`);
- ``anomaly.py``: scoring anomalies: :func:`roc_curve`, :func:`auroc`,
  :func:`precision_recall`, :func:`threshold_for_rate`, and a compressor's
  :func:`code_length_nats`;
- ``distributions.py``: distances between two samples: :func:`mmd`, and the Fréchet distance
  (:func:`frechet_distance`, :func:`gaussian_frechet_distance`);
- ``statistics.py``: how sure a measured number is: :func:`bootstrap_interval`.

A measurement returns numbers and trains nothing (``linear_probe`` fits its probe and keeps
only the accuracy); an objective to train on belongs in :mod:`aebook.losses`.
"""
from .anomaly import auroc, code_length_nats, precision_recall, roc_curve, threshold_for_rate
from .classification import accuracy, confidence, predict
from .codebook import code_usage, dead_codes, perplexity
from .codes import (
    active_units,
    aggregate_posterior_log_density,
    class_purity,
    dead_units,
    knn_accuracy,
    latent_activity,
    linear_probe,
    mean_class_purity,
    top_activating,
)
from .disentanglement import (
    discretize,
    factor_entropies,
    mutual_information_gap,
    mutual_information_matrix,
)
from .distributions import frechet_distance, gaussian_frechet_distance, mmd
from .filters import filter_spread, template_similarity
from .images import (
    erased_ink_restored,
    fraction_of_variance_unexplained,
    gradient_energy,
    nearest_distance,
)
from .jacobian import captured_fraction, encoder_jacobian, singular_directions, small_changes
from .likelihood import importance_weighted_bound
from .statistics import bootstrap_interval

__all__ = ["gradient_energy", "fraction_of_variance_unexplained", "dead_units",
           "latent_activity", "active_units", "knn_accuracy", "linear_probe",
           "aggregate_posterior_log_density", "top_activating", "class_purity", "mean_class_purity",
           "filter_spread",
           "template_similarity", "encoder_jacobian", "singular_directions", "captured_fraction",
           "small_changes", "code_usage", "perplexity", "dead_codes", "discretize",
           "mutual_information_matrix", "factor_entropies", "mutual_information_gap",
           "importance_weighted_bound", "predict", "accuracy", "confidence", "roc_curve", "auroc",
           "precision_recall", "threshold_for_rate", "code_length_nats", "mmd",
           "frechet_distance", "gaussian_frechet_distance", "erased_ink_restored",
           "bootstrap_interval", "nearest_distance"]
