"""Closed-form least squares (and ridge), to compare with what SGD finds."""

from __future__ import annotations

import torch

from . import _validate as v

__all__ = ["least_squares"]


def least_squares(X: torch.Tensor, y: torch.Tensor, ridge: float = 0.0) -> torch.Tensor:
    """Minimise ``||X w - y||^2 + ridge * ||w||^2`` exactly.

    Shapes: ``X`` (n, d), ``y`` (n,) or (n, 1) -> ``w`` (d,) or (d, 1), on
    ``X``'s device and dtype.

    The solve runs on the CPU in float64 with an SVD-based solver (LAPACK
    ``gelsd``) after scaling every column to unit norm, which is accurate for
    the badly conditioned polynomial design matrices and gives the same answer
    whatever device the data live on.  With
    ``ridge > 0`` it solves the equivalent stacked system
    ``[X; sqrt(ridge) I] w = [y; 0]`` instead of forming ``X^T X``.

    The weights come back in ``X``'s dtype.  Evaluate ill-conditioned fits
    (e.g. degree 19) in float64: their weights are huge and cancel, which
    float32 cannot resolve.

    Without ridge, fewer examples than parameters (``n < d``, e.g. degree >=
    number of samples) has infinitely many exact solutions and is rejected.

    Taught in: 02 §1 (exact polynomial fits, free of optimiser noise); 03 §4 (the exact solution,
    solved stably with the SVD); 04 §5 (weight decay's analytic solution through ridge=).
    """
    v.tensor(X, "X", ndim=2)
    v.tensor(y, "y", ndim=(1, 2))
    ridge = v.non_negative_float(ridge, "ridge")
    n, d = X.shape
    if y.shape[0] != n:
        raise ValueError(
            f"X has {n} rows but y has {y.shape[0]}: shapes {tuple(X.shape)} and {tuple(y.shape)}"
        )
    if y.ndim == 2 and y.shape[1] != 1:
        raise ValueError(f"y must have shape (n,) or (n, 1), got {tuple(y.shape)}")
    if n == 0 or d == 0:
        raise ValueError(f"X must be non-empty, got shape {tuple(X.shape)}")
    if ridge == 0 and n < d:
        raise ValueError(
            f"underdetermined least squares: {d} parameters but only {n} examples "
            f"(for polynomials: degree {d - 1} >= {n} samples). "
            "Use fewer features, more examples, or ridge > 0."
        )
    X64 = X.detach().to("cpu", torch.float64)
    y64 = y.detach().to("cpu", torch.float64).reshape(n, 1)
    if not (torch.isfinite(X64).all() and torch.isfinite(y64).all()):
        raise ValueError("X and y must be finite (found NaN or inf)")
    # Equilibrate: solve for u = w * ||X[:, j]|| so that every column has norm 1.
    # This is an exact change of variables, but without it the solver's rank
    # cut-off would silently drop tiny columns such as x^19/19!.
    scale = torch.linalg.vector_norm(X64, dim=0)
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    A = X64 / scale
    if ridge > 0:  # ||w||^2 = ||u / scale||^2
        A = torch.cat([A, ridge**0.5 * torch.diag(1.0 / scale)])
        y64 = torch.cat([y64, torch.zeros(d, 1, dtype=torch.float64)])
    w = torch.linalg.lstsq(A, y64, driver="gelsd").solution / scale.unsqueeze(1)
    w = w.to(X.device, X.dtype)
    return w if y.ndim == 2 else w.reshape(d)
