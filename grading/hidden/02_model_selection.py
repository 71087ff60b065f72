"""Hidden tests for notebooks/02_model_selection.ipynb: the implement-it exercises on other inputs.

Exercise N's test is ``exN``; its parameters are the learner's names (grading/README.md).
"""

import numpy as np
import torch

import d2lnotes as dn


def _fold_counts(kfold, n, k):
    """(k, 2, n + 1): how often each example is in fold i's training part (row 0) and validation
    fold (row 1); the last column counts indices outside 0..n-1.  None if nothing was returned."""
    counts = np.zeros((k, 2, n + 1))
    for i in range(k):
        parts = kfold(n, k, i)
        if parts is None:
            return None
        if isinstance(parts, dict):
            raise dn.ExerciseFeedback(
                "my_kfold_indices: got a dict; return the pair (train_idx, val_idx)"
            )
        if isinstance(parts, (torch.Tensor, np.ndarray)) or all(np.ndim(p) == 0 for p in parts):
            raise dn.ExerciseFeedback(
                f"my_kfold_indices: got one {type(parts).__name__.lower()} of {np.asarray(parts).size} indices; "
                "return the pair (train_idx, val_idx), two tensors"
            )
        if len(parts) != 2:
            raise dn.ExerciseFeedback(
                f"my_kfold_indices: return the pair (train_idx, val_idx), got {len(parts)} items"
            )
        for j, idx in enumerate(parts):
            idx = torch.as_tensor(idx).reshape(-1)
            idx = idx.nonzero()[:, 0] if idx.dtype == torch.bool else idx.long()
            inside = (idx >= 0) & (idx < n)
            counts[i, j, :n] = torch.bincount(idx[inside], minlength=n).numpy()
            counts[i, j, n] = (~inside).sum().item()
    return counts


def _check_folds(my_kfold_indices, n, k):
    # dn.kfold_indices's folds (seed 0) with its shuffle undone: example order[p] goes back to p
    position = torch.randperm(n, generator=torch.Generator().manual_seed(0)).argsort()
    right = np.zeros((k, 2, n + 1))
    for i, pair in enumerate(dn.kfold_indices(n, k)):
        for j, idx in enumerate(pair):
            right[i, j, position[idx].numpy()] = 1
    mine = _fold_counts(my_kfold_indices, n, k)
    T, V = (mine[:, 0, :n], mine[:, 1, :n]) if mine is not None else (None, None)
    sizes = V.sum(1).astype(int).tolist() if mine is not None else []
    r = n % k
    dn.check_answer(
        mine,
        right,
        name=f"my_kfold_indices({n}, {k}, i) for every fold (hidden inputs)",
        rtol=0,
        mistakes=[
            (
                lambda a: a[:, :, n].any(),
                "some indices lie outside 0..n-1 (off by one?): the examples "
                "are numbered 0 to n - 1",
            ),
            (
                lambda a: (T * V).any(),
                "a fold's validation examples are also in its training part: the "
                "validation fold leaks into training -- train on the other k - 1 folds only",
            ),
            (
                lambda a: r > 0 and (V.sum(0)[: n - r] == 1).all() and not V.sum(0)[n - r :].any(),
                f"the last n mod k = {r} examples are in no validation fold: folds of n // k examples each "
                "leave the rest out (the book's get_k_fold_data does this) -- deal every example to a fold",
            ),
            (
                lambda a: V[:, 0].sum() == 0 and (V.sum(0)[1:] == 1).all(),
                "example 0 is in no validation fold: fold i starts at example i (off by one)",
            ),
            (
                lambda a: V[:, -1].sum() == 0 and (V.sum(0)[:-1] == 1).all(),
                "the last example, n - 1, is in no validation fold: your range stops one short (off by one)",
            ),
            (
                lambda a: np.array_equal(a[:, ::-1], right),
                "the two parts are swapped: return (train_idx, val_idx), the training part first",
            ),
            (
                lambda a: V.sum(0).max() > 1,
                "some examples are in two validation folds: the folds overlap",
            ),
            (lambda a: V.sum(0).min() == 0, "some examples are in no validation fold"),
            (lambda a: T.max() > 1, "an example appears twice in a training part"),
            (
                lambda a: (T + V != 1).any(),
                "a training part is not all the examples outside its validation fold",
            ),
            (
                lambda a: V.sum(1).max() - V.sum(1).min() > 1,
                f"your fold sizes {sizes} differ by more than one; dealt like cards they differ by at most one",
            ),
            (
                lambda a: all(np.ptp(np.flatnonzero(v)) == v.sum() - 1 for v in V),
                "a valid K-fold split, but in contiguous blocks: deal the examples like cards -- fold i "
                "holds examples i, i + k, i + 2k, ...",
            ),
            (
                lambda a: True,
                "a valid K-fold split, but fold i is not the examples i, i + k, i + 2k, ... as asked",
            ),
        ],
        hint="fold i: examples i, i + k, i + 2k, ... below n; training part: all the others",
    )


def ex6(my_kfold_indices):
    _check_folds(my_kfold_indices, 22, 6)  # 22 = 6 * 3 + 4: sizes 4, 4, 4, 4, 3, 3
    _check_folds(my_kfold_indices, 7, 7)  # leave-one-out


def ex7(my_cv_error):
    g = torch.Generator().manual_seed(2207)
    n, k = 19, 4  # folds of 5, 5, 5, 4
    X = torch.randn(n, 2, generator=g, dtype=torch.float64)
    y = X[:, 1] - 0.5 * X[:, 0] + torch.randn(n, generator=g, dtype=torch.float64).abs()

    def mean_fit(X_tr, y_tr):  # predicts the training mean, whatever the input
        m = y_tr.mean()
        return lambda X_new: m.expand(len(X_new))

    def mean_abs(y_hat, y_true):
        return (y_hat - y_true).abs().mean()

    def rows(X_part):
        return sorted((X_part[:, None, 0] == X[None, :, 0]).nonzero()[:, 1].tolist())

    fits_seen, scored = [], []

    def recording_fit(X_tr, y_tr):
        number = len(fits_seen)
        fits_seen.append(rows(X_tr))
        model = mean_fit(X_tr, y_tr)

        def recorded_model(X_new):
            scored.append((number, rows(X_new)))
            return model(X_new)

        return recorded_model

    mine = my_cv_error(recording_fit, mean_abs, X, y, k)
    folds = dn.kfold_indices(n, k)
    val_size = np.array([len(va) for _, va in folds])
    train_size = n - val_size

    def losses(pairs):
        return np.array([mean_abs(mean_fit(X[a], y[a])(X[b]), y[b]).item() for a, b in pairs])

    val_loss = losses([(tr, va) for tr, va in folds])
    train_loss = losses([(tr, tr) for tr, _ in folds])
    leak_loss = losses([(slice(None), va) for _, va in folds])
    swap_loss = losses([(va, tr) for tr, va in folds])
    expected = dn.cross_validate(
        lambda X_tr, y_tr, X_val, y_val: mean_abs(mean_fit(X_tr, y_tr)(X_val), y_val), X, y, k=k
    ).mean
    dn.check_answer(
        mine,
        expected,
        name="my_cv_error (hidden inputs)",
        rtol=1e-6,
        mistakes=[
            (
                lambda a: a.shape == (k,) and np.allclose(a, val_loss, rtol=1e-6),
                "these are the fold losses; return their average, weighted by fold size -- one number",
            ),
            (
                val_loss.mean(),
                "you averaged the fold losses equally, but the folds differ in size: weight "
                "each fold's loss by its size (sum of size x loss over the folds, divided by n)",
            ),
            (
                val_loss @ train_size / train_size.sum(),
                "you weighted each fold by the size of its training "
                "part; weight it by the size of its validation fold",
            ),
            (val_loss @ val_size, "that is the sum of size x loss over the folds: divide it by n"),
            (
                val_loss @ val_size / k,
                "you divided the sum of size x loss by k; divide it by n, the number of examples",
            ),
            (
                val_loss.sum(),
                "that is the sum of the fold losses, not their average (weighted by fold size)",
            ),
            (
                lambda a: np.isclose(
                    a, [leak_loss @ val_size / n, leak_loss.mean()], rtol=1e-6
                ).any(),
                "each fold was scored by a model trained on all the data, its validation fold included: a leak",
            ),
            (
                lambda a: np.isclose(
                    a,
                    [
                        train_loss @ val_size / n,
                        train_loss @ train_size / train_size.sum(),
                        train_loss.mean(),
                    ],
                    rtol=1e-6,
                ).any(),
                "these are training losses: each model scored on the rows it was fitted to",
            ),
            (
                lambda a: np.isclose(
                    a,
                    [
                        swap_loss @ val_size / n,
                        swap_loss @ train_size / train_size.sum(),
                        swap_loss.mean(),
                    ],
                    rtol=1e-6,
                ).any(),
                "each model was fitted on one fold and scored on the others: the training part and the "
                "validation fold are swapped",
            ),
            (
                lambda a: len(fits_seen) != k,
                f"fit was called {len(fits_seen)} time(s); K-fold fits k fresh models, one per fold",
            ),
            (
                lambda a: any(set(r) & set(fits_seen[m]) for m, r in scored),
                "a model was scored on rows it was fitted to: score each model on its validation fold only",
            ),
            (
                lambda a: sorted(fits_seen) != sorted(tr.tolist() for tr, _ in folds),
                "the fits did not get the training parts of dn.kfold_indices(n, k)",
            ),
        ],
        hint="sum over folds of |fold| x loss(fold) / n, each loss from a model fitted without that fold",
    )
