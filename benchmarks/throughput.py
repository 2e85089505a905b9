"""Training throughput: ``aebook.train`` on in-memory tensors against the loop most tutorials
write (a torchvision dataset, a ``DataLoader``, a per-sample ``ToTensor``), on the full
Fashion-MNIST, with the same VAE class, the same initial weights, the same loss and optimiser.

Only the data pipeline differs, so the ratio of images per second is the price of the pipeline;
the test loss each reaches after the same number of epochs shows the speed is not bought with
quality.
"""
from __future__ import annotations

import gzip
import shutil
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

import aebook
from aebook.losses import kl_divergence

__all__ = ["VAE", "vae_loss", "torchvision_root", "run_aebook", "run_baseline", "measure"]

DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
IDX_STEMS = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


class VAE(nn.Module):
    """The VAE of pytorch/examples ``vae/main.py``: 784-400-20, ReLU, a sigmoid output.

    forward: x (batch, 784) or (batch, 1, 28, 28) in [0, 1] -> (reconstruction (batch, 784),
    mu (batch, 20), logvar (batch, 20)).
    """

    def __init__(self, input_size: int = 784, hidden_size: int = 400, latent_size: int = 20):
        super().__init__()
        self.input_size = input_size
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.fc21 = nn.Linear(hidden_size, latent_size)  # mu
        self.fc22 = nn.Linear(hidden_size, latent_size)  # logvar
        self.fc3 = nn.Linear(latent_size, hidden_size)
        self.fc4 = nn.Linear(hidden_size, input_size)

    def encode(self, x):
        hidden = F.relu(self.fc1(x))
        return self.fc21(hidden), self.fc22(hidden)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        return mu + torch.randn_like(std) * std  # z = mu + sigma * eps, eps ~ N(0, I)

    def decode(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, self.input_size))  # (batch, 1, 28, 28) -> (batch, 784)
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar


def vae_loss(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Negative ELBO per image in nats, averaged over the batch: BCE summed over pixels + KL.

    Both loops use this one function, so they optimise exactly the same objective.
    """
    x = x.reshape(len(x), -1)
    reconstruction, mu, logvar = model(x)
    bce = F.binary_cross_entropy(reconstruction, x, reduction="sum") / len(x)
    return bce + kl_divergence(mu, logvar).mean()


def torchvision_root(folder: Path, source: Path = DEBIAN_FASHION_MNIST) -> Path:
    """Lay Debian's ``.gz`` files out as torchvision 0.29 reads them: ``<root>/FashionMNIST/raw/``
    holding the four uncompressed ``*-ubyte`` files (it checks only that they exist). Returns root."""
    raw = folder / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for stem in IDX_STEMS:
        with gzip.open(source / f"{stem}.gz", "rb") as packed, open(raw / stem, "wb") as plain:
            shutil.copyfileobj(packed, plain)
    return folder


def run_aebook(train_images, test_images, *, epochs, batch_size=128, lr=1e-3, seed=0) -> dict:
    """Train a fresh VAE with ``aebook.train`` on the in-memory (n, 784) tensor."""
    torch.manual_seed(seed)
    model = VAE()
    start = time.perf_counter()
    aebook.train.train(model, train_images, loss_fn=vae_loss, epochs=epochs, batch_size=batch_size,
                       lr=lr, seed=seed, device="cpu", progress=False)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "images_per_s": epochs * len(train_images) / seconds,
            "test_loss": aebook.evaluate(model, test_images, loss_fn=vae_loss, seed=seed, device="cpu")}


def _baseline_loader(root: Path, batch_size: int, workers: int):
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms
    dataset = datasets.FashionMNIST(root, train=True, download=False, transform=transforms.ToTensor())
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, num_workers=workers)


def run_baseline(root: Path, test_images, *, epochs, batch_size=128, lr=1e-3, seed=0,
                 workers=0) -> dict:
    """The tutorials' loop (pytorch/examples vae/main.py ``train``), timed around each batch fetch
    so the share of time spent waiting for the DataLoader is known."""
    loader = _baseline_loader(root, batch_size, workers)
    torch.manual_seed(seed)
    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    waiting, images = 0.0, 0
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        train_loss = 0.0
        batches = iter(loader)
        while True:
            fetch = time.perf_counter()
            try:
                x, _ = next(batches)  # (batch, 1, 28, 28) in [0, 1], from ToTensor
            except StopIteration:
                break
            waiting += time.perf_counter() - fetch
            optimizer.zero_grad()
            loss = vae_loss(model, x)
            loss.backward()
            train_loss += loss.item() * len(x)
            optimizer.step()
            images += len(x)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "images_per_s": images / seconds, "data_share": waiting / seconds,
            "test_loss": aebook.evaluate(model, test_images, loss_fn=vae_loss, seed=seed, device="cpu")}


def _profile(data, root: Path, batch_size: int, workers: int, path: Path, steps: int = 100) -> None:
    """torch.profiler tables of ``steps`` training steps of each loop, written to ``path``."""
    from torch.profiler import ProfilerActivity, profile

    tables = []
    for name in ("aebook.train", "DataLoader baseline"):
        torch.manual_seed(0)
        model = VAE()
        with profile(activities=[ProfilerActivity.CPU]) as profiler:
            if name == "aebook.train":
                aebook.train.train(model, data.train_images[:steps * batch_size], loss_fn=vae_loss,
                                   epochs=1, batch_size=batch_size, device="cpu", progress=False)
            else:
                optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
                for step, (x, _) in enumerate(_baseline_loader(root, batch_size, workers)):
                    if step == steps:
                        break
                    optimizer.zero_grad()
                    vae_loss(model, x).backward()
                    optimizer.step()
        tables.append(f"== {name}: {steps} steps of batch {batch_size} ==\n"
                      + profiler.key_averages().table(sort_by="cpu_time_total", row_limit=20))
    path.write_text("\n\n".join(tables) + "\n")


def measure(*, epochs: int = 2, repeat: int = 3, batch_size: int = 128, lr: float = 1e-3,
            workers: int = 0, profile_path: Path | None = None) -> dict:
    """Both loops ``repeat`` times, interleaved (the order alternates), on full Fashion-MNIST.

    Returns the per-loop runs (lists) and the configuration; ``run.py`` summarises them.
    """
    start = time.perf_counter()
    data = aebook.load_data("fashion-mnist", download=False, verbose=False)
    load_seconds = time.perf_counter() - start
    if not data.full:
        raise RuntimeError("the throughput benchmark needs the full Fashion-MNIST")
    runs = {"aebook": [], "baseline": []}
    with tempfile.TemporaryDirectory(prefix="aebook-torchvision-") as folder:
        root = torchvision_root(Path(folder))
        start = time.perf_counter()
        _baseline_loader(root, batch_size, workers)
        dataset_seconds = time.perf_counter() - start
        for index in range(repeat):
            order = ("aebook", "baseline") if index % 2 == 0 else ("baseline", "aebook")
            for name in order:
                if name == "aebook":
                    runs[name].append(run_aebook(data.train_images, data.test_images, epochs=epochs,
                                                 batch_size=batch_size, lr=lr))
                else:
                    runs[name].append(run_baseline(root, data.test_images, epochs=epochs,
                                                   batch_size=batch_size, lr=lr, workers=workers))
        if profile_path is not None:
            _profile(data, root, batch_size, workers, profile_path)
    config = {"model": "784-400-20", "epochs": epochs, "batch_size": batch_size, "lr": lr,
              "workers": workers, "data": f"Fashion-MNIST from {data.source}",
              "train_images": len(data.train_images), "torch_threads": torch.get_num_threads(),
              "load_data_s": load_seconds, "torchvision_dataset_s": dataset_seconds}
    return {"config": config, "runs": runs}
