"""Early stopping (提前终止): stop when a validation metric stops improving; keep the best weights.

One :class:`EarlyStopping` watches one model, or ``M`` models trained side by side (see
:mod:`d2lnotes.batched`: every parameter and buffer holds the models along its first dimension).
The training loop stays yours: after each evaluation call :meth:`EarlyStopping.update` with the
validation value(s); it returns ``True`` once every model has run out of patience, and
:meth:`EarlyStopping.restore` puts each model's best weights back.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from . import _validate as v

__all__ = ["EarlyStopping"]


class EarlyStopping:
    """Patience-based early stopping that remembers each model's best weights.

    ``EarlyStopping(patience, mode="min")`` watches a value to minimise (a validation loss);
    ``mode="max"`` one to maximise (a validation accuracy).  A value counts as an improvement
    if it beats the best so far by more than ``min_delta``; after ``patience`` evaluations in a
    row without one, the model is *stopped*: its best value, best epoch and saved weights no
    longer change, whatever later values show.  NaN never improves.

    ``num_models=None``: one model; :meth:`update` takes a number and saves a copy of the whole
    ``state_dict`` (parameters and buffers, e.g. batch-norm statistics) at each improvement.
    ``num_models=M``: ``M`` models trained side by side; :meth:`update` takes ``M`` values
    (shape (M,)), every tensor of ``net.state_dict()`` must have ``M`` as its first dimension,
    and model ``m``'s slice ``[m]`` is saved and restored on its own.

    Attributes, one entry per model (plain numbers for a single model): ``best_value`` (``inf``
    for ``"min"``, ``-inf`` for ``"max"`` until a first finite value), ``best_epoch`` (the
    ``epoch`` passed to :meth:`update` at the best value; by default the number of the evaluation,
    from 1; ``-1``, or ``None`` for a single model, until a first finite value),
    ``stopped_epoch`` (the epoch at which patience ran out; ``-1``/``None`` while still running),
    and ``stopped`` (bool).  The saved weights keep the device and dtype the network had at the
    first :meth:`update`; :meth:`restore` copies them to wherever the network is then.

    Taught in: 09 §1 (early stopping with patience, per model, and the best weights restored).
    """

    def __init__(
        self,
        patience: int,
        *,
        mode: str = "min",
        min_delta: float = 0.0,
        num_models: int | None = None,
    ) -> None:
        self.patience = v.positive_int(patience, "patience")
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        self.mode = mode
        self.min_delta = v.non_negative_float(min_delta, "min_delta")
        self.num_models = None if num_models is None else v.positive_int(num_models, "num_models")
        size = 1 if self.num_models is None else self.num_models
        worst = math.inf if mode == "min" else -math.inf
        self._best = np.full(size, worst)
        self._best_epoch = np.full(size, -1)
        self._stopped_epoch = np.full(size, -1)
        self._bad = np.zeros(size, dtype=int)
        self._saved: dict[str, torch.Tensor] | None = None
        self._evaluations = 0

    # -- reading the state -------------------------------------------------------------
    def _out(self, values: np.ndarray, none_if=None):
        if self.num_models is not None:
            return values.copy()
        value = values[0].item()
        return None if none_if is not None and value == none_if else value

    @property
    def best_value(self):
        return self._out(self._best)

    @property
    def best_epoch(self):
        return self._out(self._best_epoch, none_if=-1)

    @property
    def stopped_epoch(self):
        return self._out(self._stopped_epoch, none_if=-1)

    @property
    def stopped(self):
        stopped = self._stopped_epoch >= 0
        return stopped.copy() if self.num_models is not None else bool(stopped[0])

    # -- the two calls -------------------------------------------------------------------
    def _values(self, value) -> np.ndarray:
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().to(torch.float64).numpy()
        try:
            values = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"value must be a number or an array of numbers, got {value!r}"
            ) from None
        if self.num_models is None or self.num_models == 1:
            if values.size != 1:
                raise ValueError(
                    "this EarlyStopping watches one model: give one value, got shape "
                    f"{values.shape} (for models trained side by side pass num_models=M)"
                )
            return values.reshape(1)
        if values.shape != (self.num_models,):
            raise ValueError(
                f"give one value per model, shape ({self.num_models},), got shape {values.shape}"
            )
        return values

    def _check_state(self, state: dict[str, torch.Tensor]) -> None:
        if self.num_models is not None:
            for name, t in state.items():
                if t.ndim == 0 or t.shape[0] != self.num_models:
                    raise ValueError(
                        f"with num_models={self.num_models} every tensor of net.state_dict() must "
                        f"have the models along its first dimension; {name!r} has shape "
                        f"{tuple(t.shape)}"
                    )
        if self._saved is not None:
            if state.keys() != self._saved.keys() or any(
                state[k].shape != self._saved[k].shape for k in state
            ):
                raise ValueError("net is not the network this EarlyStopping has been watching")

    def update(self, net: nn.Module, value, epoch: int | None = None) -> bool:
        """Record the validation value(s) after an evaluation of ``net``; return ``True`` once
        every model is stopped (then leave the training loop and call :meth:`restore`).

        Shapes: ``value`` a number (one model) or (M,) (``num_models=M``).  ``epoch`` labels this
        evaluation (default: the evaluation's number, 1, 2, ...).
        """
        if not isinstance(net, nn.Module):
            raise TypeError(f"net must be a torch.nn.Module, got {type(net).__name__}")
        values = self._values(value)
        self._evaluations += 1
        epoch = self._evaluations if epoch is None else v.non_negative_int(epoch, "epoch")
        state = net.state_dict()
        self._check_state(state)
        running = self._stopped_epoch < 0
        with np.errstate(invalid="ignore"):
            if self.mode == "min":
                better = values < self._best - self.min_delta
            else:
                better = values > self._best + self.min_delta
        improved = better & running  # NaN compares False: never an improvement
        if self._saved is None:
            self._saved = {k: t.detach().clone() for k, t in state.items()}
        elif improved.any():
            with torch.no_grad():
                if self.num_models is None:
                    for k, t in state.items():
                        self._saved[k].copy_(t)
                else:
                    idx = torch.as_tensor(np.flatnonzero(improved))
                    for k, t in state.items():
                        saved = self._saved[k]
                        saved[idx.to(saved.device)] = t.detach()[idx.to(t.device)].to(
                            saved.device, saved.dtype
                        )
        self._best = np.where(improved, values, self._best)
        self._best_epoch = np.where(improved, epoch, self._best_epoch)
        self._bad = np.where(improved, 0, np.where(running, self._bad + 1, self._bad))
        newly = running & (self._bad >= self.patience)
        self._stopped_epoch = np.where(newly, epoch, self._stopped_epoch)
        return bool(np.all(self._stopped_epoch >= 0))

    def restore(self, net: nn.Module) -> nn.Module:
        """Load each model's best weights (those saved at its ``best_epoch``) into ``net``, in
        place; returns ``net``."""
        if not isinstance(net, nn.Module):
            raise TypeError(f"net must be a torch.nn.Module, got {type(net).__name__}")
        if self._saved is None:
            raise RuntimeError("nothing to restore: call update() first")
        missing = np.flatnonzero(self._best_epoch < 0)
        if missing.size:
            which = "the model" if self.num_models is None else f"models {missing.tolist()}"
            raise RuntimeError(
                f"nothing to restore for {which}: no finite validation value was ever given "
                "(NaN or inf throughout); nothing was restored"
            )
        self._check_state(net.state_dict())
        net.load_state_dict(self._saved)
        return net

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(patience={self.patience}, mode={self.mode!r}, "
            f"min_delta={self.min_delta}, num_models={self.num_models}, "
            f"evaluations={self._evaluations})"
        )
