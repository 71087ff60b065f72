"""Wrong answers to chapter 3's implement-it exercises, each with the message its hidden test gives."""

MISTAKES = {
    "ex2": [
        (
            "def normal_equations(X, y):\n    return X @ torch.linalg.solve(X.T @ X, X.T @ y)",
            "returned predictions",
        ),
        (
            "def normal_equations(X, y):\n    return torch.linalg.solve(X @ X.T, y)",
            "solved with X X^T",
        ),
        (
            "def normal_equations(X, y):\n"
            "    X = torch.cat([X, torch.ones(len(X), 1)], 1)\n"
            "    return torch.linalg.solve(X.T @ X, X.T @ y)",
            "did you add a column of ones",
        ),
        (
            "def normal_equations(X, y):\n"
            "    X = torch.cat([torch.ones(len(X), 1), X], 1).double()\n"
            "    return torch.linalg.solve(X.T @ X, X.T @ y.double())",
            "did you add a column of ones",
        ),
        (
            "def normal_equations(X, y):\n    return torch.linalg.solve(X.T @ X, X.T @ y[:, 0])",
            "1-D vector",
        ),
        (
            "def normal_equations(X, y):\n    return torch.linalg.solve(X.T @ X, X.T @ y).T",
            "transposed",
        ),
        (
            "def normal_equations(X, y):\n    return X.T @ y",
            "right-hand side",
        ),
        (
            "def normal_equations(X, y):\n    return torch.linalg.solve(X.T @ X / len(X), X.T @ y)",
            "n times too large",
        ),
        (
            "def normal_equations(X, y):\n    return torch.linalg.solve(X.T @ X, X.T @ y / len(X))",
            "n times too small",
        ),
        (
            "def normal_equations(X, y):\n    return torch.linalg.solve(X.T @ X, y)",
            "not y, with 40 rows",
        ),
        (
            "def normal_equations(X, y):\n    return torch.linalg.solve(X, y)",
            "must be a square matrix",
        ),
        (
            "def normal_equations(X, y):\n    return torch.linalg.solve(X.T @ y, X.T @ X)",
            "must be a square matrix",
        ),
        (
            "def normal_equations(X, y):\n    return torch.linalg.solve(X.T @ X, X @ y)",
            "X^T X is 6 x 6 and X^T y is (6, 1)",
        ),
    ],
    "ex6": [
        (
            "def my_poly_features(x, degree):\n"
            "    return torch.stack([x ** i / math.factorial(i) for i in range(1, degree + 1)], 1)",
            "x^0/0! = 1 is missing",
        ),
        (
            "def my_poly_features(x, degree):\n"
            "    return torch.stack([x ** i / math.factorial(i) for i in range(degree)], 1)",
            "one column short",
        ),
        (
            "def my_poly_features(x, degree):\n"
            "    return torch.stack([x ** i / math.factorial(i) for i in range(1, degree + 2)], 1)",
            "shifted by one",
        ),
        (
            "def my_poly_features(x, degree):\n"
            "    return torch.stack([x ** i / math.factorial(i) for i in range(degree + 2)], 1)",
            "one column too many",
        ),
        (
            "def my_poly_features(x, degree):\n"
            "    return torch.stack([x ** i / math.factorial(i) for i in range(degree + 1)], 0)",
            "transposed",
        ),
        (
            "def my_poly_features(x, degree):\n"
            "    p = torch.arange(degree + 1, dtype=x.dtype)\n"
            "    return x[None, :] ** p[:, None] / torch.exp(torch.lgamma(p[:, None] + 1))",
            "transposed",
        ),
        (
            "def my_poly_features(x, degree):\n    return x[:, None] ** torch.arange(degree + 1)",
            "raw powers",
        ),
        (
            "def my_poly_features(x, degree):\n"
            "    p = torch.arange(degree + 1, dtype=x.dtype)\n"
            "    return x[:, None] ** p / torch.exp(torch.lgamma(p))",
            "(i - 1)!",
        ),
        (
            "def my_poly_features(x, degree):\n"
            "    return torch.stack([x ** i / math.factorial(max(i - 1, 0)) for i in range(degree + 1)], 1)",
            "(i - 1)!",
        ),
        (
            "def my_poly_features(x, degree):\n"
            "    return torch.stack([x ** i / max(i, 1) for i in range(degree + 1)], 1)",
            "divided by i, not",
        ),
        (
            "def my_poly_features(x, degree):\n"
            "    p = torch.arange(degree + 1, dtype=x.dtype)\n"
            "    return x[:, None] ** p / p",
            "divided by i, not",
        ),
        (
            "def my_poly_features(x, degree):\n"
            "    return torch.stack([x ** i * math.factorial(i) for i in range(degree + 1)], 1)",
            "multiplied by i!",
        ),
        (
            "def my_poly_features(x, degree):\n"
            "    return torch.stack([x * i / math.factorial(i) for i in range(degree + 1)], 1)",
            "x * i is not x^i",
        ),
    ],
}
