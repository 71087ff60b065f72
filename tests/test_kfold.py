import numpy as np
import pytest
import torch

import d2lnotes as dn


@pytest.mark.parametrize("n, k", [(10, 2), (10, 3), (11, 5), (7, 7), (100, 10)])
def test_folds_partition_the_examples_with_sizes_within_one(n, k):
    folds = dn.kfold_indices(n, k, seed=3)
    assert len(folds) == k
    vals = torch.cat([val for _, val in folds])
    assert sorted(vals.tolist()) == list(range(n))  # every example validated exactly once
    sizes = [len(val) for _, val in folds]
    assert max(sizes) - min(sizes) <= 1
    for train, val in folds:
        assert set(train.tolist()) | set(val.tolist()) == set(range(n))
        assert not set(train.tolist()) & set(val.tolist())


def test_folds_are_shuffled_and_seeded():
    a = dn.kfold_indices(20, 4, seed=0)
    b = dn.kfold_indices(20, 4, seed=0)
    c = dn.kfold_indices(20, 4, seed=1)
    assert all(torch.equal(x[1], y[1]) for x, y in zip(a, b, strict=True))
    assert not all(torch.equal(x[1], y[1]) for x, y in zip(a, c, strict=True))
    assert not torch.equal(a[0][1], torch.arange(5))  # not simply the first five


def test_stratified_folds_keep_class_proportions():
    labels = torch.tensor([0] * 30 + [1] * 10 + [2] * 7)
    folds = dn.kfold_indices(len(labels), 5, seed=0, labels=labels)
    sizes = [len(val) for _, val in folds]
    assert max(sizes) - min(sizes) <= 1
    for c in range(3):
        per_fold = [int((labels[val] == c).sum()) for _, val in folds]
        assert max(per_fold) - min(per_fold) <= 1, (c, per_fold)
    # without stratification a rare class is often badly spread
    spreads = []
    for seed in range(20):
        plain = dn.kfold_indices(len(labels), 5, seed=seed)
        per_fold = [int((labels[val] == 2).sum()) for _, val in plain]
        spreads.append(max(per_fold) - min(per_fold))
    assert max(spreads) >= 2


@pytest.mark.parametrize(
    "n, k, kwargs, err, match",
    [
        (10, 1, {}, ValueError, "k >= 2"),
        (10, 11, {}, ValueError, "k <= n"),
        (0, 2, {}, ValueError, "positive integer"),
        (10, 2.0, {}, TypeError, "k must be an int"),
        (10, 2, {"seed": -1}, ValueError, "seed"),
        (4, 2, {"labels": torch.tensor([0, 0, 1, 1, 1])}, ValueError, "5 entries"),
        (4, 2, {"labels": torch.tensor([0.0, 0, 1, 1])}, TypeError, "integer classes"),
        (6, 3, {"labels": torch.tensor([0, 0, 0, 0, 1, 1])}, ValueError, "class 1: 2"),
    ],
)
def test_bad_input_is_named(n, k, kwargs, err, match):
    with pytest.raises(err, match=match):
        dn.kfold_indices(n, k, **kwargs)


def test_standardizer_uses_training_statistics_only():
    X_train = torch.tensor([[0.0, 5.0], [2.0, 5.0], [4.0, 5.0]])
    transform = dn.standardizer(X_train)
    out = transform(torch.tensor([[2.0, 5.0], [6.0, 7.0]]))
    torch.testing.assert_close(out, torch.tensor([[0.0, 0.0], [2.0, 2.0]]))
    with pytest.raises(ValueError, match="fitted on 2"):
        transform(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="at least 2"):
        dn.standardizer(torch.zeros(1, 2))


def test_cross_validate_fits_preprocessing_inside_each_fold():
    X = torch.arange(20.0).reshape(10, 2)
    y = torch.arange(10.0)
    seen = []

    def preprocess(X_tr, y_tr):
        seen.append(("fit", len(X_tr)))
        return dn.standardizer(X_tr)

    def fit_and_score(X_tr, y_tr, X_val, y_val):
        # after the in-fold fit, the training part has mean 0; the validation part need not
        assert torch.allclose(X_tr.mean(0), torch.zeros(2), atol=1e-6)
        seen.append(("score", len(X_val)))
        return float(len(y_val))

    result = dn.cross_validate(fit_and_score, X, y, k=4, seed=0, preprocess=preprocess)
    assert [s for s in seen if s[0] == "fit"] == [("fit", n) for n in (7, 7, 8, 8)]
    np.testing.assert_array_equal(result.scores, [3, 3, 2, 2])
    assert result.mean == pytest.approx((9 + 9 + 4 + 4) / 10)
    assert "k=4" in repr(result)


def test_cross_validate_estimates_a_known_error():
    # least squares on y = 2x + noise: the CV mean squared error estimates the noise variance
    g = torch.Generator().manual_seed(0)
    X = torch.randn(400, 1, generator=g, dtype=torch.float64)
    y = 2 * X[:, 0] + 0.5 * torch.randn(400, generator=g, dtype=torch.float64)

    def fit_and_score(X_tr, y_tr, X_val, y_val):
        w = torch.linalg.lstsq(X_tr, y_tr.unsqueeze(1)).solution
        return ((X_val @ w).squeeze(1) - y_val).pow(2).mean()

    result = dn.cross_validate(fit_and_score, X, y, k=5, seed=0)
    assert result.mean == pytest.approx(0.25, rel=0.15)
    assert result.scores.shape == (5,)


def test_cross_validate_bad_input():
    X, y = torch.zeros(10, 2), torch.zeros(10)
    with pytest.raises(TypeError, match="fit_and_score"):
        dn.cross_validate(None, X, y)
    with pytest.raises(TypeError, match="preprocess"):
        dn.cross_validate(lambda *a: 0.0, X, y, preprocess=3)
    with pytest.raises(ValueError, match="same number of examples"):
        dn.cross_validate(lambda *a: 0.0, X, torch.zeros(9))
    with pytest.raises(ValueError, match="k <= n"):
        dn.cross_validate(lambda *a: 0.0, X, y, k=11)
    with pytest.raises(ValueError, match="fewer than k"):
        dn.cross_validate(lambda *a: 0.0, X, torch.tensor([0] * 9 + [1]), k=2, stratify=True)
