"""Many small models trained at once, e.g. one per polynomial degree, seed or dropout rate.

A sweep over 20 degrees with a Python loop runs 20 trainings one after the
other; stacking the weights into one (M, d) tensor does all 20 in each step.

One layout everywhere in this module:

* **parameters: models first** -- a weight (M, d) or (M, d_in, d_out), one slice per model;
* **data: examples first** -- ``X`` (n, d) shared by every model, or (n, M, d) with each
  model's own data (:func:`stack_datasets` builds it), so one minibatch index slices
  every model's data at once;
* **outputs: models first** -- (M, n) or (M, n, classes); the per-model losses
  (:func:`per_model_mse`, :func:`per_model_cross_entropy`) return (M,);
* **initial weights by index** -- model ``m`` draws its start from its own seed, so models
  given the same seed start identical (paired comparisons) without copying weights by hand.

Model ``m`` of a :class:`BatchedLinear` only sees the features its mask row allows, so a
degree-3 model is the 20-feature model with features 4..19 masked out.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from . import _validate as v
from .streams import stream_seed

__all__ = [
    "BatchedLinear",
    "BatchedMLP",
    "degree_masks",
    "per_model_accuracy",
    "per_model_cross_entropy",
    "per_model_mse",
    "stack_datasets",
]


def degree_masks(degrees, num_features: int) -> torch.Tensor:
    """(M, num_features) 0/1 masks; row m keeps features 0..degrees[m].

    Taught in: 03 §5 (a degree-d model as the 20-feature model with the higher features masked out).
    """
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

    Taught in: 03 §5 (the degree sweep's 200 SGD models trained as one tensor).
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

    Taught in: 03 §5 (each SGD model's own loss in the degree sweep).
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


class BatchedMLP(nn.Module):
    """``M`` independent MLPs of the same sizes, trained side by side (chapter 5, §3-4).

    ``sizes = (784, 256, 256, 10)`` gives the book's 784-256-256-10 network:
    Linear -> ReLU -> dropout -> Linear -> ReLU -> dropout -> Linear.  Model ``m``
    applies inverted dropout with probability ``dropout[m][k]`` after hidden layer
    ``k`` in training mode (none in ``eval()`` mode), with its own random masks.

    Shapes: ``dropout`` (M, number of hidden layers), values in [0, 1); input ``X``
    (n, d) shared by all models, (n, ...) with ``prod(...) = d`` (images are
    flattened), or (n, M, d) with each model's own data -> logits (M, n, q).

    Initial weights: model ``m``'s weights and biases are ``nn.Linear``'s default
    distribution, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn on the CPU from a generator
    seeded with ``init_seeds[m]`` (layer by layer, weight then bias).  Models given the
    same init seed start from identical weights -- a paired comparison; a model's start
    does not depend on how many other models there are.  Without ``init_seeds``, model
    ``m`` uses ``stream_seed(seed, f"init {m}")``.

    Dropout masks come from the global generator of the input's device (like
    ``nn.Dropout``), or, with ``mask_seed``, from a generator of their own on that
    device, seeded once when first used (so masks are independent of everything else
    that draws random numbers).

    Taught in: 05 §4 (the dropout networks and their paired baselines trained side by side).
    """

    def __init__(
        self,
        num_models: int,
        sizes,
        dropout=None,
        *,
        seed: int = 0,
        init_seeds=None,
        mask_seed: int | None = None,
    ) -> None:
        super().__init__()
        num_models = v.positive_int(num_models, "num_models")
        sizes = [v.positive_int(s, "layer size") for s in sizes]
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output size, got {sizes}")
        hidden = len(sizes) - 2
        if dropout is None:
            dropout = torch.zeros(num_models, hidden)
        dropout = torch.as_tensor(dropout, dtype=torch.float64).detach().cpu()
        if dropout.ndim == 1 and hidden > 0:
            dropout = dropout.expand(num_models, hidden).clone()
        if tuple(dropout.shape) != (num_models, hidden):
            raise ValueError(
                f"dropout must have shape ({num_models}, {hidden}) (models, hidden layers), "
                f"got {tuple(dropout.shape)}"
            )
        if not bool(torch.all((dropout >= 0) & (dropout < 1))):
            raise ValueError("dropout probabilities must lie in [0, 1)")
        if init_seeds is None:
            seed = v.non_negative_int(seed, "seed")
            init_seeds = [stream_seed(seed, f"init {m}") for m in range(num_models)]
        else:
            init_seeds = [v.non_negative_int(s, "init seed") for s in init_seeds]
            if len(init_seeds) != num_models:
                raise ValueError(
                    f"init_seeds must give one seed per model ({num_models}), got {len(init_seeds)}"
                )
        self.mask_seed = None if mask_seed is None else v.non_negative_int(mask_seed, "mask_seed")
        self._mask_generators: dict[torch.device, torch.Generator] = {}
        drawn: dict[int, list[tuple[torch.Tensor, torch.Tensor]]] = {}
        for s in init_seeds:
            if s not in drawn:
                gen = torch.Generator().manual_seed(s)
                layers = []
                for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
                    bound = fan_in**-0.5
                    w = (torch.rand(fan_in, fan_out, generator=gen) * 2 - 1) * bound
                    b = (torch.rand(1, fan_out, generator=gen) * 2 - 1) * bound
                    layers.append((w, b))
                drawn[s] = layers
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for k in range(len(sizes) - 1):
            self.weights.append(nn.Parameter(torch.stack([drawn[s][k][0] for s in init_seeds])))
            self.biases.append(nn.Parameter(torch.stack([drawn[s][k][1] for s in init_seeds])))
        self.register_buffer("dropout", dropout.to(torch.float32))  # used in forward
        # The probabilities as given (0.2, not float32's 0.20000000298), for model().
        self._dropout_given = dropout.tolist()
        self.sizes = tuple(sizes)
        self.init_seeds = tuple(init_seeds)

    def _mask_generator(self, device: torch.device) -> torch.Generator | None:
        if self.mask_seed is None:
            return None
        if device not in self._mask_generators:
            self._mask_generators[device] = torch.Generator(device=device).manual_seed(
                self.mask_seed
            )
        return self._mask_generators[device]

    @property
    def num_models(self) -> int:
        return self.weights[0].shape[0]

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        M, d = self.num_models, self.sizes[0]
        if X.ndim == 3 and X.shape[1:] == (M, d):
            h = X.transpose(0, 1)  # (M, n, d)
        elif X.ndim >= 2 and X[0].numel() == d:
            h = X.reshape(X.shape[0], d).unsqueeze(0)  # (1, n, d), broadcast over models
        else:
            raise ValueError(
                f"X must have shape (n, {d}), (n, ...) with {d} values per example, or "
                f"(n, {M}, {d}); got {tuple(X.shape)}"
            )
        last = len(self.weights) - 1
        for k, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = (
                torch.baddbmm(b, h.expand(M, -1, -1), w)
                if h.shape[0] == 1
                else torch.baddbmm(b, h, w)
            )
            if k < last:
                h = torch.relu(h)
                if self.training:
                    p = self.dropout[:, k].view(M, 1, 1)
                    gen = self._mask_generator(h.device)
                    keep = torch.rand(h.shape, device=h.device, generator=gen) >= p
                    h = h * keep.to(h.dtype) / (1 - p).to(h.dtype)
        return h

    def model(self, m: int) -> nn.Sequential:
        """Model ``m`` as an ordinary network (a copy): Flatten, then Linear -> ReLU ->
        ``nn.Dropout(p)`` for each hidden layer, then the output Linear."""
        if isinstance(m, bool) or not isinstance(m, int) or not 0 <= m < self.num_models:
            raise ValueError(f"model index must be in [0, {self.num_models}), got {m!r}")
        layers: list[nn.Module] = [nn.Flatten()]
        last = len(self.weights) - 1
        for k, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            linear = nn.Linear(w.shape[1], w.shape[2], device=w.device, dtype=w.dtype)
            with torch.no_grad():
                linear.weight.copy_(w[m].T)
                linear.bias.copy_(b[m, 0])
            layers.append(linear)
            if k < last:
                layers += [nn.ReLU(), nn.Dropout(self._dropout_given[m][k])]
        return nn.Sequential(*layers).train(self.training)

    def extra_repr(self) -> str:
        return f"num_models={self.num_models}, sizes={self.sizes}"


def per_model_cross_entropy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of each model.

    Shapes: ``logits`` (M, n, q); ``y`` (n,) shared or (n, M) per model -> (M,).

    Taught in: 05 §4 (the training loss of each paired network).
    """
    if logits.ndim != 3:
        raise ValueError(f"logits must have shape (M, n, q), got {tuple(logits.shape)}")
    M, n, q = logits.shape
    if y.shape == (n,):
        target = y.unsqueeze(0).expand(M, n)
    elif y.shape == (n, M):
        target = y.T
    else:
        raise ValueError(f"y must have shape ({n},) or ({n}, {M}), got {tuple(y.shape)}")
    loss = nn.functional.cross_entropy(
        logits.reshape(M * n, q), target.reshape(M * n), reduction="none"
    )
    return loss.reshape(M, n).mean(dim=1)


def per_model_accuracy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Fraction of correct predictions of each model.

    Shapes: ``logits`` (M, n, q); ``y`` (n,) shared or (n, M) per model -> (M,).

    Taught in: 05 §4 (training and test accuracy of each paired network).
    """
    if logits.ndim != 3:
        raise ValueError(f"logits must have shape (M, n, q), got {tuple(logits.shape)}")
    M, n, _ = logits.shape
    target = y.unsqueeze(0).expand(M, n) if y.shape == (n,) else y.T
    if target.shape != (M, n):
        raise ValueError(f"y must have shape ({n},) or ({n}, {M}), got {tuple(y.shape)}")
    return (logits.argmax(dim=2) == target).to(torch.float32).mean(dim=1)


def stack_datasets(
    datasets: Sequence[tuple[torch.Tensor, torch.Tensor]], repeat: int = 1
) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack data sets for models trained side by side, examples first.

    ``datasets`` holds S pairs ``(X (n, d), y (n,) or (n, 1))`` of equal shapes;
    each is repeated ``repeat`` times in a row, so model ``m`` sees data set
    ``m // repeat``.  Returns ``X`` (n, S * repeat, d) and ``y`` (n, S * repeat),
    the per-model layout that :class:`BatchedLinear` and
    :func:`per_model_mse` accept.

    Taught in: 03 §5 (one data set per seed for the models trained side by side).
    """
    repeat = v.positive_int(repeat, "repeat")
    if len(datasets) == 0:
        raise ValueError("give at least one data set")
    Xs, ys = [], []
    for i, pair in enumerate(datasets):
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise TypeError(f"data set {i} must be a pair (X, y)")
        X, y = pair
        v.tensor(X, f"data set {i} X", ndim=2)
        v.tensor(y, f"data set {i} y", ndim=(1, 2))
        v.same_length((X, y), (f"data set {i} X", f"data set {i} y"))
        if y.ndim == 2 and y.shape[1] != 1:
            raise ValueError(
                f"data set {i}: y must have shape (n,) or (n, 1), got {tuple(y.shape)}"
            )
        Xs.append(X)
        ys.append(y.reshape(-1))
    shapes = {tuple(X.shape) for X in Xs}
    if len(shapes) > 1:
        raise ValueError(f"data sets must have equal shapes, got X shapes {sorted(shapes)}")
    X = torch.stack(Xs, dim=1).repeat_interleave(repeat, dim=1)
    y = torch.stack(ys, dim=1).repeat_interleave(repeat, dim=1)
    return X, y
