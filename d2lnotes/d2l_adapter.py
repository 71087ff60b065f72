"""The book's own ``d2l`` package (0.17.6, the Chinese edition's), run unchanged and offline.

《动手学深度学习》 2.0 installs ``d2l==0.17.6``; the notebooks call its functions
(``d2l.load_data_fashion_mnist``, ``d2l.train_ch3``, ``d2l.sgd``, ``d2l.plot`` ...) so
that a learner sees the code of their book run.  :func:`adapt_d2l` changes five
things around that code, never the code itself:

* **Figures as PNG.**  ``d2l.use_svg_display`` switches Jupyter to SVG for every later
  figure; the adapted one switches to PNG, the format the notebooks are committed in.
* **One figure per plot, updated in place.**  The book's ``Animator`` redraws by
  ``display(fig)`` then ``clear_output(wait=True)``; a saved notebook keeps only the last
  figure, but nbval (which ignores ``clear_output``) and a re-run see one figure per epoch.
  The adapted ``d2l.display`` shows a figure once and updates that same output afterwards
  (a display handle), so every run ends with exactly one figure, live in Jupyter.
* **No worker processes.**  ``d2l.get_dataloader_workers`` returns 4, which is more
  processes than a 2-core machine has and slower there; the adapted one returns 0.
* **One warning silenced.**  The book's ``train_epoch_ch3`` calls ``float(l.sum())`` on
  a loss that still requires grad; PyTorch >= 2.6 warns about that, harmlessly (the value
  is only logged).  The adapter ignores exactly that warning, raised from ``d2l.torch``.
* **Fashion-MNIST offline.**  ``d2l.load_data_fashion_mnist`` asks torchvision for
  ``../data/FashionMNIST/raw/`` (relative to the working directory, which is
  ``notebooks/`` in Jupyter) and downloads when the files are missing.  The adapter
  puts the four decompressed files there first, taken from the verified files that
  :func:`d2lnotes.load_fashion_mnist` finds (Debian's ``dataset-fashion-mnist``, the
  cache or ``D2LNOTES_DATA``), so torchvision finds them and downloads nothing.
"""

from __future__ import annotations

import importlib.metadata
import os
import tempfile
import types
import warnings
from pathlib import Path

from .datasets import (
    FASHION_MNIST,
    DatasetError,
    _decompressed,
    _find,
    load_idx_dataset,
    read_idx,
)

__all__ = ["BOOK_D2L_VERSION", "adapt_d2l", "provide_fashion_mnist"]

#: The version of ``d2l`` that the Chinese edition 2.0 installs and the notebooks run.
BOOK_D2L_VERSION = "0.17.6"

#: Where ``d2l.load_data_fashion_mnist`` (0.17.6) looks: ``root="../data"``.
D2L_DATA_ROOT = Path("..") / "data"


def provide_fashion_mnist(data_root: str | Path = D2L_DATA_ROOT) -> Path:
    """Put Fashion-MNIST where torchvision's ``FashionMNIST(root=data_root)`` looks.

    Writes the four decompressed IDX files to ``data_root/FashionMNIST/raw/`` (the
    layout torchvision checks before it downloads), each verified by the SHA-256 of its
    content.  A file already there with the right content is kept; anything else there
    is replaced.  Each file is written to a temporary name and renamed into place, so an
    interrupted call never leaves a partial file.  Returns the ``raw`` folder.
    """
    if not isinstance(data_root, (str, os.PathLike)):
        raise TypeError(f"data_root must be a path, got {type(data_root).__name__}")
    raw = Path(data_root) / "FashionMNIST" / "raw"
    missing = []
    for spec in FASHION_MNIST.files.values():
        target = raw / spec.name
        try:
            read_idx(target, spec)
        except (OSError, ValueError, DatasetError):  # missing, truncated or wrong: rewrite
            missing.append(spec)
    if not missing:
        return raw
    _, source = load_idx_dataset(FASHION_MNIST)  # finds (or downloads) and verifies every file
    raw.mkdir(parents=True, exist_ok=True)
    for spec in missing:
        content = _decompressed(_find(source, spec))
        fd, tmp_name = tempfile.mkstemp(prefix=spec.name + ".", suffix=".part", dir=raw)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            read_idx(tmp, spec)
            os.chmod(tmp, 0o644)  # mkstemp makes it private; the data is not
            os.replace(tmp, raw / spec.name)
        finally:
            tmp.unlink(missing_ok=True)
    return raw


class _FigureDisplay:
    """Stands in for ``IPython.display`` inside ``d2l.torch``: ``display(fig)`` shows a figure
    once and updates that output on later calls; ``clear_output`` is then not needed."""

    def __init__(self) -> None:
        self._handles: dict[int, object] = {}

    def display(self, obj, *args, **kwargs) -> None:
        from IPython import display as ipython_display
        from matplotlib import pyplot as plt
        from matplotlib.figure import Figure

        if not isinstance(obj, Figure) or args or kwargs:
            ipython_display.display(obj, *args, **kwargs)
            return
        handle = self._handles.get(id(obj))
        if handle is None:
            self._handles[id(obj)] = ipython_display.display(obj, display_id=True)
            plt.close(obj)  # shown through its handle, not once more at the end of the cell
        else:
            handle.update(obj)

    def clear_output(self, wait: bool = False) -> None:
        """A no-op: the figure's output is updated in place instead."""

    def __getattr__(self, name: str):
        from IPython import display as ipython_display

        return getattr(ipython_display, name)


def adapt_d2l(
    d2l: types.ModuleType,
    *,
    fashion_mnist: bool = True,
    data_root: str | Path = D2L_DATA_ROOT,
) -> types.ModuleType:
    """Make the book's ``d2l.torch`` module draw PNG figures, load data in-process and
    find Fashion-MNIST offline (see the module docstring); returns ``d2l``.

    ``d2l`` must be the module from ``from d2l import torch as d2l`` with the installed
    ``d2l`` at version ``BOOK_D2L_VERSION``.  With ``fashion_mnist`` (default) the data
    set is put where the book's loader reads, ``data_root`` (``../data`` relative to the
    working directory, as in the book); a chapter that does not load it passes ``False``.

    Taught in: 01 (set-up) (the book's d2l with PNG figures, in-process loading and offline
    Fashion-MNIST).
    """
    if not isinstance(d2l, types.ModuleType) or d2l.__name__ != "d2l.torch":
        raise TypeError(
            f"adapt_d2l expects the book's module: from d2l import torch as d2l; got {d2l!r}"
        )
    installed = importlib.metadata.version("d2l")
    if installed != BOOK_D2L_VERSION:
        raise RuntimeError(
            f"d2l {installed} is installed, but the notebooks run the Chinese edition's "
            f"d2l=={BOOK_D2L_VERSION}: pip install --no-deps d2l=={BOOK_D2L_VERSION} "
            "(make install does this)"
        )
    from matplotlib_inline import backend_inline

    def use_png_display() -> None:
        """PNG figures (the book's ``use_svg_display``, adapted by d2lnotes)."""
        backend_inline.set_matplotlib_formats("png")

    def get_dataloader_workers() -> int:
        """Load data in the notebook's own process (the book uses 4; adapted by d2lnotes)."""
        return 0

    warnings.filterwarnings(
        "ignore",
        message="Converting a tensor with requires_grad=True to a scalar",
        category=UserWarning,
        module=r"d2l\.torch",
    )
    d2l.use_svg_display = use_png_display
    d2l.display = _FigureDisplay()
    d2l.get_dataloader_workers = get_dataloader_workers
    if fashion_mnist:
        provide_fashion_mnist(data_root)
    return d2l
