"""A training history: per-epoch values of named metrics, returned by every loop."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

__all__ = ["History"]


class History:
    """Per-epoch metrics.

    ``history.log(epoch, train_loss=..., test_loss=...)`` appends one row;
    ``history["train_loss"]`` is a NumPy array of shape (epochs,) for a single
    model or (epochs, num_models) when a metric holds one value per model;
    ``history.epochs`` holds the epoch numbers (1-based).

    Taught in: 04 §2 (the per-epoch losses of the from-scratch weight-decay runs).
    """

    def __init__(self) -> None:
        self.epochs: list[int] = []
        self._metrics: dict[str, list] = {}

    def log(self, epoch: int, **values) -> None:
        if self.epochs and epoch <= self.epochs[-1]:
            raise ValueError(f"epoch {epoch} logged after epoch {self.epochs[-1]}")
        if not values:
            raise ValueError("log at least one metric")
        if self.epochs and set(values) != set(self._metrics):
            raise ValueError(
                f"metrics {sorted(values)} differ from earlier epochs' {sorted(self._metrics)}"
            )
        self.epochs.append(int(epoch))
        for name, value in values.items():
            self._metrics.setdefault(name, []).append(np.asarray(value, dtype=float))

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._metrics:
            raise KeyError(f"no metric {name!r}; have {sorted(self._metrics)}")
        return np.stack(self._metrics[name])

    def __contains__(self, name: str) -> bool:
        return name in self._metrics

    def __len__(self) -> int:
        return len(self.epochs)

    def keys(self) -> Iterable[str]:
        return self._metrics.keys()

    def last(self, name: str):
        """The last logged value of ``name`` (a float, or an array per model)."""
        value = self[name][-1]
        return float(value) if value.ndim == 0 else value

    def diverged(self, name: str = "train_loss") -> bool:
        """True if the last value of ``name`` is not finite for any model."""
        return not bool(np.all(np.isfinite(self[name][-1])))

    def __repr__(self) -> str:
        parts = []
        for name in self._metrics:
            last = self[name][-1]
            if last.ndim == 0:
                parts.append(f"{name}={_fmt(float(last))}")
            else:
                parts.append(f"{name}=<{last.size} models>")
        return f"History(epochs={len(self)}, last: {', '.join(parts)})"


def _fmt(x: float) -> str:
    return f"{x:.4g}" if math.isfinite(x) else str(x)
