"""Fashion-MNIST that a learner can trust: found locally or downloaded, always verified.

Where the files are looked for, in order (each a *data root* holding a
``fashion-mnist/`` folder):

1. the ``root`` argument, if given (and then only there);
2. the environment variable ``D2LNOTES_DATA``;
3. the user cache, ``$XDG_CACHE_HOME/d2lnotes`` (default ``~/.cache/d2lnotes``);
4. ``/usr/share/datasets``, where Debian's ``dataset-fashion-mnist`` package puts them.

If no root holds all four files, they are downloaded into the first writable
candidate (``root``, else ``D2LNOTES_DATA``, else the cache).  Each file may be
gzipped or not.  Every file is checked: its IDX header (magic number, sizes) and
the SHA-256 of its *decompressed* bytes (gzip headers differ between mirrors and
Debian's repackaging; the content does not).  A download goes to a temporary
file that is renamed into place only after it passed the checks, so an
interrupted or corrupt download never leaves a file behind; a corrupt file in
the download folder is removed and fetched again once.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import torch

__all__ = [
    "FASHION_MNIST",
    "DatasetError",
    "FashionMNIST",
    "IdxDataset",
    "IdxFile",
    "load_fashion_mnist",
    "read_idx",
]

DEBIAN_ROOT = Path("/usr/share/datasets")
_DTYPES = {0x08: torch.uint8}


class DatasetError(RuntimeError):
    """A data file is missing, truncated, corrupt or cannot be downloaded.

    Taught in: raised by dn.load_fashion_mnist (see that helper).
    """


@dataclass(frozen=True)
class IdxFile:
    """One IDX file: its name (without ``.gz``), the SHA-256 of its decompressed
    bytes and the shape of the array it holds."""

    name: str
    sha256: str
    shape: tuple[int, ...]


@dataclass(frozen=True)
class IdxDataset:
    """A data set made of IDX files, and where to download them."""

    folder: str
    files: dict[str, IdxFile]
    mirrors: tuple[str, ...]


FASHION_MNIST = IdxDataset(
    folder="fashion-mnist",
    files={
        "train_images": IdxFile(
            "train-images-idx3-ubyte",
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            (60000, 28, 28),
        ),
        "train_labels": IdxFile(
            "train-labels-idx1-ubyte",
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            (60000,),
        ),
        "test_images": IdxFile(
            "t10k-images-idx3-ubyte",
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            (10000, 28, 28),
        ),
        "test_labels": IdxFile(
            "t10k-labels-idx1-ubyte",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
            (10000,),
        ),
    },
    # torchvision's mirror of the original files
    mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
)

FASHION_MNIST_CLASSES = (
    "t-shirt/top",
    "trouser",
    "pullover",
    "dress",
    "coat",
    "sandal",
    "shirt",
    "sneaker",
    "bag",
    "ankle boot",
)


@dataclass(frozen=True)
class FashionMNIST:
    """In-memory Fashion-MNIST on the CPU.

    ``train_images`` (60000, 1, 28, 28) and ``test_images`` (10000, 1, 28, 28) are
    float32 in [0, 1]; ``train_labels`` (60000,) and ``test_labels`` (10000,) are
    int64 class indices into ``classes``; ``source`` is the folder the files came from.

    Taught in: returned by dn.load_fashion_mnist (see that helper).
    """

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    classes: tuple[str, ...]
    source: Path

    def standardized(self, split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
        """The ``split`` (``"train"`` or ``"test"``) as flat standardised pixels and labels.

        Returns ``X`` (n, 784) float32 and ``y`` (n,) int64, with
        ``X = (pixels - mean) / std`` where ``mean`` and ``std`` are two numbers, the mean and
        standard deviation over *every pixel of every training image* (the test split is
        standardised with the training statistics, never its own).

        Taught in: 01 §6 (the standardised training subset and test images of the activation race).
        """
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        pixels = self.train_images.reshape(-1, 784)
        mean, std = pixels.mean(), pixels.std()
        images = self.train_images if split == "train" else self.test_images
        labels = self.train_labels if split == "train" else self.test_labels
        return (images.reshape(-1, 784) - mean) / std, labels

    def text_labels(self, labels) -> list[str]:
        """Class names of integer labels (the book's ``get_fashion_mnist_labels``)."""
        return [self.classes[int(i)] for i in labels]


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "d2lnotes"


def _decompressed(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise DatasetError(
                f"{path} is not a valid gzip file ({exc}): truncated or corrupt"
            ) from None
    return raw


def _parse_idx(data: bytes, spec: IdxFile | None, origin: str) -> torch.Tensor:
    if len(data) < 4:
        raise DatasetError(f"{origin}: only {len(data)} bytes, too short for an IDX header")
    if data[0] != 0 or data[1] != 0 or data[2] not in _DTYPES:
        raise DatasetError(
            f"{origin}: wrong magic number {data[:4].hex()} (an IDX file of unsigned bytes "
            "starts with 0000 08): not an IDX file, or corrupt"
        )
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DatasetError(f"{origin}: truncated header ({len(data)} bytes, need {header})")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if spec is not None and shape != spec.shape:
        raise DatasetError(f"{origin}: header says shape {shape}, expected {spec.shape}")
    count = 1
    for s in shape:
        count *= s
    if len(data) != header + count:
        raise DatasetError(
            f"{origin}: {len(data) - header} data bytes for shape {shape} (need {count}): "
            "the file is truncated or has trailing garbage"
        )
    array = torch.frombuffer(bytearray(data[header:]), dtype=_DTYPES[data[2]])
    return array.reshape(shape)


def read_idx(path: str | Path, spec: IdxFile | None = None) -> torch.Tensor:
    """Read an IDX file (gzipped or not) into a uint8 tensor, checking its header, size
    and, with ``spec``, its shape and SHA-256.  Problems raise :class:`DatasetError`."""
    path = Path(path)
    data = _decompressed(path)
    if spec is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != spec.sha256:
            raise DatasetError(
                f"{path}: SHA-256 of the decompressed content is {digest[:16]}..., "
                f"expected {spec.sha256[:16]}...: the file is corrupt or a different data set"
            )
    return _parse_idx(data, spec, str(path))


def _find(folder: Path, spec: IdxFile) -> Path | None:
    for candidate in (folder / (spec.name + ".gz"), folder / spec.name):
        if candidate.is_file():
            return candidate
    return None


def _download(spec: IdxFile, folder: Path, mirrors: tuple[str, ...], timeout: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (spec.name + ".gz")
    errors = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + spec.name + ".gz"
        fd, tmp_name = tempfile.mkstemp(prefix=spec.name + ".", suffix=".part", dir=folder)
        tmp = Path(tmp_name)
        try:
            with (
                os.fdopen(fd, "wb") as out,
                urllib.request.urlopen(url, timeout=timeout) as response,
            ):
                while chunk := response.read(1 << 20):
                    out.write(chunk)
            read_idx(tmp, spec)  # verify before it becomes visible
            os.replace(tmp, target)
            return target
        except (OSError, DatasetError, ValueError) as exc:
            errors.append(f"{url}: {exc}")
        finally:
            tmp.unlink(missing_ok=True)
    raise DatasetError(
        f"could not download {spec.name}: " + "; ".join(errors) + ". Install Debian's "
        "dataset-fashion-mnist, or put the four files in a folder and pass root= "
        "or set D2LNOTES_DATA."
    )


def load_idx_dataset(
    dataset: IdxDataset,
    root: str | Path | None = None,
    *,
    download: bool = True,
    timeout: float = 60.0,
) -> tuple[dict[str, torch.Tensor], Path]:
    """Find (or download) and read every file of ``dataset``; see the module docstring.

    Returns ``({key: uint8 tensor}, folder)``.
    """
    if root is not None:
        roots = [Path(root)]
    else:
        roots = [Path(p) for p in (os.environ.get("D2LNOTES_DATA"),) if p]
        roots += [_cache_root(), DEBIAN_ROOT]
    download_folder = roots[0] / dataset.folder
    # Use the first root that holds every file; otherwise complete the download folder.
    folder = next(
        (
            r / dataset.folder
            for r in roots
            if all(_find(r / dataset.folder, spec) for spec in dataset.files.values())
        ),
        download_folder,
    )
    arrays = {}
    for key, spec in dataset.files.items():
        path = _find(folder, spec)
        if path is not None:
            try:
                arrays[key] = read_idx(path, spec)
                continue
            except DatasetError:
                if not (download and folder == download_folder):
                    raise  # never delete files we did not download
                path.unlink()  # a corrupt file in our own folder: remove it and fetch again
        if not download:
            searched = ", ".join(str(r / dataset.folder) for r in roots)
            raise DatasetError(f"{spec.name} not found in {searched} (and download=False)")
        arrays[key] = read_idx(_download(spec, folder, dataset.mirrors, timeout), spec)
    return arrays, folder


def load_fashion_mnist(
    root: str | Path | None = None, *, download: bool = True, timeout: float = 60.0
) -> FashionMNIST:
    """Fashion-MNIST as in-memory tensors (see :class:`FashionMNIST`), on the CPU.

    Takes about a second: no DataLoader, no worker processes.  Move the tensors to
    a device with ``.to(device)``; make minibatches with :func:`d2lnotes.minibatches`.

    Taught in: 00 §4 (the in-memory copy behind the likelihood checks).
    """
    arrays, folder = load_idx_dataset(FASHION_MNIST, root, download=download, timeout=timeout)

    def images(x: torch.Tensor) -> torch.Tensor:
        return (x.to(torch.float32) / 255.0).unsqueeze(1)

    return FashionMNIST(
        train_images=images(arrays["train_images"]),
        train_labels=arrays["train_labels"].to(torch.int64),
        test_images=images(arrays["test_images"]),
        test_labels=arrays["test_labels"].to(torch.int64),
        classes=FASHION_MNIST_CLASSES,
        source=folder,
    )
