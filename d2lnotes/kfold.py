"""K-fold cross-validation, with any preprocessing fitted inside each fold.

* :func:`kfold_indices` — shuffled (seeded), optionally stratified folds whose
  sizes differ by at most one;
* :func:`cross_validate` — train on K − 1 folds, score on the held-out one, K
  times; a ``preprocess`` step is *fitted on the training folds only* and then
  applied to both parts, so nothing about the validation fold leaks into
  training (the book's Kaggle code standardises with statistics of all the
  data, test set included — a leak);
* :func:`standardizer` — the usual preprocessing step: subtract the mean and
  divide by the standard deviation *of the data it is fitted on*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from . import _validate as v

__all__ = ["CVResult", "cross_validate", "kfold_indices", "standardizer"]


def kfold_indices(
    n: int, k: int, *, seed: int = 0, labels: torch.Tensor | None = None
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Split ``range(n)`` into ``k`` folds: a list of ``(train_idx, val_idx)`` pairs.

    The examples are shuffled with ``seed``; every example is in exactly one
    validation fold; fold sizes differ by at most one.  With ``labels`` (shape
    (n,), integer classes) the folds are **stratified**: each class is spread
    over the folds as evenly as possible (counts per fold differ by at most one),
    so every fold has about the class proportions of the whole.  Index tensors
    are int64 on the CPU, each sorted.

    Taught in: 02 §2 (the folds, dealt out like cards and checked against a by-hand version).
    """
    n = v.positive_int(n, "n")
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    if k < 2:
        raise ValueError(f"k-fold cross-validation needs k >= 2 folds, got k={k}")
    if k > n:
        raise ValueError(f"k={k} folds cannot be made from n={n} examples (need k <= n)")
    g = torch.Generator().manual_seed(v.non_negative_int(seed, "seed"))
    if labels is None:
        order = torch.randperm(n, generator=g)
    else:
        v.tensor(labels, "labels", ndim=1)
        if labels.shape[0] != n:
            raise ValueError(f"labels has {labels.shape[0]} entries for n={n} examples")
        if labels.dtype.is_floating_point or labels.dtype == torch.bool:
            raise TypeError(f"labels must hold integer classes, got dtype {labels.dtype}")
        labels = labels.cpu()
        classes, counts = torch.unique(labels, return_counts=True)
        small = [(int(c), int(m)) for c, m in zip(classes, counts, strict=True) if m < k]
        if small:
            desc = ", ".join(f"class {c}: {m}" for c, m in small)
            raise ValueError(
                f"cannot stratify {k} folds: some classes have fewer than k={k} examples ({desc})"
            )
        # Shuffle within each class, lay the classes end to end and deal the examples
        # round-robin: fold i gets positions i, i + k, i + 2k, ...  Each class then
        # lands evenly over the folds, and fold sizes differ by at most one.
        perm = torch.randperm(n, generator=g)
        order = torch.cat([perm[labels[perm] == c] for c in classes])
    folds = [order[i::k] for i in range(k)]
    out = []
    for i in range(k):
        val = folds[i].sort().values
        train = torch.cat([folds[j] for j in range(k) if j != i]).sort().values
        out.append((train, val))
    return out


def standardizer(X_train: torch.Tensor, y_train: torch.Tensor | None = None) -> Callable:
    """Fit a standardisation on ``X_train`` (n, d): returns ``transform(X) = (X - mean) / std``.

    The mean and standard deviation are per column and come from ``X_train``
    only; a constant column gets std 1 (it becomes 0, not NaN).  ``y_train`` is
    accepted and ignored, so this can be passed as ``preprocess`` to
    :func:`cross_validate`.

    Taught in: 02 §4 (standardisation fitted inside each fold, against the leak).
    """
    v.tensor(X_train, "X_train", ndim=2)
    if X_train.shape[0] < 2:
        raise ValueError(f"need at least 2 examples to estimate a std, got {X_train.shape[0]}")
    mean = X_train.mean(dim=0)
    std = X_train.std(dim=0)
    std = torch.where(std > 0, std, torch.ones_like(std))

    def transform(X: torch.Tensor) -> torch.Tensor:
        v.tensor(X, "X", ndim=2)
        if X.shape[1] != mean.shape[0]:
            raise ValueError(
                f"X has {X.shape[1]} columns but the standardizer was fitted on {mean.shape[0]}"
            )
        return (X - mean) / std

    return transform


@dataclass
class CVResult:
    """Scores of a K-fold cross-validation: ``scores`` has shape (k,), one per fold.

    Taught in: returned by dn.cross_validate (see that helper).
    """

    scores: np.ndarray
    fold_sizes: np.ndarray

    @property
    def mean(self) -> float:
        """The cross-validation estimate: the fold scores averaged, weighted by fold size."""
        return float(np.average(self.scores, weights=self.fold_sizes))

    @property
    def std(self) -> float:
        """Spread of the fold scores (not the standard error of the mean)."""
        return float(np.std(self.scores, ddof=1))

    def __repr__(self) -> str:
        return f"CVResult(k={len(self.scores)}, mean={self.mean:.4g}, std={self.std:.3g})"


def cross_validate(
    fit_and_score: Callable,
    X: torch.Tensor,
    y: torch.Tensor,
    k: int = 5,
    *,
    seed: int = 0,
    stratify: bool = False,
    preprocess: Callable | None = None,
) -> CVResult:
    """K-fold cross-validation of ``fit_and_score(X_train, y_train, X_val, y_val) -> float``.

    For each of the ``k`` folds: the other folds are the training part; if
    ``preprocess`` is given, ``transform = preprocess(X_train, y_train)`` is
    fitted on the training part only and applied to both parts; then
    ``fit_and_score`` trains a fresh model and returns its validation score (a
    loss or an accuracy, the caller decides).  ``X`` (n, ...) and ``y`` (n, ...)
    stay on their device.  Returns a :class:`CVResult`; a fold whose fit diverged
    keeps its non-finite score, so the mean shows it.

    Taught in: 02 §2 (K-fold cross-validation against one validation split); 02 §4 (preprocessing
    fitted inside each fold).
    """
    if not callable(fit_and_score):
        raise TypeError(
            "fit_and_score must be a callable (X_train, y_train, X_val, y_val) -> float"
        )
    if preprocess is not None and not callable(preprocess):
        raise TypeError("preprocess must be a callable (X_train, y_train) -> transform")
    n = v.same_length((v.tensor(X, "X"), v.tensor(y, "y")), ("X", "y"))
    folds = kfold_indices(n, k, seed=seed, labels=y if stratify else None)
    scores, sizes = [], []
    for train, val in folds:
        train, val = train.to(X.device), val.to(X.device)
        X_tr, y_tr, X_val, y_val = X[train], y[train], X[val], y[val]
        if preprocess is not None:
            transform = preprocess(X_tr, y_tr)
            X_tr, X_val = transform(X_tr), transform(X_val)
        score = fit_and_score(X_tr, y_tr, X_val, y_val)
        scores.append(float(score.item() if isinstance(score, torch.Tensor) else score))
        sizes.append(len(val))
    return CVResult(np.array(scores), np.array(sizes))
