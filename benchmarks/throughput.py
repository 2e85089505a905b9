"""Training throughput, with each effect measured alone, and against the machine's own limit.

Three loops train ``aebook.models.VAE`` (784-400-20, pytorch/examples ``vae/main.py``'s sizes)
from the same initial weights, with the same loss, batch size, learning rate and epochs, on the
full Fashion-MNIST:

1. ``dataloader``: the tutorials' loop (torchvision dataset, per-sample ``ToTensor``,
   ``DataLoader``, plain ``torch.optim.Adam``), as in ``vae/main.py``'s ``train``;
2. ``tensors``: ``aebook.train`` on in-memory tensors with the same plain Adam (``fused=False``);
3. ``tensors_fused``: ``aebook.train`` as the book runs it, with Adam's fused kernel.

So ``tensors / dataloader`` is the data pipeline alone (the same optimizer in both),
``tensors_fused / tensors`` is the fused Adam alone, and their product the whole gain. The test
loss each loop reaches shows that no speed is bought with quality.

The physical limit: the fp32 rate of a large square matrix product on the same threads, measured
in the same run, and the rate the book's loop achieves counting only the multiply-adds of the
linear layers (forward, and backward for weights and inputs), as a fraction of it.
"""
from __future__ import annotations

import gzip
import math
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

import aebook
from aebook.data import DEBIAN_FASHION_MNIST, IDX_STEMS
from aebook.losses import negative_elbo
from aebook.models import VAE

__all__ = ["LoopRun", "Throughput", "vae_loss", "training_flops_per_image", "matmul_peak",
           "torchvision_root", "run_tensors", "run_dataloader", "measure", "LOOPS"]

LOOPS = ("dataloader", "tensors", "tensors_fused")


@dataclass
class LoopRun:
    """One timed run of one loop."""

    loop: str
    seconds: float
    images_per_s: float
    test_loss: float
    data_share: float | None = None  # the DataLoader loop's time spent waiting for batches


@dataclass
class Throughput:
    """Everything one ``measure`` call found; ``runs`` holds ``repeat`` runs of every loop."""

    config: dict
    runs: list = field(default_factory=list)
    matmul_gflops: list = field(default_factory=list)
    flops_per_image: float = 0.0

    def of(self, loop: str) -> list:
        return [run for run in self.runs if run.loop == loop]

    def ratios(self, faster: str, slower: str) -> list:
        """images/s of ``faster`` over ``slower``, run by run (runs pair up in order)."""
        return [a.images_per_s / b.images_per_s for a, b in zip(self.of(faster), self.of(slower))]

    def peak_fractions(self) -> list:
        """The book's loop's achieved multiply-add rate over the matmul peak, run by run."""
        return [run.images_per_s * self.flops_per_image / (peak * 1e9)
                for run, peak in zip(self.of("tensors_fused"), self.matmul_gflops)]

    def to_dict(self) -> dict:
        return asdict(self)


def vae_loss(model: VAE, x: torch.Tensor) -> torch.Tensor:
    """Negative ELBO in nats per image, averaged over the batch; every loop optimises this.
    x: (batch, 784) or (batch, 1, 28, 28) in [0, 1]."""
    x = x.reshape(len(x), -1)
    logits, mu, logvar = model(x)
    return negative_elbo(logits, x, mu, logvar).mean()


def training_flops_per_image(model: VAE) -> float:
    """Floating-point operations of one training step per image, linear layers only: a
    multiply-add is 2 flops, done once forward, once for the weight gradient and once for the
    input gradient (except the first layer, whose input needs none)."""
    layers = [module for module in model.modules() if isinstance(module, torch.nn.Linear)]
    multiply_adds = [layer.in_features * layer.out_features for layer in layers]
    first = model.encoder[0]
    input_gradients = sum(multiply_adds) - first.in_features * first.out_features
    return 2.0 * (2 * sum(multiply_adds) + input_gradients)


def matmul_peak(size: int = 2048, repeat: int = 5) -> float:
    """The best fp32 GFLOP/s of a (size x size) @ (size x size) product on torch's threads."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b  # warm-up: thread pool, caches
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * size ** 3 / best / 1e9


def torchvision_root(folder: Path, source: Path = DEBIAN_FASHION_MNIST) -> Path:
    """Lay Debian's ``.gz`` files out as torchvision reads them: ``<root>/FashionMNIST/raw/``
    holding the four uncompressed files (it checks only that they exist). Returns root."""
    raw = folder / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for stem in IDX_STEMS:
        with gzip.open(source / f"{stem}.gz", "rb") as packed, open(raw / stem, "wb") as plain:
            shutil.copyfileobj(packed, plain)
    return folder


def _test_loss(model, test_images, seed) -> float:
    return aebook.evaluate(model, test_images, loss_fn=vae_loss, seed=seed, device="cpu")


def run_tensors(train_images, test_images, *, fused: bool, epochs: int, batch_size: int = 128,
                lr: float = 1e-3, seed: int = 0) -> LoopRun:
    """``aebook.train`` on the in-memory (n, 784) tensor, with or without fused Adam."""
    torch.manual_seed(seed)
    model = VAE()
    # the steps of ``epochs`` passes, as the DataLoader loop takes them (the last batch smaller)
    steps = epochs * math.ceil(len(train_images) / batch_size)
    start = time.perf_counter()
    aebook.train.train(model, train_images, loss_fn=vae_loss, steps=steps, batch_size=batch_size,
                       lr=lr, fused=fused, seed=seed, device="cpu", progress=False)
    seconds = time.perf_counter() - start
    return LoopRun("tensors_fused" if fused else "tensors", seconds,
                   epochs * len(train_images) / seconds, _test_loss(model, test_images, seed))


def _loader(root: Path, batch_size: int, workers: int):
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms
    dataset = datasets.FashionMNIST(root, train=True, download=False, transform=transforms.ToTensor())
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, num_workers=workers)


def run_dataloader(root: Path, test_images, *, epochs: int, batch_size: int = 128,
                   lr: float = 1e-3, seed: int = 0, workers: int = 0) -> LoopRun:
    """The tutorials' loop, timed around each batch fetch so its share of waiting is known."""
    loader = _loader(root, batch_size, workers)
    torch.manual_seed(seed)
    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    waiting, images = 0.0, 0
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
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
            optimizer.step()
            images += len(x)
    seconds = time.perf_counter() - start
    return LoopRun("dataloader", seconds, images / seconds, _test_loss(model, test_images, seed),
                   waiting / seconds)


def _profile(data, root: Path, batch_size: int, workers: int, path: Path, steps: int = 100) -> None:
    """torch.profiler tables of ``steps`` training steps of the book's loop and the tutorials'."""
    from torch.profiler import ProfilerActivity, profile

    tables = []
    for name in ("aebook.train", "DataLoader"):
        torch.manual_seed(0)
        model = VAE()
        with profile(activities=[ProfilerActivity.CPU]) as profiler:
            if name == "aebook.train":
                aebook.train.train(model, data.train_images, loss_fn=vae_loss, steps=steps,
                                   batch_size=batch_size, device="cpu", progress=False)
            else:
                optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
                for step, (x, _) in enumerate(_loader(root, batch_size, workers)):
                    if step == steps:
                        break
                    optimizer.zero_grad()
                    vae_loss(model, x).backward()
                    optimizer.step()
        tables.append(f"== {name}: {steps} steps of batch {batch_size} ==\n"
                      + profiler.key_averages().table(sort_by="cpu_time_total", row_limit=20))
    path.write_text("\n\n".join(tables) + "\n")


def measure(*, epochs: int = 2, repeat: int = 3, batch_size: int = 128, lr: float = 1e-3,
            workers: int = 0, profile_path: Path | None = None) -> Throughput:
    """Every loop ``repeat`` times, interleaved with the order rotating, and the matmul peak
    before each round (the machine's speed drifts; each round's ratios use its own runs)."""
    data = aebook.load_data("fashion-mnist", download=False, verbose=False)
    if not data.full:
        raise RuntimeError("the throughput benchmark needs the full Fashion-MNIST")
    result = Throughput(config={"model": "aebook.models.VAE 784-400-20", "epochs": epochs,
                                "batch_size": batch_size, "lr": lr, "workers": workers,
                                "data": f"Fashion-MNIST from {data.source}",
                                "train_images": len(data.train_images),
                                "torch_threads": torch.get_num_threads()},
                        flops_per_image=training_flops_per_image(VAE()))
    with tempfile.TemporaryDirectory(prefix="aebook-torchvision-") as folder:
        root = torchvision_root(Path(folder))
        for index in range(repeat):
            result.matmul_gflops.append(matmul_peak())
            order = LOOPS[index % 3:] + LOOPS[:index % 3]
            for loop in order:
                if loop == "dataloader":
                    run = run_dataloader(root, data.test_images, epochs=epochs,
                                         batch_size=batch_size, lr=lr, workers=workers)
                else:
                    run = run_tensors(data.train_images, data.test_images, epochs=epochs,
                                      fused=loop == "tensors_fused", batch_size=batch_size, lr=lr)
                result.runs.append(run)
        result.runs.sort(key=lambda run: LOOPS.index(run.loop))  # stable: rounds stay in order
        if profile_path is not None:
            _profile(data, root, batch_size, workers, profile_path)
    return result
