"""Norm penalties added to a training objective (weight decay chapter).

Both take a weight tensor and return the penalty *without* the strength lambda, so
that an objective reads ``loss + lam * l2_penalty(w)``.  ``per_model=True`` treats
the first dimension as a stack of models (see :mod:`d2lnotes.batched`) and returns
one value per model.
"""

from __future__ import annotations

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


def l2_penalty(w: torch.Tensor, per_model: bool = False) -> torch.Tensor:
    """The book's ``||w||^2 / 2`` (half the squared L2 norm; its gradient is ``w``).

    Shapes: any ``w`` -> scalar; with ``per_model=True``, ``w`` (M, ...) -> (M,).
    """
    dims = _dims(w, per_model)
    return (w**2).sum() / 2 if dims is None else (w**2).sum(dim=dims) / 2


def l1_penalty(w: torch.Tensor, per_model: bool = False) -> torch.Tensor:
    """``||w||_1``, the sum of absolute values (its subgradient is ``sign(w)``).

    Shapes: any ``w`` -> scalar; with ``per_model=True``, ``w`` (M, ...) -> (M,).
    """
    dims = _dims(w, per_model)
    return w.abs().sum() if dims is None else w.abs().sum(dim=dims)
