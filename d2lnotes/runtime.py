"""Reproducibility and device choice: seeds, CPU threads, the device, and notebook set-up.

Everything here is explicit: nothing happens on import.  A notebook calls
:func:`notebook_setup` once in its first code cell.

Conventions used throughout d2lnotes
------------------------------------
* Data and initial weights are created **on the CPU** with a seeded
  :class:`torch.Generator`, then moved with ``.to(device)``.  CPU and CUDA runs
  therefore start from bit-identical tensors; only the arithmetic afterwards
  may differ (and is compared with tolerances).
* The number of CPU threads is a deliberate setting (default 1, see
  :func:`set_threads`): on small matrices and shared 2-core machines one
  thread is both faster and reproducible across machines.
"""

from __future__ import annotations

import os
import random
import warnings

import numpy as np
import torch

__all__ = [
    "DEFAULT_THREADS",
    "get_device",
    "notebook_setup",
    "seed_everything",
    "set_threads",
]

#: Threads used when neither an argument nor ``D2LNOTES_THREADS`` says otherwise.
DEFAULT_THREADS = 1


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and all CUDA devices).

    Returns a fresh CPU :class:`torch.Generator` seeded with ``seed``, which is
    the preferred way to make data: pass it as ``generator=`` so the data do
    not depend on how many random numbers other code has drawn.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return torch.Generator().manual_seed(seed)


def set_threads(num_threads: int | None = None) -> int:
    """Set how many CPU threads PyTorch uses for intra-op parallelism.

    ``None`` reads the environment variable ``D2LNOTES_THREADS`` and falls back
    to :data:`DEFAULT_THREADS` (1).  Why 1 by default: the notebooks multiply
    small matrices, where OpenMP start-up costs more than it saves, and on a
    shared 2-core machine a second thread that competes with another process
    can make PyTorch several times *slower*.  One thread also makes float32
    reductions identical from machine to machine, which keeps printed numbers
    stable.  Set ``D2LNOTES_THREADS=0`` to keep PyTorch's own default.

    Returns the number of threads now in effect.
    """
    if num_threads is None:
        env = os.environ.get("D2LNOTES_THREADS", "").strip()
        if env:
            try:
                num_threads = int(env)
            except ValueError:
                raise ValueError(f"D2LNOTES_THREADS must be an integer, got {env!r}") from None
        else:
            num_threads = DEFAULT_THREADS
    if not isinstance(num_threads, int) or isinstance(num_threads, bool) or num_threads < 0:
        raise ValueError(f"num_threads must be a non-negative int, got {num_threads!r}")
    if num_threads > 0:
        torch.set_num_threads(num_threads)
    return torch.get_num_threads()


def get_device(prefer: str | torch.device | None = None) -> torch.device:
    """Choose the device to train on.

    Order of precedence: the ``prefer`` argument, then the environment variable
    ``D2LNOTES_DEVICE`` (e.g. ``cpu``, ``cuda``, ``cuda:1``, ``mps``), then CUDA
    when available, else the CPU.  Asking for a device that is not available
    is an error rather than a silent fall-back, so a GPU run cannot quietly
    become a CPU run.
    """
    choice = prefer if prefer is not None else os.environ.get("D2LNOTES_DEVICE", "").strip()
    if not choice:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(choice)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"unknown device {choice!r}: {exc}") from None
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError(f"device {choice!r} requested but CUDA is not available")
        index = device.index or 0
        if index >= torch.cuda.device_count():
            raise RuntimeError(
                f"device {choice!r} requested but only {torch.cuda.device_count()} "
                "CUDA device(s) exist"
            )
    elif device.type == "mps":
        if not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
            raise RuntimeError(f"device {choice!r} requested but MPS is not available")
    elif device.type != "cpu":
        raise ValueError(f"unsupported device type {device.type!r}")
    return device


def notebook_setup(
    seed: int = 0,
    threads: int | None = None,
    device: str | torch.device | None = None,
    precision: int = 4,
) -> torch.device:
    """One call at the top of every notebook.

    * seeds everything (:func:`seed_everything`);
    * fixes the CPU thread count (:func:`set_threads`);
    * prints tensors with ``precision`` digits;
    * makes inline figures PNG (nbval skips PNG but would compare SVG text)
      with a fixed size and resolution;
    * silences warnings that only some machines print (they would add a
      ``stderr`` output that nbval reports as a difference);
    * returns the device to train on (:func:`get_device`).

    Taught in: 00 (set-up) (seeds, one CPU thread, PNG figures and the device, at the top).
    """
    seed_everything(seed)
    set_threads(threads)
    torch.set_printoptions(precision=precision, sci_mode=False)
    np.set_printoptions(precision=precision, suppress=True)

    import matplotlib

    matplotlib.rcParams.update(
        {
            "figure.figsize": (6.0, 3.6),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "legend.frameon": False,
        }
    )
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to configure
        get_ipython = None  # noqa: N806
    shell = get_ipython() if get_ipython is not None else None
    if shell is not None and getattr(shell, "kernel", None) is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        shell.run_line_magic("matplotlib", "inline")
        set_matplotlib_formats("png")

    # Warnings that depend on the machine, not on the lesson.
    warnings.filterwarnings("ignore", message=".*CUDA initialization.*")
    warnings.filterwarnings("ignore", message=".*TF32.*")
    warnings.filterwarnings("ignore", category=FutureWarning, module="d2l")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="d2l")
    return get_device(device)
