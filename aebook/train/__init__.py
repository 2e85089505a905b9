"""Training, in small modules by what they hold; ``aebook.train.<name>`` reaches every name:

- ``loop``: the one training loop for every chapter (:func:`train`: in-memory tensors, a step
  budget, seeded, a progress bar, a :class:`History`), :func:`evaluate` and :func:`map_batches`
  beside it, seeding and the device;
- ``schedules``: the schedules chapters train with (:func:`kl_warmup`, :func:`scheduled_k`);
- ``recipes``: the recipes that more than one chapter retrains with (:func:`train_vae`,
  :func:`train_classifier`) and the VQ-VAE's dead-code restart (:func:`restart_dead_codes`);
- ``adversarial``: the adversarial autoencoder's training beside the loop: the prior its
  discriminator draws from (:func:`ring_of_gaussians`) and its three-phase
  :func:`adversarial_step`.

"""
from __future__ import annotations

from .adversarial import adversarial_step, ring_of_gaussians
from .loop import SCHEDULES, History, evaluate, map_batches, pick_device, seed_everything, train
from .recipes import DEFAULT_STEPS, restart_dead_codes, train_classifier, train_vae
from .schedules import kl_warmup, scheduled_k

__all__ = ["seed_everything", "pick_device", "train", "evaluate", "map_batches", "History",
           "SCHEDULES", "kl_warmup", "scheduled_k", "train_vae", "DEFAULT_STEPS",
           "train_classifier", "restart_dead_codes", "ring_of_gaussians", "adversarial_step"]
