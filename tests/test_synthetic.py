import math

import pytest
import torch

import d2lnotes as dn


def test_synthetic_data_shapes_and_model():
    w = torch.tensor([2.0, -3.4])
    X, y = dn.synthetic_data(w, 4.2, 1000, noise=0.0, seed=1)
    assert X.shape == (1000, 2) and y.shape == (1000, 1)
    torch.testing.assert_close(y, X @ w.reshape(2, 1) + 4.2)


def test_synthetic_data_noise_level_and_seed():
    w = torch.tensor([1.0])
    X, y = dn.synthetic_data(w, 0.0, 20_000, noise=0.5, seed=2)
    resid = y - X @ w.reshape(1, 1)
    assert abs(resid.std().item() - 0.5) < 0.02
    X2, y2 = dn.synthetic_data(w, 0.0, 20_000, noise=0.5, seed=2)
    assert torch.equal(X, X2) and torch.equal(y, y2)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"w": torch.ones(2, 2)}, "w must have 1"),
        ({"w": [1.0, 2.0]}, "torch.Tensor"),
        ({"num_examples": 0}, "num_examples"),
        ({"noise": -1.0}, "noise"),
        ({"noise": float("nan")}, "noise"),
    ],
)
def test_synthetic_data_rejects_bad_input(kwargs, match):
    args = {"w": torch.ones(2), "b": 0.0, "num_examples": 10}
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        dn.synthetic_data(**args)


def test_polynomial_features_values():
    x = torch.tensor([2.0, -1.0], dtype=torch.float64)
    f = dn.polynomial_features(x, 3)
    expected = torch.tensor([[1, 2, 4 / 2, 8 / 6], [1, -1, 1 / 2, -1 / 6]], dtype=torch.float64)
    torch.testing.assert_close(f, expected)
    raw = dn.polynomial_features(x, 3, scaled=False)
    torch.testing.assert_close(
        raw, torch.tensor([[1, 2, 4, 8], [1, -1, 1, -1]], dtype=torch.float64)
    )
    assert dn.polynomial_features(x.float(), 19).dtype == torch.float32


def test_polynomial_features_high_degree_precision():
    x = torch.tensor([3.0])
    f = dn.polynomial_features(x, 19)
    assert math.isclose(f[0, 19].item(), 3.0**19 / math.factorial(19), rel_tol=1e-6)


@pytest.mark.parametrize(
    "x, degree, match",
    [
        (torch.ones(3, 1), 2, "x must have 1"),
        (torch.ones(3), -1, "degree"),
        (torch.ones(3), 2.5, "degree"),
        (torch.ones(3, dtype=torch.int64), 2, "floating-point"),
    ],
)
def test_polynomial_features_rejects_bad_input(x, degree, match):
    with pytest.raises((ValueError, TypeError), match=match):
        dn.polynomial_features(x, degree)


def test_make_polynomial_data_follows_the_cubic():
    data = dn.make_polynomial_data(n_train=50, n_test=30, noise=0.0, seed=0)
    assert data.x_train.shape == (50,) and data.y_train.shape == (50, 1)
    assert data.x_test.shape == (30,) and data.y_test.shape == (30, 1)
    x = data.x_train.double()
    expected = 5 + 1.2 * x - 3.4 * x**2 / 2 + 5.6 * x**3 / 6
    torch.testing.assert_close(data.y_train.double().reshape(-1), expected, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(data.true_function(data.x_test), data.y_test, rtol=1e-5, atol=1e-5)
    assert data.features(3, "test").shape == (30, 4)


def test_make_polynomial_data_noise_and_reproducibility():
    a = dn.make_polynomial_data(n_train=5000, n_test=10, seed=7)
    b = dn.make_polynomial_data(n_train=5000, n_test=10, seed=7)
    assert torch.equal(a.y_train, b.y_train) and torch.equal(a.x_test, b.x_test)
    resid = a.y_train - a.true_function(a.x_train)
    assert abs(resid.std().item() - 0.1) < 0.005
    c = dn.make_polynomial_data(n_train=5000, n_test=10, seed=8)
    assert not torch.equal(a.x_train, c.x_train)


def test_make_polynomial_data_rejects_bad_input():
    with pytest.raises(ValueError, match="n_train"):
        dn.make_polynomial_data(n_train=0)
    with pytest.raises(ValueError, match="noise"):
        dn.make_polynomial_data(noise=-0.1)
    with pytest.raises(ValueError, match="coeffs"):
        dn.make_polynomial_data(coeffs=())
    with pytest.raises(ValueError, match="seed or generator"):
        dn.make_polynomial_data(seed=1, generator=torch.Generator())
    with pytest.raises(ValueError, match="split"):
        dn.make_polynomial_data().features(3, "validation")
    with pytest.raises(TypeError, match="dtype"):
        dn.make_polynomial_data(dtype=torch.int32)


def test_splits_are_independent_of_each_others_size():
    a = dn.make_polynomial_data(n_train=50, n_test=10, seed=3)
    b = dn.make_polynomial_data(n_train=50, n_test=500, seed=3)
    c = dn.make_polynomial_data(n_train=20, n_test=10, seed=3)
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_train, b.y_train)
    assert torch.equal(a.x_test, c.x_test) and torch.equal(a.y_test, c.y_test)
