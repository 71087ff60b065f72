"""Hidden tests for notebooks/03_underfitting_overfitting.ipynb: the implement-it exercises on other
inputs.

Exercise N's test is ``exN``; its parameters are the learner's names (grading/README.md).
"""

import math

import numpy as np
import torch

import d2lnotes as dn


def ex2(normal_equations):
    # other inputs than the public check: degree 5, 40 examples, float64, other weights
    g = torch.Generator().manual_seed(3002)
    n = 40
    X = dn.polynomial_features(torch.randn(n, generator=g, dtype=torch.float64), 5)  # (40, 6)
    y = X @ torch.randn(6, 1, generator=g, dtype=torch.float64)
    y = y + 0.1 * torch.randn(n, 1, generator=g, dtype=torch.float64)
    w = torch.linalg.lstsq(X, y).solution
    try:
        got = normal_equations(X, y)
    except torch.linalg.LinAlgError:
        raise dn.ExerciseFeedback(
            "normal_equations (hidden inputs): torch found the matrix you solved with singular. "
            "X^T X is invertible here (the 6 columns of X are independent), so it was another "
            "matrix: did you add a column of ones (X already holds the constant feature "
            "x^0/0! = 1), or use X X^T (n x n, of rank 6)?"
        ) from None
    except RuntimeError as err:  # torch's own complaint, made specific
        if "Incompatible shapes" in str(err):
            why = (
                "torch.linalg.solve(A, B) solves A w = B, so B needs as many rows as A. A = X^T X has "
                "6 rows here, and the right-hand side of the normal equations is X^T y, of shape "
                "(6, 1) -- not y, with 40 rows."
            )
        elif "square" in str(err):
            why = (
                "the first argument of torch.linalg.solve(A, B) must be a square matrix: A = X^T X, "
                "6 x 6 here -- not X (40 x 6), nor the right-hand side X^T y (6 x 1)."
            )
        else:
            why = "the shapes here: X is (40, 6), y (40, 1); X^T X is 6 x 6 and X^T y is (6, 1)."
        raise dn.ExerciseFeedback(
            f"normal_equations (hidden inputs) raised RuntimeError: {str(err).splitlines()[0]} -- {why}"
        ) from None

    def close(a, b):
        return a.shape == b.shape and np.allclose(a, b, rtol=1e-3, atol=1e-3)

    dn.check_answer(
        got,
        w,
        name="normal_equations (hidden inputs)",
        rtol=1e-3,
        atol=1e-3,
        mistakes=[
            (
                lambda a: close(a, (X @ w).numpy()),
                "that has one value per example: you returned predictions X w, not w.",
            ),
            (
                lambda a: a.shape == (n, 1),
                "that has one value per example: you solved with X X^T, an n x n matrix (of rank "
                "d + 1 only), instead of X^T X, (d + 1) x (d + 1).",
            ),
            (
                lambda a: close(a, w.numpy()[:, 0]),
                "right numbers, but a 1-D vector: keep y of shape (n, 1) and solve for a (d + 1, 1) column.",
            ),
            (
                lambda a: close(a, w.numpy().T),
                "right numbers, but a row: transposed -- return a (d + 1, 1) column.",
            ),
            (X.T @ y, "that is X^T y, the right-hand side: solve X^T X w = X^T y for w."),
            (
                n * w,
                "n times too large: you divided one side of X^T X w = X^T y by n, but not the other.",
            ),
            (
                w / n,
                "n times too small: you divided one side of X^T X w = X^T y by n, but not the other.",
            ),
        ],
        hint="w = solve(X^T X, X^T y); X^T X is (d + 1) x (d + 1), and w a (d + 1, 1) column.",
    )


def _check_features(my_poly_features, x, degree):
    n = len(x)
    x64 = x.double().numpy()
    powers = x64[:, None] ** np.arange(degree + 2)  # x^0 .. x^(degree + 1)
    fact = np.array([math.factorial(i) for i in range(degree + 2)], dtype=float)
    d = degree + 1  # columns wanted

    def same(a, b):
        return a.shape == b.shape and np.allclose(a, b, rtol=1e-5, atol=1e-8)

    dn.check_answer(
        my_poly_features(x, degree),
        dn.polynomial_features(x.double(), degree),
        name=f"my_poly_features(x, {degree}) (hidden inputs)",
        rtol=1e-5,
        atol=1e-8,
        mistakes=[
            (
                lambda a: same(a, powers[:, 1:d] / fact[1:d]),
                "the constant column x^0/0! = 1 is missing: i runs from 0",
            ),
            (
                lambda a: same(a, powers[:, : d - 1] / fact[: d - 1]),
                "one column short: i runs from 0 to degree inclusive, so there are degree + 1 columns",
            ),
            (
                lambda a: same(a, powers[:, 1 : d + 1] / fact[1 : d + 1]),
                "the columns are shifted by one: they run from x^0/0! = 1 to x^degree/degree!",
            ),
            (
                lambda a: same(a, powers / fact),
                "one column too many: degree + 1 columns, i = 0 .. degree",
            ),
            (
                lambda a: same(a, (powers[:, :d] / fact[:d]).T),
                "transposed: one row per example, shape (n, degree + 1)",
            ),
            (
                lambda a: same(a, powers[:, :d]),
                "these are the raw powers x^i: divide column i by i!",
            ),
            (
                lambda a: a.shape == (n, d) and same(a[:, 1:], powers[:, 1:d] / fact[: d - 1]),
                "column i is divided by (i - 1)!, not i! (math.gamma(i) is (i - 1)!; i! is math.gamma(i + 1))",
            ),
            (
                lambda a: a.shape == (n, d) and same(a[:, 1:], powers[:, 1:d] / np.arange(1, d)),
                "column i is divided by i, not by i! = 1 x 2 x ... x i",
            ),
            (
                lambda a: same(a, powers[:, :d] * fact[:d]),
                "column i is multiplied by i!; divide it",
            ),
            (
                lambda a: same(a, x64[:, None] * np.arange(d) / fact[:d]),
                "x * i is not x^i: raise x to the power i",
            ),
        ],
        hint="column i of row j is x_j^i / i!, for i = 0 .. degree",
    )


def ex6(my_poly_features):
    g = torch.Generator().manual_seed(3006)
    _check_features(my_poly_features, 2 * torch.randn(10, generator=g, dtype=torch.float64), 6)
    _check_features(my_poly_features, torch.randn(5, generator=g), 2)  # float32 inputs, degree 2
