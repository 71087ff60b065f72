"""Norm penalties added to a training objective (weight decay chapter).

Both take a weight tensor and an optional strength ``lam`` (default 1, so that
``lam * l2_penalty(w)`` reads like the book).  ``per_model=True`` treats the first
dimension as a stack of models (see :mod:`d2lnotes.batched`) and returns one value
per model; ``lam`` may then hold one strength per model.
"""

from __future__ import annotations

import math

import torch

from . import _validate as v

__all__ = ["l1_penalty", "l2_penalty"]


def _dims(w: torch.Tensor, per_model: bool) -> tuple[int, ...] | None:
    v.tensor(w, "w")
    if not torch.is_floating_point(w):
        raise TypeError(f"w must be a floating-point tensor, got {w.dtype}")
    if not per_model:
        return None
    if w.ndim < 2:
        raise ValueError(f"per_model=True needs w of shape (M, ...), got {tuple(w.shape)}")
    return tuple(range(1, w.ndim))


_NEGATIVE = "a negative strength rewards large weights"


def _strength(lam, w: torch.Tensor, per_model: bool):
    if isinstance(lam, torch.Tensor):
        if lam.ndim == 0:
            lam_value = lam
        elif per_model and lam.shape == (w.shape[0],):
            lam_value = lam
        else:
            want = f"a scalar or shape ({w.shape[0]},)" if per_model else "a scalar"
            raise ValueError(f"lam must be {want}, got shape {tuple(lam.shape)}")
        if not bool(torch.all(torch.isfinite(lam_value) & (lam_value >= 0))):
            raise ValueError(f"lam must be finite and >= 0 ({_NEGATIVE})")
        return lam_value.to(w.dtype)
    number = isinstance(lam, (int, float)) and not isinstance(lam, bool)
    if not number or not math.isfinite(lam) or lam < 0:
        raise ValueError(f"lam must be a finite number >= 0 ({_NEGATIVE}), got {lam!r}")
    return float(lam)


def l2_penalty(w: torch.Tensor, lam=1.0, per_model: bool = False) -> torch.Tensor:
    """``lam * ||w||^2 / 2``: the book's half squared L2 norm (gradient ``lam * w``).

    Shapes: any ``w`` -> scalar; with ``per_model=True``, ``w`` (M, ...) -> (M,),
    and ``lam`` a number or (M,).

    Taught in: 04 §7 (the L2 penalty against L1's proximal step).
    """
    dims = _dims(w, per_model)
    lam = _strength(lam, w, per_model)
    return lam * ((w**2).sum() / 2 if dims is None else (w**2).sum(dim=dims) / 2)


def l1_penalty(w: torch.Tensor, lam=1.0, per_model: bool = False) -> torch.Tensor:
    """``lam * ||w||_1``, the sum of absolute values (subgradient ``lam * sign(w)``).

    Shapes: any ``w`` -> scalar; with ``per_model=True``, ``w`` (M, ...) -> (M,),
    and ``lam`` a number or (M,).
    """
    dims = _dims(w, per_model)
    lam = _strength(lam, w, per_model)
    return lam * (w.abs().sum() if dims is None else w.abs().sum(dim=dims))
