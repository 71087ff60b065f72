"""Many small linear models trained at once, e.g. one per polynomial degree.

A sweep over 20 degrees with a Python loop runs 20 trainings one after the
other; stacking the weights into one (M, d) tensor does all 20 in each step.
Model ``m`` only sees the features its mask row allows, so a degree-3 model is
the 20-feature model with features 4..19 masked out.
"""

from __future__ import annotations


import torch
from torch import nn

from . import _validate as v

__all__ = ["BatchedLinear", "degree_masks", "per_model_mse"]


def degree_masks(degrees, num_features: int) -> torch.Tensor:
    """(M, num_features) 0/1 masks; row m keeps features 0..degrees[m]."""
    num_features = v.positive_int(num_features, "num_features")
    degrees = [v.non_negative_int(d, "degree") for d in degrees]
    if not degrees:
        raise ValueError("give at least one degree")
    if max(degrees) >= num_features:
        raise ValueError(
            f"degree {max(degrees)} needs {max(degrees) + 1} features, only {num_features} given"
        )
    cols = torch.arange(num_features)
    return (cols.unsqueeze(0) <= torch.tensor(degrees).unsqueeze(1)).to(torch.float32)


class BatchedLinear(nn.Module):
    """``M`` independent linear models: ``y_hat[m] = X @ (mask[m] * weight[m]) (+ bias[m])``.

    Shapes: ``weight`` (M, d), ``mask`` (M, d); input ``X`` (n, d) shared by all
    models, or (n, M, d) with each model's own data (e.g. one data set per
    seed) -> output (M, n).  Examples stay on the first dimension, so
    :func:`~d2lnotes.minibatches` slices every model's data with one index.
    Initialisation matches ``nn.Linear``'s default distribution per model,
    U(-1/sqrt(k), 1/sqrt(k)) with k the number of features the model uses,
    drawn on the CPU from ``seed``, or ``init_weight`` (M, d) as given.  With
    ``bias=True`` each model also has a bias, initialised to 0 (shape (M,)).
    """

    def __init__(
        self,
        num_models: int,
        in_features: int,
        mask: torch.Tensor | None = None,
        *,
        seed: int = 0,
        init_weight: torch.Tensor | None = None,
        bias: bool = False,
    ) -> None:
        super().__init__()
        num_models = v.positive_int(num_models, "num_models")
        in_features = v.positive_int(in_features, "in_features")
        if mask is None:
            mask = torch.ones(num_models, in_features)
        v.tensor(mask, "mask", ndim=2)
        if tuple(mask.shape) != (num_models, in_features):
            raise ValueError(
                f"mask must have shape {(num_models, in_features)}, got {tuple(mask.shape)}"
            )
        mask = mask.detach().to("cpu", torch.float32)
        if not torch.all((mask == 0) | (mask == 1)):
            raise ValueError("mask must hold only 0 and 1")
        if torch.any(mask.sum(1) == 0):
            raise ValueError("every model needs at least one unmasked feature")
        if init_weight is None:
            gen = torch.Generator().manual_seed(v.non_negative_int(seed, "seed"))
            bound = 1.0 / torch.sqrt(mask.sum(1, keepdim=True))
            weight = (torch.rand(num_models, in_features, generator=gen) * 2 - 1) * bound
        else:
            v.tensor(init_weight, "init_weight", ndim=2)
            if tuple(init_weight.shape) != (num_models, in_features):
                raise ValueError(
                    f"init_weight must have shape {(num_models, in_features)}, "
                    f"got {tuple(init_weight.shape)}"
                )
            weight = init_weight.detach().to("cpu", torch.float32).clone()
        self.weight = nn.Parameter(weight * mask)
        self.bias = nn.Parameter(torch.zeros(num_models)) if bias else None
        self.register_buffer("mask", mask)

    @property
    def num_models(self) -> int:
        return self.weight.shape[0]

    def effective_weight(self) -> torch.Tensor:
        """The weights models really use, (M, d): masked entries are 0."""
        return self.weight * self.mask

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        M, d = self.weight.shape
        if X.ndim == 2 and X.shape[1] == d:
            out = self.effective_weight() @ X.T
        elif X.ndim == 3 and X.shape[1:] == (M, d):
            out = torch.einsum("nmd,md->mn", X, self.effective_weight())
        else:
            raise ValueError(f"X must have shape (n, {d}) or (n, {M}, {d}), got {tuple(X.shape)}")
        return out if self.bias is None else out + self.bias.unsqueeze(1)

    def extra_repr(self) -> str:
        return (
            f"num_models={self.weight.shape[0]}, in_features={self.weight.shape[1]}, "
            f"bias={self.bias is not None}"
        )


def per_model_mse(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error of each model.

    Shapes: ``y_hat`` (M, n); ``y`` (n,) or (n, 1) shared by all models, or
    (n, M) with each model's own targets -> (M,).
    """
    if y_hat.ndim != 2:
        raise ValueError(f"y_hat must have shape (M, n), got {tuple(y_hat.shape)}")
    M, n = y_hat.shape
    if y.ndim == 1 and y.shape[0] == n or y.ndim == 2 and y.shape == (n, 1):
        target = y.reshape(1, n)
    elif y.ndim == 2 and y.shape == (n, M):
        target = y.T
    else:
        raise ValueError(
            f"y must have shape ({n},), ({n}, 1) or ({n}, {M}) for y_hat of shape "
            f"{(M, n)}, got {tuple(y.shape)}"
        )
    return ((y_hat - target) ** 2).mean(dim=1)
