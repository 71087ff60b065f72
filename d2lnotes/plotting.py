"""Plots that work inline in Jupyter and VS Code and headless (saved PNG).

Each function draws on the ``ax`` it is given (or a new figure) and returns
the axes.  In a notebook, end a plotting cell with ``plt.show()`` so that the
cell shows the picture and no ``<Axes ...>`` text; in a script, call
:func:`save_figure`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .history import History
from .monitor import STAT_NAMES, LayerStats

__all__ = [
    "plot_bands",
    "plot_history",
    "plot_layer_histograms",
    "plot_layer_stats",
    "save_figure",
]


def _new_axes(ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax


def plot_history(
    history: History,
    keys: Sequence[str] = ("train_loss", "test_loss"),
    *,
    ax=None,
    logy: bool = True,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    model: int | None = None,
):
    """Curves of ``history[key]`` against the epoch, one per key (log scale by default).

    For per-model histories (values of shape (epochs, M)) pass ``model`` to pick
    one model.

    Taught in: 03 §3 (training and test loss curves of the book's degree 3, 1 and 19 runs).
    """
    if not isinstance(history, History):
        raise TypeError(f"history must be a d2lnotes.History, got {type(history).__name__}")
    if len(history) == 0:
        raise ValueError("history is empty: nothing to plot")
    if labels is not None and len(labels) != len(keys):
        raise ValueError(f"{len(labels)} labels for {len(keys)} keys")
    ax = _new_axes(ax)
    for i, key in enumerate(keys):
        values = history[key]
        if values.ndim == 2:
            if model is None:
                raise ValueError(f"{key!r} holds {values.shape[1]} models: pass model=index")
            values = values[:, model]
        ax.plot(history.epochs, values, label=labels[i] if labels else key.replace("_", " "))
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_bands(
    x: Sequence[float],
    values,
    label: str | None = None,
    *,
    ax=None,
    logy: bool = True,
    quantiles: tuple[float, float] = (0.1, 0.9),
    color=None,
    marker: str = "o",
):
    """Median over seeds with a shaded band between two quantiles.

    Shapes: ``x`` (P,), ``values`` (S, P) for S seeds and P points.  Non-finite
    values count as +inf (a diverged run is "worse than anything").  The band
    shows how much the curve moves from seed to seed; with one seed it is a
    plain line.

    Taught in: 03 §5 (median and 10-90% quantile band over data sets in the degree sweep).
    """
    values = np.asarray(values, dtype=float)
    x = np.asarray(x, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"values must have shape (seeds, points), got {values.shape}")
    if x.ndim != 1 or x.shape[0] != values.shape[1]:
        raise ValueError(f"x has shape {x.shape} but values have {values.shape[1]} points")
    lo_q, hi_q = quantiles
    if not 0 <= lo_q <= 0.5 <= hi_q <= 1:
        raise ValueError(f"quantiles must satisfy 0 <= low <= 0.5 <= high <= 1, got {quantiles}")
    values = np.where(np.isfinite(values), values, np.inf)
    ax = _new_axes(ax)
    median = _quantile(values, 0.5)
    (line,) = ax.plot(x, median, marker=marker, ms=3, label=label, color=color)
    if values.shape[0] > 1:
        lo = _quantile(values, lo_q)
        hi = _quantile(values, hi_q)
        ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)
    if logy:
        ax.set_yscale("log")
    if label:
        ax.legend()
    return ax


def _quantile(values: np.ndarray, q: float) -> np.ndarray:
    """Column-wise quantile; columns holding inf use an order statistic (no inf - inf)."""
    out = np.empty(values.shape[1])
    for j in range(values.shape[1]):
        col = values[:, j]
        method = "linear" if np.all(np.isfinite(col)) else "inverted_cdf"
        out[j] = np.quantile(col, q, method=method)
    return out


_STAT_LABELS = {
    "out_mean": "output mean",
    "out_std": "output std",
    "saturation": "fraction saturated",
    "grad_norm": "‖∂loss/∂output‖",
    "grad_std": "std of ∂loss/∂output",
    "weight_grad_norm": "‖∂loss/∂W‖",
}


def plot_layer_stats(
    stats: LayerStats,
    stat: str = "grad_norm",
    *,
    ax=None,
    label: str | None = None,
    logy: bool | None = None,
    color=None,
    **plot_kwargs,
):
    """One curve of a per-layer statistic against the layer number (1 = nearest the input).

    ``stats`` comes from :meth:`d2lnotes.LayerMonitor.stats`; ``stat`` is one of
    ``out_mean``, ``out_std``, ``saturation``, ``grad_norm``, ``grad_std``,
    ``weight_grad_norm``.  Norms and standard deviations use a log scale by
    default.  Zeros and NaNs are left out of a log plot (a gradient that
    underflowed to 0 shows as a gap).

    Taught in: 07 §3 (the gradient norm per layer for each weight scale).
    """
    if not isinstance(stats, LayerStats):
        raise TypeError(f"stats must be a d2lnotes.LayerStats, got {type(stats).__name__}")
    if stat not in STAT_NAMES:
        raise ValueError(f"unknown statistic {stat!r}; choose from {list(STAT_NAMES)}")
    ax = _new_axes(ax)
    values = np.asarray(stats[stat], dtype=float)
    if logy is None:
        logy = stat in ("out_std", "grad_norm", "grad_std", "weight_grad_norm")
    if logy:
        values = np.where(values > 0, values, np.nan)
    layers = np.arange(1, len(values) + 1)
    ax.plot(layers, values, label=label, color=color, **plot_kwargs)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.set_ylabel(_STAT_LABELS[stat])
    if label:
        ax.legend()
    return ax


def plot_layer_histograms(
    stats: LayerStats,
    layers: Sequence[int] | None = None,
    *,
    which: str = "values",
    ax=None,
    bins: int = 60,
    range: tuple[float, float] | None = None,
):
    """Overlaid histograms of sampled outputs (``which="values"``) or gradients (``"grads"``).

    ``layers`` are 1-based layer numbers (default: first, middle, last).  Needs a
    monitor made with ``keep_values > 0``.

    Taught in: 07 §3 (tanh's activations collapsing to 0 or saturating at ±1).
    """
    if not isinstance(stats, LayerStats):
        raise TypeError(f"stats must be a d2lnotes.LayerStats, got {type(stats).__name__}")
    if which not in ("values", "grads"):
        raise ValueError(f"which must be 'values' or 'grads', got {which!r}")
    samples = stats.values if which == "values" else stats.grads
    if not samples:
        raise ValueError(
            f"no {which} were kept: make the LayerMonitor with keep_values > 0"
            + (" and run a backward pass" if which == "grads" else "")
        )
    n = len(stats)
    if layers is None:
        layers = sorted({1, (n + 1) // 2, n})
    ax = _new_axes(ax)
    for k in layers:
        if not 1 <= k <= n:
            raise ValueError(f"layer {k} is out of range 1..{n}")
        name = stats.names[k - 1]
        if name not in samples:
            raise ValueError(f"layer {k} ({name}) has no kept {which}")
        ax.hist(
            samples[name], bins=bins, range=range, histtype="step", density=True, label=f"layer {k}"
        )
    ax.set_xlabel("output value" if which == "values" else "gradient entry")
    ax.set_ylabel("density")
    ax.legend()
    return ax


def save_figure(fig, path: str | Path) -> Path:
    """Save ``fig`` as PNG (creating folders), e.g. in a headless script or CI."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"save figures as .png, got {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight")
    return path
