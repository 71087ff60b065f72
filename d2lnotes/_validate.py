"""Small argument checks shared by the public helpers (clear messages, no magic)."""

from __future__ import annotations

import math
from numbers import Integral, Real

import torch


def positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def non_negative_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def non_negative_float(value, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, Real)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def tensor(value, name: str, ndim: int | tuple[int, ...] | None = None) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if value.ndim not in allowed:
            want = " or ".join(str(a) for a in allowed)
            raise ValueError(
                f"{name} must have {want} dimension(s), got shape {tuple(value.shape)}"
            )
    return value


def same_length(tensors, names) -> int:
    lengths = [t.shape[0] if t.ndim else None for t in tensors]
    if any(n is None for n in lengths):
        bad = [nm for nm, n in zip(names, lengths, strict=True) if n is None]
        raise ValueError(f"{', '.join(bad)} must have a first (example) dimension, got a scalar")
    if len(set(lengths)) != 1:
        desc = ", ".join(f"{nm}: {n}" for nm, n in zip(names, lengths, strict=True))
        raise ValueError(f"tensors must have the same number of examples (first dimension); {desc}")
    if lengths[0] == 0:
        raise ValueError("tensors hold no examples (first dimension is 0)")
    return lengths[0]
