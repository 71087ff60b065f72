"""Holding data out: a seeded train/validation split (taught in chapters 2 and 4)."""

from __future__ import annotations


import torch

from . import _validate as v

__all__ = ["train_val_split"]


def train_val_split(
    X: torch.Tensor, y: torch.Tensor, val_size: int | float, *, seed: int = 0
) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """Shuffle the examples with ``seed`` and hold ``val_size`` of them out.

    ``val_size`` is a count (int) or a fraction in (0, 1).  Both parts must be
    non-empty.  Returns ``(X_train, y_train), (X_val, y_val)``; shapes keep every
    dimension but the first.

    Taught in: 02 §2 (one validation split, compared with K-fold); 04 §5 (choosing λ on a validation
    set).
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
