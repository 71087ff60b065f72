"""Holding data out: a seeded train/validation split, and stacking data sets per model."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from . import _validate as v

__all__ = ["stack_datasets", "train_val_split"]


def train_val_split(
    X: torch.Tensor, y: torch.Tensor, val_size: int | float, *, seed: int = 0
) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """Shuffle the examples with ``seed`` and hold ``val_size`` of them out.

    ``val_size`` is a count (int) or a fraction in (0, 1).  Both parts must be
    non-empty.  Returns ``(X_train, y_train), (X_val, y_val)``; shapes keep every
    dimension but the first.
    """
    n = v.same_length((X, y), ("X", "y"))
    if isinstance(val_size, bool) or not isinstance(val_size, (int, float)):
        raise TypeError(f"val_size must be an int or a float, got {type(val_size).__name__}")
    if isinstance(val_size, float):
        if not 0 < val_size < 1:
            raise ValueError(f"a fractional val_size must be in (0, 1), got {val_size}")
        n_val = round(val_size * n)
    else:
        n_val = val_size
    if not 0 < n_val < n:
        raise ValueError(
            f"val_size={val_size!r} leaves an empty split: {n - n_val} training and "
            f"{n_val} validation examples out of {n}"
        )
    order = torch.randperm(
        n, generator=torch.Generator().manual_seed(v.non_negative_int(seed, "seed"))
    )
    val_idx, train_idx = order[:n_val].to(X.device), order[n_val:].to(X.device)
    return (X[train_idx], y[train_idx]), (X[val_idx], y[val_idx])


def stack_datasets(
    datasets: Sequence[tuple[torch.Tensor, torch.Tensor]], repeat: int = 1
) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack data sets for models trained side by side, examples first.

    ``datasets`` holds S pairs ``(X (n, d), y (n,) or (n, 1))`` of equal shapes;
    each is repeated ``repeat`` times in a row, so model ``m`` sees data set
    ``m // repeat``.  Returns ``X`` (n, S * repeat, d) and ``y`` (n, S * repeat),
    the per-model layout that :class:`~d2lnotes.BatchedLinear` and
    :func:`~d2lnotes.per_model_mse` accept.
    """
    repeat = v.positive_int(repeat, "repeat")
    if len(datasets) == 0:
        raise ValueError("give at least one data set")
    Xs, ys = [], []
    for i, pair in enumerate(datasets):
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise TypeError(f"data set {i} must be a pair (X, y)")
        X, y = pair
        v.tensor(X, f"data set {i} X", ndim=2)
        v.tensor(y, f"data set {i} y", ndim=(1, 2))
        v.same_length((X, y), (f"data set {i} X", f"data set {i} y"))
        if y.ndim == 2 and y.shape[1] != 1:
            raise ValueError(
                f"data set {i}: y must have shape (n,) or (n, 1), got {tuple(y.shape)}"
            )
        Xs.append(X)
        ys.append(y.reshape(-1))
    shapes = {tuple(X.shape) for X in Xs}
    if len(shapes) > 1:
        raise ValueError(f"data sets must have equal shapes, got X shapes {sorted(shapes)}")
    X = torch.stack(Xs, dim=1).repeat_interleave(repeat, dim=1)
    y = torch.stack(ys, dim=1).repeat_interleave(repeat, dim=1)
    return X, y
