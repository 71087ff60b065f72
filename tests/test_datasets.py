import gzip
import hashlib
import os
from pathlib import Path

import pytest
import torch

import d2lnotes as dn
from d2lnotes.datasets import read_idx
from d2lnotes import datasets
from d2lnotes.datasets import IdxDataset, IdxFile, load_idx_dataset


def idx_bytes(array: torch.Tensor) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(s.to_bytes(4, "big") for s in array.shape)
    return header + array.to(torch.uint8).numpy().tobytes()


IMAGES = torch.arange(2 * 3 * 4).reshape(2, 3, 4) % 256
LABELS = torch.tensor([7, 1])
TINY = IdxDataset(
    folder="tiny",
    files={
        "images": IdxFile("tiny-images", hashlib.sha256(idx_bytes(IMAGES)).hexdigest(), (2, 3, 4)),
        "labels": IdxFile("tiny-labels", hashlib.sha256(idx_bytes(LABELS)).hexdigest(), (2,)),
    },
    mirrors=(),
)


def write_set(folder: Path, gz: bool = True, images: bytes | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in (
        ("tiny-images", images or idx_bytes(IMAGES)),
        ("tiny-labels", idx_bytes(LABELS)),
    ):
        if gz:
            (folder / (name + ".gz")).write_bytes(gzip.compress(data))
        else:
            (folder / name).write_bytes(data)


def with_mirror(mirror: Path) -> IdxDataset:
    return IdxDataset(TINY.folder, TINY.files, (mirror.as_uri() + "/",))


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No real data root is visible: cache, env and Debian point into tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("D2LNOTES_DATA", raising=False)
    monkeypatch.setattr(datasets, "DEBIAN_ROOT", tmp_path / "debian")
    return tmp_path


# ---------------------------------------------------------------- read_idx


@pytest.mark.parametrize("gz", [True, False])
def test_read_idx_raw_and_gzipped(tmp_path, gz):
    write_set(tmp_path, gz=gz)
    name = "tiny-images.gz" if gz else "tiny-images"
    x = read_idx(tmp_path / name, TINY.files["images"])
    assert x.dtype == torch.uint8 and torch.equal(x, IMAGES.to(torch.uint8))


@pytest.mark.parametrize(
    "data, match",
    [
        (b"\x00\x00", "too short"),
        (b"\x12\x34\x08\x01" + (2).to_bytes(4, "big") + b"ab", "wrong magic number"),
        (b"\x00\x00\x0d\x01" + (2).to_bytes(4, "big") + b"ab", "wrong magic number"),
        (b"\x00\x00\x08\x03" + (2).to_bytes(4, "big"), "truncated header"),
        (idx_bytes(LABELS)[:-1], "truncated"),
        (idx_bytes(LABELS) + b"x", "trailing garbage"),
    ],
)
def test_read_idx_rejects_broken_files(tmp_path, data, match):
    path = tmp_path / "bad"
    path.write_bytes(data)
    with pytest.raises(dn.DatasetError, match=match):
        read_idx(path)


def test_read_idx_checks_shape_hash_and_gzip(tmp_path):
    other = tmp_path / "other"
    other.write_bytes(idx_bytes(torch.tensor([1, 2, 3])))
    with pytest.raises(dn.DatasetError, match="SHA-256"):
        read_idx(other, TINY.files["labels"])
    wrong_shape = IdxFile("x", hashlib.sha256(other.read_bytes()).hexdigest(), (2,))
    with pytest.raises(dn.DatasetError, match=r"shape \(3,\), expected \(2,\)"):
        read_idx(other, wrong_shape)
    cut = tmp_path / "cut.gz"
    cut.write_bytes(gzip.compress(idx_bytes(LABELS))[:-6])
    with pytest.raises(dn.DatasetError, match="gzip"):
        read_idx(cut)
    with pytest.raises(dn.DatasetError, match="cannot read"):
        read_idx(tmp_path / "missing")


# ---------------------------------------------------------------- finding files


def test_explicit_root_wins_and_is_the_only_place_looked(isolated):
    write_set(isolated / "mine" / "tiny", gz=False)
    write_set(isolated / "debian" / "tiny")
    arrays, folder = load_idx_dataset(TINY, isolated / "mine", download=False)
    assert folder == isolated / "mine" / "tiny"
    assert torch.equal(arrays["labels"], LABELS.to(torch.uint8))
    with pytest.raises(dn.DatasetError, match="not found"):
        load_idx_dataset(TINY, isolated / "empty", download=False)


def test_search_order_env_then_cache_then_debian(isolated, monkeypatch):
    write_set(isolated / "debian" / "tiny")
    assert load_idx_dataset(TINY, download=False)[1] == isolated / "debian" / "tiny"
    write_set(isolated / "cache" / "d2lnotes" / "tiny")
    assert load_idx_dataset(TINY, download=False)[1] == isolated / "cache" / "d2lnotes" / "tiny"
    write_set(isolated / "env" / "tiny")
    monkeypatch.setenv("D2LNOTES_DATA", str(isolated / "env"))
    assert load_idx_dataset(TINY, download=False)[1] == isolated / "env" / "tiny"


def test_missing_files_without_download_name_the_searched_folders(isolated):
    with pytest.raises(dn.DatasetError, match=r"tiny-images not found in .*cache.*debian"):
        load_idx_dataset(TINY, download=False)


def test_corrupt_file_outside_the_download_folder_is_reported_not_deleted(isolated):
    write_set(isolated / "debian" / "tiny", images=idx_bytes(IMAGES + 1))
    with pytest.raises(dn.DatasetError, match="SHA-256"):
        load_idx_dataset(with_mirror(isolated / "nowhere"))
    assert (isolated / "debian" / "tiny" / "tiny-images.gz").exists()


# ---------------------------------------------------------------- downloading


def test_download_into_the_cache(isolated):
    write_set(isolated / "mirror")
    arrays, folder = load_idx_dataset(with_mirror(isolated / "mirror"))
    assert folder == isolated / "cache" / "d2lnotes" / "tiny"
    assert sorted(os.listdir(folder)) == ["tiny-images.gz", "tiny-labels.gz"]
    assert torch.equal(arrays["images"], IMAGES.to(torch.uint8))
    # second call: found in the cache, no mirror needed
    assert load_idx_dataset(TINY, download=False)[1] == folder


def test_bad_download_leaves_nothing_behind(isolated):
    mirror = isolated / "mirror"
    mirror.mkdir()
    (mirror / "tiny-images.gz").write_bytes(gzip.compress(idx_bytes(IMAGES))[:-10])  # truncated
    (mirror / "tiny-labels.gz").write_bytes(gzip.compress(idx_bytes(LABELS)))
    with pytest.raises(dn.DatasetError, match="could not download tiny-images"):
        load_idx_dataset(with_mirror(mirror))
    folder = isolated / "cache" / "d2lnotes" / "tiny"
    assert not any(p.name.startswith("tiny-images") for p in folder.iterdir())
    with pytest.raises(dn.DatasetError, match="could not download"):
        load_idx_dataset(with_mirror(isolated / "no-such-mirror"))
    assert not any(p.suffix == ".part" for p in folder.iterdir())


def test_interrupted_download_leaves_nothing_behind(isolated, monkeypatch):
    class Broken:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self, n):
            raise ConnectionResetError("connection lost")

    monkeypatch.setattr(datasets.urllib.request, "urlopen", lambda url, timeout: Broken())
    with pytest.raises(dn.DatasetError, match="connection lost"):
        load_idx_dataset(with_mirror(isolated / "mirror"))
    folder = isolated / "cache" / "d2lnotes" / "tiny"
    assert list(folder.iterdir()) == []


def test_corrupt_file_in_the_cache_is_fetched_again(isolated):
    write_set(isolated / "mirror")
    cache = isolated / "cache" / "d2lnotes" / "tiny"
    write_set(cache, images=idx_bytes(IMAGES)[:-3])  # a truncated earlier download
    arrays, folder = load_idx_dataset(with_mirror(isolated / "mirror"))
    assert folder == cache and torch.equal(arrays["images"], IMAGES.to(torch.uint8))
    assert read_idx(cache / "tiny-images.gz", TINY.files["images"]).shape == (2, 3, 4)


# ---------------------------------------------------------------- the real thing


@pytest.mark.skipif(
    not (datasets.DEBIAN_ROOT / "fashion-mnist" / "train-images-idx3-ubyte.gz").exists(),
    reason="Debian's dataset-fashion-mnist is not installed",
)
def test_load_fashion_mnist_from_debian(monkeypatch):
    monkeypatch.delenv("D2LNOTES_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/nonexistent-cache")
    data = dn.load_fashion_mnist(download=False)
    assert data.train_images.shape == (60000, 1, 28, 28) and data.test_images.shape == (
        10000,
        1,
        28,
        28,
    )
    assert data.train_images.dtype == torch.float32
    assert 0.0 == data.train_images.min() and data.train_images.max() == 1.0
    assert torch.bincount(data.train_labels).tolist() == [6000] * 10
    assert torch.bincount(data.test_labels).tolist() == [1000] * 10
    assert data.text_labels([9, 0]) == ["ankle boot", "t-shirt/top"]


def _tiny_fashion(train, test):
    return datasets.FashionMNIST(
        train_images=train.reshape(-1, 1, 28, 28),
        train_labels=torch.arange(train.shape[0]),
        test_images=test.reshape(-1, 1, 28, 28),
        test_labels=torch.arange(test.shape[0]),
        classes=datasets.FASHION_MNIST_CLASSES,
        source=Path("."),
    )


def test_standardized_uses_the_training_statistics_for_both_splits():
    g = torch.Generator().manual_seed(0)
    train, test = torch.rand(6, 784, generator=g), torch.rand(3, 784, generator=g) + 1.0
    data = _tiny_fashion(train, test)
    X, y = data.standardized()
    assert X.shape == (6, 784) and torch.equal(y, torch.arange(6))
    torch.testing.assert_close(X.mean(), torch.tensor(0.0), atol=1e-6, rtol=0)
    torch.testing.assert_close(X.std(), torch.tensor(1.0))
    X_test, y_test = data.standardized("test")
    assert torch.equal(X_test, (test - train.mean()) / train.std()) and y_test.shape == (3,)
    assert X_test.mean() > 1.0  # the test split keeps its shift: not standardised by its own mean
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        data.standardized("val")
