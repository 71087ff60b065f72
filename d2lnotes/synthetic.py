"""Synthetic data: the book's linear data and the polynomial under/overfitting data.

All tensors are created on the CPU from a seeded generator, in float32 unless
``dtype`` says otherwise; move them with ``.to(device)`` afterwards.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from . import _validate as v

__all__ = [
    "CUBIC_COEFFS",
    "PolynomialData",
    "make_polynomial_data",
    "polynomial_features",
    "synthetic_data",
]

#: The book's cubic: y = 5 + 1.2 x - 3.4 x^2/2! + 5.6 x^3/3! (+ noise).
#: These are the weights of the *scaled* features x^i / i!.
CUBIC_COEFFS = (5.0, 1.2, -3.4, 5.6)


def _generator(seed: int | None, generator: torch.Generator | None) -> torch.Generator:
    if generator is not None and seed is not None:
        raise ValueError("pass either seed or generator, not both")
    if generator is not None:
        if generator.device.type != "cpu":
            raise ValueError("generator must be a CPU generator (data are made on the CPU)")
        return generator
    return torch.Generator().manual_seed(v.non_negative_int(0 if seed is None else seed, "seed"))


def synthetic_data(
    w: torch.Tensor,
    b: float,
    num_examples: int,
    noise: float = 0.01,
    *,
    seed: int | None = None,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The book's linear data: ``y = X w + b + noise * eps`` with ``X, eps ~ N(0, 1)``.

    Shapes: ``w`` (d,) -> returns ``X`` (num_examples, d) and ``y`` (num_examples, 1).

    Taught in: 04 §2 (the book's linear data, each set drawn from a seed of its own).
    """
    v.tensor(w, "w", ndim=1)
    if w.numel() == 0:
        raise ValueError("w must hold at least one weight")
    n = v.positive_int(num_examples, "num_examples")
    noise = v.non_negative_float(noise, "noise")
    gen = _generator(seed, generator)
    w = w.detach().to("cpu", torch.float32)
    X = torch.randn(n, w.numel(), generator=gen)
    y = X @ w + float(b) + noise * torch.randn(n, generator=gen)
    return X, y.reshape(-1, 1)


def polynomial_features(x: torch.Tensor, degree: int, scaled: bool = True) -> torch.Tensor:
    """Features ``x**i / i!`` (or ``x**i`` when ``scaled=False``) for ``i = 0..degree``.

    Shapes: ``x`` (n,) -> (n, degree + 1).  Computed in float64 and returned in
    ``x``'s dtype, so high powers do not lose precision on the way.

    Why divide by i!: for x ~ N(0, 1), x**19 reaches 1e5 or more while x**0 = 1;
    gradient descent cannot use one learning rate for features whose scales
    differ by many orders of magnitude.  Dividing by i! (the Taylor-series
    convention) keeps every column small.

    Taught in: 02 §1 (the scaled features x^i/i! of a polynomial fit).
    """
    v.tensor(x, "x", ndim=1)
    degree = v.non_negative_int(degree, "degree")
    if not torch.is_floating_point(x):
        raise TypeError(f"x must be a floating-point tensor, got {x.dtype}")
    powers = torch.arange(degree + 1, dtype=torch.float64, device=x.device)
    feats = x.to(torch.float64).unsqueeze(1) ** powers
    if scaled:
        fact = torch.tensor(
            [math.factorial(i) for i in range(degree + 1)], dtype=torch.float64, device=x.device
        )
        feats = feats / fact
    return feats.to(x.dtype)


@dataclass(frozen=True)
class PolynomialData:
    """Inputs and noisy targets of a polynomial regression problem.

    Attributes (shapes): ``x_train`` (n_train,), ``y_train`` (n_train, 1),
    ``x_test`` (n_test,), ``y_test`` (n_test, 1); ``coeffs`` are the true
    weights of the scaled features x^i/i!; ``noise`` is the noise's standard
    deviation, so the best possible expected test MSE is ``noise**2``.

    Taught in: returned by dn.make_polynomial_data (see that helper).
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    coeffs: tuple[float, ...]
    noise: float

    def features(self, degree: int, split: str = "train", scaled: bool = True) -> torch.Tensor:
        """Design matrix of ``split`` ('train' or 'test'): (n, degree + 1)."""
        if split == "train":
            x = self.x_train
        elif split == "test":
            x = self.x_test
        else:
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        return polynomial_features(x, degree, scaled=scaled)

    def true_function(self, x: torch.Tensor) -> torch.Tensor:
        """The noise-free target at ``x`` (n,) -> (n, 1)."""
        w = torch.tensor(self.coeffs, dtype=torch.float64, device=x.device)
        return (
            (polynomial_features(x.to(torch.float64), len(self.coeffs) - 1) @ w)
            .to(x.dtype)
            .unsqueeze(1)
        )


def make_polynomial_data(
    n_train: int = 100,
    n_test: int = 100,
    coeffs: tuple[float, ...] = CUBIC_COEFFS,
    noise: float = 0.1,
    *,
    seed: int | None = None,
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float32,
) -> PolynomialData:
    """Draw ``x ~ N(0, 1)`` and ``y = sum_i coeffs[i] x^i / i! + noise * eps``.

    Defaults are the book's: the cubic :data:`CUBIC_COEFFS`, noise 0.1, 100
    training and 100 test examples.  ``seed`` (default 0) or ``generator``
    make the draw reproducible; everything is created on the CPU.

    Taught in: 02 §1 (a noisier cubic with fewer examples, to choose the degree on); 03 §2 (the
    book's polynomial regression data).
    """
    n_train = v.positive_int(n_train, "n_train")
    n_test = v.positive_int(n_test, "n_test")
    noise = v.non_negative_float(noise, "noise")
    coeffs = tuple(float(c) for c in coeffs)
    if not coeffs:
        raise ValueError("coeffs must hold at least one coefficient")
    if not all(math.isfinite(c) for c in coeffs):
        raise ValueError(f"coeffs must be finite, got {coeffs}")
    if not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating-point dtype, got {dtype}")
    gen = _generator(seed, generator)
    # Independent streams for the two splits: changing n_test never changes
    # the training set, and changing n_train never changes the test set.
    train_seed, test_seed = torch.randint(0, 2**62, (2,), generator=gen).tolist()
    w = torch.tensor(coeffs, dtype=torch.float64)

    def draw(n: int, stream_seed: int) -> tuple[torch.Tensor, torch.Tensor]:
        g = torch.Generator().manual_seed(stream_seed)
        x = torch.randn(n, generator=g, dtype=torch.float64)
        y = polynomial_features(x, len(coeffs) - 1) @ w + noise * torch.randn(
            n, generator=g, dtype=torch.float64
        )
        return x.to(dtype), y.to(dtype).unsqueeze(1)

    x_train, y_train = draw(n_train, train_seed)
    x_test, y_test = draw(n_test, test_seed)
    return PolynomialData(x_train, y_train, x_test, y_test, coeffs=coeffs, noise=noise)
