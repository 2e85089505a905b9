"""Training throughput, with each effect measured alone, and against the machine's own limit.

Four loops train ``aebook.models.VAE`` (784-400-20, pytorch/examples ``vae/main.py``'s sizes)
from the same initial weights, with the same batch size, learning rate and epochs, on the full
Fashion-MNIST:

1. ``dataloader``: the tutorials' loop (torchvision dataset, per-sample ``ToTensor``,
   ``DataLoader``, plain ``torch.optim.Adam``), as in ``vae/main.py``'s ``train``;
2. ``tensors``: ``aebook.train`` on in-memory tensors with the same plain Adam (``fused=False``);
3. ``tensors_fused``: ``aebook.train`` as the book runs it, with Adam's fused kernel;
4. ``before``: the book's loop before issue #21 (``aebook.train`` at d0128b0, kept here): the
   per-image losses averaged afterwards, a ``loss.item()`` every step; fused Adam too.

The first three optimise the book's loss (:func:`vae_loss`), the fourth the loss as it was
computed then (:func:`vae_loss_before`): the same number, one pass over the pixels more. So
``tensors / dataloader`` is the data pipeline alone (the same optimizer in both),
``tensors_fused / tensors`` is the fused Adam alone, and ``tensors_fused / before`` the step's
rewrite alone. The test loss each loop reaches shows that no speed is bought with quality.

The physical limit: the fp32 rate of a large square matrix product on the same threads, measured
in the same run, and the rate the book's loop achieves counting only the multiply-adds of the
linear layers (forward, and backward for weights and inputs), as a fraction of it: before the
rewrite and after.
"""
from __future__ import annotations

import gzip
import math
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import torch

import aebook
from aebook.data import DEBIAN_FASHION_MNIST, IDX_STEMS
from aebook.losses import negative_elbo
from aebook.models import VAE

__all__ = ["LoopRun", "Throughput", "vae_loss", "vae_loss_before", "training_flops_per_image",
           "matmul_peak", "large_products_gflops", "torchvision_root", "run_tensors", "run_before", "run_dataloader",
           "measure", "LOOPS"]

LOOPS = ("dataloader", "tensors", "tensors_fused", "before")
Clock = Callable[[], float]  # seconds: time.perf_counter (wall) or time.thread_time (CPU)


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
    large_products_gflops: list = field(default_factory=list)
    flops_per_image: float = 0.0

    def of(self, loop: str) -> list:
        return [run for run in self.runs if run.loop == loop]

    def ratios(self, faster: str, slower: str) -> list:
        """images/s of ``faster`` over ``slower``, run by run (runs pair up in order)."""
        return [a.images_per_s / b.images_per_s for a, b in zip(self.of(faster), self.of(slower))]

    def peak_fractions(self, loop: str = "tensors_fused") -> list:
        """A loop's achieved multiply-add rate over the matmul peak of its round, run by run
        (default: the book's loop as it runs)."""
        return [run.images_per_s * self.flops_per_image / (peak * 1e9)
                for run, peak in zip(self.of(loop), self.matmul_gflops)]

    def to_dict(self) -> dict:
        return asdict(self)


def vae_loss(model: VAE, x: torch.Tensor) -> torch.Tensor:
    """The book's training loss (``aebook.losses.vae_loss()``, as ``train_vae`` uses it): the
    negative ELBO in nats per image averaged over the batch; the loops optimise this.
    x: (batch, 784) or (batch, 1, 28, 28) in [0, 1]."""
    x = x.reshape(len(x), -1)
    logits, mu, logvar = model(x)
    return negative_elbo(logits, x, mu, logvar, reduction="mean")


def vae_loss_before(model: VAE, x: torch.Tensor) -> torch.Tensor:
    """The same loss as the book computed it before issue #21: one negative ELBO per image
    (a (batch, 784) tensor of binary cross-entropies summed per row), then their mean."""
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


def matmul_peak(size: int = 2048, repeat: int = 5, clock: Clock = time.perf_counter) -> float:
    """The best fp32 GFLOP/s of a (size x size) @ (size x size) product on torch's threads."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b  # warm-up: thread pool, caches
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        a @ b
        best = min(best, clock() - start)
    return 2 * size ** 3 / best / 1e9


def large_products_gflops(batch: int = 128, pixels: int = 784, hidden: int = 400,
                          repeat: int = 20, clock: Clock = time.perf_counter) -> float:
    """The fp32 GFLOP/s of the step's five large products alone, at their shapes: forward through
    the first and the last layer, their weight gradients, and the last layer's input gradient
    (the best of ``repeat`` rounds): what the step's bulk of multiply-adds could run at."""
    x, h, g = torch.randn(batch, pixels), torch.randn(batch, hidden), torch.randn(batch, pixels)
    w1, w4 = torch.randn(hidden, pixels), torch.randn(pixels, hidden)
    products = (lambda: x @ w1.t(), lambda: h @ w4.t(), lambda: g.t() @ h,  # forward, W4 grad
                lambda: h.t() @ x, lambda: g @ w4)  # W1 grad (from a (batch, hidden) grad), h grad
    for product in products:
        product()  # warm-up
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        for product in products:
            product()
        best = min(best, clock() - start)
    return 5 * 2 * batch * pixels * hidden / best / 1e9


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
                lr: float = 1e-3, seed: int = 0, clock: Clock = time.perf_counter) -> LoopRun:
    """``aebook.train`` on the in-memory (n, 784) tensor, with or without fused Adam."""
    torch.manual_seed(seed)
    model = VAE()
    # the steps of ``epochs`` passes, as the DataLoader loop takes them (the last batch smaller)
    steps = epochs * math.ceil(len(train_images) / batch_size)
    start = clock()
    aebook.train.train(model, train_images, loss_fn=vae_loss, steps=steps, batch_size=batch_size,
                       lr=lr, fused=fused, seed=seed, device="cpu", progress=False)
    seconds = clock() - start
    return LoopRun("tensors_fused" if fused else "tensors", seconds,
                   epochs * len(train_images) / seconds, _test_loss(model, test_images, seed))


def run_before(train_images, test_images, *, epochs: int, batch_size: int = 128,
               lr: float = 1e-3, seed: int = 0, clock: Clock = time.perf_counter) -> LoopRun:
    """The book's in-memory loop as it ran before issue #21 (``aebook.train`` at d0128b0, its
    progress bar and checks left out): the same seeds, order and fused Adam as ``aebook.train``,
    the per-image loss averaged afterwards and a ``loss.item()`` after every step."""
    torch.manual_seed(seed)
    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, fused=True)
    torch.manual_seed(seed)
    order_generator = torch.Generator().manual_seed(seed)
    start = clock()
    for _ in range(epochs):
        order = torch.randperm(len(train_images), generator=order_generator)
        total = 0.0  # the epoch's mean loss in its History, as then
        for first in range(0, len(train_images), batch_size):
            batch = train_images[order[first:first + batch_size]]
            loss = vae_loss_before(model, batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
    seconds = clock() - start
    model.eval()
    return LoopRun("before", seconds, epochs * len(train_images) / seconds,
                   _test_loss(model, test_images, seed))


def _loader(root: Path, batch_size: int, workers: int):
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms
    dataset = datasets.FashionMNIST(root, train=True, download=False, transform=transforms.ToTensor())
    return DataLoader(dataset, batch_size=batch_size, shuffle=True, num_workers=workers)


def run_dataloader(root: Path, test_images, *, epochs: int, batch_size: int = 128,
                   lr: float = 1e-3, seed: int = 0, workers: int = 0,
                   clock: Clock = time.perf_counter) -> LoopRun:
    """The tutorials' loop, timed around each batch fetch so its share of waiting is known."""
    loader = _loader(root, batch_size, workers)
    torch.manual_seed(seed)
    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    waiting, images = 0.0, 0
    start = clock()
    for _ in range(epochs):
        model.train()
        batches = iter(loader)
        while True:
            fetch = clock()
            try:
                x, _ = next(batches)  # (batch, 1, 28, 28) in [0, 1], from ToTensor
            except StopIteration:
                break
            waiting += clock() - fetch
            optimizer.zero_grad()
            loss = vae_loss(model, x)
            loss.backward()
            optimizer.step()
            images += len(x)
    seconds = clock() - start
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
                      + profiler.key_averages().table(sort_by="self_cpu_time_total", row_limit=25))
    path.write_text("\n\n".join(tables) + "\n")


def measure(*, epochs: int = 2, repeat: int = 3, batch_size: int = 128, lr: float = 1e-3,
            workers: int = 0, profile_path: Path | None = None, cpu_time: bool = False) -> Throughput:
    """Every loop ``repeat`` times, interleaved with the order rotating, and the matmul peak
    before each round (the machine's speed drifts; each round's ratios use its own runs).

    ``cpu_time``: time everything in this thread's CPU time (``time.thread_time``) instead of
    wall time, with torch on one thread: on a machine shared with other jobs the time this
    process waits for a core then counts for nothing (caches are still shared)."""
    if cpu_time and torch.get_num_threads() != 1:
        raise ValueError("cpu_time needs torch on one thread (torch.set_num_threads(1)): the "
                         "CPU time of this thread is then all the work")
    clock = time.thread_time if cpu_time else time.perf_counter
    data = aebook.load_data("fashion-mnist", download=False, verbose=False)
    if not data.full:
        raise RuntimeError("the throughput benchmark needs the full Fashion-MNIST")
    result = Throughput(config={"model": "aebook.models.VAE 784-400-20", "epochs": epochs,
                                "batch_size": batch_size, "lr": lr, "workers": workers,
                                "data": f"Fashion-MNIST from {data.source}",
                                "train_images": len(data.train_images),
                                "torch_threads": torch.get_num_threads(),
                                "clock": "CPU time of the thread" if cpu_time else "wall time"},
                        flops_per_image=training_flops_per_image(VAE()))
    with tempfile.TemporaryDirectory(prefix="aebook-torchvision-") as folder:
        root = torchvision_root(Path(folder))
        for index in range(repeat):
            result.matmul_gflops.append(matmul_peak(clock=clock))
            result.large_products_gflops.append(large_products_gflops(clock=clock))
            order = LOOPS[index % len(LOOPS):] + LOOPS[:index % len(LOOPS)]
            for loop in order:
                if loop == "dataloader":
                    run = run_dataloader(root, data.test_images, epochs=epochs,
                                         batch_size=batch_size, lr=lr, workers=workers, clock=clock)
                elif loop == "before":
                    run = run_before(data.train_images, data.test_images, epochs=epochs,
                                     batch_size=batch_size, lr=lr, clock=clock)
                else:
                    run = run_tensors(data.train_images, data.test_images, epochs=epochs,
                                      fused=loop == "tensors_fused", batch_size=batch_size, lr=lr,
                                      clock=clock)
                result.runs.append(run)
        result.runs.sort(key=lambda run: LOOPS.index(run.loop))  # stable: rounds stay in order
        if profile_path is not None:
            _profile(data, root, batch_size, workers, profile_path)
    return result
