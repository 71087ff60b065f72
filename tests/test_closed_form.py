import pytest
import torch

import d2lnotes as dn


def test_least_squares_recovers_exact_weights():
    X, y = dn.synthetic_data(torch.tensor([2.0, -3.4, 0.5]), 0.0, 50, noise=0.0, seed=0)
    w = dn.least_squares(X, y)
    assert w.shape == (3, 1) and w.dtype == torch.float32
    torch.testing.assert_close(w.reshape(-1), torch.tensor([2.0, -3.4, 0.5]), atol=1e-5, rtol=0)
    assert dn.least_squares(X, y.reshape(-1)).shape == (3,)


def test_least_squares_matches_normal_equations_float64():
    gen = torch.Generator().manual_seed(1)
    X = torch.randn(30, 4, generator=gen, dtype=torch.float64)
    y = torch.randn(30, 1, generator=gen, dtype=torch.float64)
    expected = torch.linalg.solve(X.T @ X, X.T @ y)
    torch.testing.assert_close(dn.least_squares(X, y), expected)
    lam = 2.5
    ridge = torch.linalg.solve(X.T @ X + lam * torch.eye(4, dtype=torch.float64), X.T @ y)
    torch.testing.assert_close(dn.least_squares(X, y, ridge=lam), ridge)


def _train_mse(data, degree, solve):
    X = data.features(degree)
    w = solve(X, data.y_train)
    return ((X @ w - data.y_train) ** 2).mean().item()


def test_least_squares_keeps_tiny_polynomial_columns():
    # Nested models: the training error must keep falling from degree 15 to 19.
    # A plain SVD solve drops the x^i/i! columns (scale 1e-17) as "rank
    # deficient" and its training error stops moving.
    data = dn.make_polynomial_data(n_train=100, n_test=5, seed=0, dtype=torch.float64)
    ours = [_train_mse(data, k, dn.least_squares) for k in range(15, 20)]
    assert all(b < a for a, b in zip(ours, ours[1:], strict=False))

    def naive(X, y):
        return torch.linalg.lstsq(X, y, driver="gelsd").solution

    plain = [_train_mse(data, k, naive) for k in range(15, 20)]
    assert plain[-1] == pytest.approx(plain[-2], rel=1e-6)  # the failure we avoid
    assert ours[-1] < plain[-1]


def test_least_squares_interpolates_when_square():
    data = dn.make_polynomial_data(n_train=12, n_test=5, seed=0, dtype=torch.float64)
    assert _train_mse(data, 11, dn.least_squares) < 1e-12


def test_least_squares_rejects_bad_input():
    X = torch.ones(5, 3)
    with pytest.raises(ValueError, match="underdetermined.*degree 9 >= 5 samples"):
        dn.least_squares(torch.ones(5, 10), torch.ones(5))
    dn.least_squares(torch.randn(5, 10), torch.ones(5), ridge=1.0)  # fine with ridge
    with pytest.raises(ValueError, match="rows"):
        dn.least_squares(X, torch.ones(4))
    with pytest.raises(ValueError, match=r"\(n,\) or \(n, 1\)"):
        dn.least_squares(X, torch.ones(5, 2))
    with pytest.raises(ValueError, match="finite"):
        dn.least_squares(torch.full((5, 3), float("nan")), torch.ones(5))
    with pytest.raises(ValueError, match="ridge"):
        dn.least_squares(X, torch.ones(5), ridge=-1.0)
    with pytest.raises(ValueError, match="X must have 2"):
        dn.least_squares(torch.ones(5), torch.ones(5))
