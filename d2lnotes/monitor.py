"""Layer health: per-layer activation and gradient statistics from hooks.

A :class:`LayerMonitor` watches chosen modules of a model.  On every forward
pass it records statistics of each watched module's output, and (when the
output takes part in a backward pass) of the gradient of the loss with respect
to that output.  Everything it keeps is detached and summarised as plain
numbers, so monitoring never changes the model's results, never keeps the
autograd graph alive and never modifies a gradient.

Typical use::

    with dn.LayerMonitor(model, kinds=(nn.Linear,)) as monitor:
        loss = F.cross_entropy(model(X), y)
        loss.backward()
    stats = monitor.stats()          # a LayerStats: one entry per watched layer
    stats.grad_norm                  # NumPy array of shape (L,)

Plot with :func:`d2lnotes.plot_layer_stats` and
:func:`d2lnotes.plot_layer_histograms` (separate from the data on purpose).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from . import _validate as v

__all__ = ["LayerMonitor", "LayerStats", "default_saturation", "probe_layers"]

#: Statistics that a :class:`LayerStats` holds, one value per layer.
STAT_NAMES = (
    "out_mean",
    "out_std",
    "saturation",
    "grad_norm",
    "grad_std",
    "weight_grad_norm",
)


def default_saturation(module: nn.Module, output: torch.Tensor) -> torch.Tensor | None:
    """Which entries of ``output`` are "saturated" (their local derivative is ~0).

    * ``nn.Sigmoid``: output within 0.01 of 0 or 1 (σ' = σ(1 − σ) < 0.0099);
    * ``nn.Tanh``: |output| > 0.99 (tanh' = 1 − tanh² < 0.02);
    * ``nn.ReLU`` (and LeakyReLU): output ≤ 0, the inactive side (ReLU' = 0);
    * anything else: ``None`` (not defined; the statistic becomes NaN).

    Returns a boolean tensor shaped like ``output`` or ``None``.
    """
    if isinstance(module, nn.Sigmoid):
        return (output < 0.01) | (output > 0.99)
    if isinstance(module, nn.Tanh):
        return output.abs() > 0.99
    if isinstance(module, (nn.ReLU, nn.LeakyReLU)):
        return output <= 0
    return None


@dataclass
class LayerStats:
    """Per-layer statistics of one forward (and backward) pass.

    Every array has shape (L,) for the L watched layers, in the order they ran.

    * ``out_mean``, ``out_std``: mean and standard deviation of the layer's output
      over all its entries (examples × units);
    * ``saturation``: fraction of output entries flagged by the saturation rule
      (see :func:`default_saturation`), NaN where the rule does not apply;
    * ``grad_norm``: Frobenius norm of ∂loss/∂output (examples × units), NaN when
      no backward pass reached the layer;
    * ``grad_std``: standard deviation of the entries of ∂loss/∂output;
    * ``weight_grad_norm``: Frobenius norm of the layer's ``weight.grad`` as it was
      when :meth:`LayerMonitor.stats` was called, NaN for layers without a weight
      or without a gradient.

    ``values`` and ``grads`` map a layer name to a 1-D NumPy sample of the output
    entries and of the gradient entries (only when the monitor was made with
    ``keep_values > 0``).

    Taught in: returned by dn.LayerMonitor.stats (see that helper).
    """

    names: list[str]
    kinds: list[str]
    out_mean: np.ndarray
    out_std: np.ndarray
    saturation: np.ndarray
    grad_norm: np.ndarray
    grad_std: np.ndarray
    weight_grad_norm: np.ndarray
    values: dict[str, np.ndarray] = field(default_factory=dict)
    grads: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, stat: str) -> np.ndarray:
        if stat not in STAT_NAMES:
            raise KeyError(f"no statistic {stat!r}; have {list(STAT_NAMES)}")
        return getattr(self, stat)

    def ratio(self, stat: str = "grad_norm") -> float:
        """``stat`` of the first layer divided by that of the last layer.

        For ``grad_norm`` this is the classic vanishing (≪ 1) / exploding (≫ 1)
        number: how much weaker or stronger the signal is at the bottom of the
        network than at the top.
        """
        values = self[stat]
        return float(values[0] / values[-1])

    def select(
        self, index: slice | Sequence[int] | None = None, *, kind: str | None = None
    ) -> LayerStats:
        """A LayerStats of some layers: by position (a slice or a list of 0-based
        indices) and/or by module class name (``kind="Linear"``)."""
        positions = list(range(len(self)))
        if index is not None:
            if isinstance(index, slice):
                positions = positions[index]
            else:
                positions = [int(i) for i in index]
                bad = [i for i in positions if not -len(self) <= i < len(self)]
                if bad:
                    raise IndexError(f"layer indices {bad} out of range for {len(self)} layers")
        if kind is not None:
            if kind not in self.kinds:
                raise ValueError(f"no layers of kind {kind!r}; have {sorted(set(self.kinds))}")
            positions = [i for i in positions if self.kinds[i] == kind]
        names = [self.names[i] for i in positions]
        return LayerStats(
            names=names,
            kinds=[self.kinds[i] for i in positions],
            **{stat: self[stat][positions] for stat in STAT_NAMES},
            values={n: v for n, v in self.values.items() if n in names},
            grads={n: v for n, v in self.grads.items() if n in names},
        )

    def as_dict(self) -> dict[str, list]:
        """The statistics as plain lists (for tables, JSON or pandas)."""
        out: dict[str, list] = {"name": list(self.names), "kind": list(self.kinds)}
        for stat in STAT_NAMES:
            out[stat] = [float(v) for v in self[stat]]
        return out

    def __repr__(self) -> str:
        shown = ", ".join(self.names[:4]) + (", ..." if len(self) > 4 else "")
        return f"LayerStats({len(self)} layers: {shown})"


class LayerMonitor:
    """Record per-layer statistics of ``model`` with forward hooks and gradient hooks.

    Parameters
    ----------
    model:
        The ``nn.Module`` to watch.
    kinds:
        Module classes to watch (every submodule that is an instance of one of
        them), e.g. ``(nn.Linear,)`` for pre-activations and weight gradients, or
        ``(nn.Sigmoid, nn.Tanh, nn.ReLU)`` for activations and saturation.
        Ignored when ``modules`` is given.
    modules:
        An explicit sequence of ``(name, module)`` pairs or of modules to watch.
    saturation:
        ``f(module, output) -> bool tensor or None``; default :func:`default_saturation`.
    keep_values:
        If > 0, also keep a detached CPU sample of up to this many output entries
        and gradient entries per layer (evenly spaced), for histograms.

    The monitor records the **latest** forward pass (and the backward pass
    through it); call :meth:`stats` after ``loss.backward()``.  To follow a
    training run, call :meth:`stats` after each step and collect the results.
    Use it as a context manager, or call :meth:`remove` when done.

    Taught in: 07 §5 (two chosen layers of the gated network watched through one backward pass,
    after §3 met it inside dn.probe_layers).
    """

    def __init__(
        self,
        model: nn.Module,
        kinds: Sequence[type] = (nn.Linear,),
        *,
        modules: Iterable | None = None,
        saturation: Callable | None = default_saturation,
        keep_values: int = 0,
    ) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        if isinstance(keep_values, bool) or not isinstance(keep_values, int) or keep_values < 0:
            raise ValueError(f"keep_values must be an int >= 0, got {keep_values!r}")
        if saturation is not None and not callable(saturation):
            raise TypeError("saturation must be a callable f(module, output) or None")
        self._watched = self._select(model, kinds, modules)
        self._saturation = saturation
        self._keep = keep_values
        self._records: dict[str, dict] = {}
        self._pass = 0
        self._order: list[str] = []
        self._handles = []
        first = self._watched[0][1]
        self._handles.append(first.register_forward_pre_hook(self._new_pass))
        for name, module in self._watched:
            self._handles.append(module.register_forward_hook(self._make_forward_hook(name)))

    @staticmethod
    def _select(model, kinds, modules) -> list[tuple[str, nn.Module]]:
        if modules is not None:
            names = {id(m): n for n, m in model.named_modules()}
            chosen = []
            for item in modules:
                name, module = item if isinstance(item, tuple) else (None, item)
                if not isinstance(module, nn.Module):
                    raise TypeError(f"modules must be nn.Modules, got {type(module).__name__}")
                if id(module) not in names:
                    raise ValueError(f"module {module!r} is not part of the model")
                chosen.append((name or names[id(module)] or type(module).__name__, module))
        else:
            kinds = tuple(kinds)
            if not kinds or not all(isinstance(k, type) for k in kinds):
                raise TypeError(
                    f"kinds must be a non-empty sequence of module classes, got {kinds!r}"
                )
            chosen = [
                (name or type(m).__name__, m)
                for name, m in model.named_modules()
                if isinstance(m, kinds)
            ]
        if not chosen:
            wanted = (
                ", ".join(k.__name__ for k in kinds) if modules is None else "the given modules"
            )
            raise ValueError(f"the model has no modules to watch ({wanted})")
        seen = set()
        for name, _ in chosen:
            if name in seen:
                raise ValueError(f"two watched modules share the name {name!r}")
            seen.add(name)
        return chosen

    # -- hooks ---------------------------------------------------------------------------
    def _new_pass(self, module, args):
        self._pass += 1
        self._records = {}
        self._order = []

    def _make_forward_hook(self, name: str):
        def hook(module, args, output):
            if not isinstance(output, torch.Tensor):
                raise TypeError(
                    f"LayerMonitor can watch modules that return one tensor; {name} returned "
                    f"{type(output).__name__}"
                )
            with torch.no_grad():
                out = output.detach()
                record = {
                    "kind": type(module).__name__,
                    "module": module,
                    "out_mean": float(_wide(out).mean()),
                    "out_std": float(_wide(out).std()) if out.numel() > 1 else 0.0,
                    "saturation": math.nan,
                    "grad_norm": math.nan,
                    "grad_std": math.nan,
                }
                if self._saturation is not None:
                    mask = self._saturation(module, out)
                    if mask is not None:
                        record["saturation"] = float(mask.double().mean())
                if self._keep:
                    record["values"] = _sample(out, self._keep)
            if name not in self._records:
                self._order.append(name)
            self._records[name] = record
            if output.requires_grad:
                current = self._pass
                output.register_hook(self._make_grad_hook(name, current))

        return hook

    def _make_grad_hook(self, name: str, pass_id: int):
        def hook(grad):
            if pass_id != self._pass or name not in self._records:
                return None  # a stale graph from an earlier forward pass
            with torch.no_grad():
                g = _wide(grad.detach())
                record = self._records[name]
                record["grad_norm"] = float(torch.linalg.vector_norm(g))
                record["grad_std"] = float(g.std()) if g.numel() > 1 else 0.0
                if self._keep:
                    record["grads"] = _sample(g, self._keep)
            return None  # never modify the gradient

        return hook

    # -- results -------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Names of the watched modules (in model order)."""
        return [name for name, _ in self._watched]

    def stats(self) -> LayerStats:
        """Statistics of the latest forward pass (and of the backward pass through it)."""
        if not self._records:
            raise RuntimeError("no forward pass recorded yet: run the model first")
        names = list(self._order)
        recs = [self._records[n] for n in names]
        weight_norms = []
        for rec in recs:
            weight = getattr(rec["module"], "weight", None)
            grad = getattr(weight, "grad", None)
            weight_norms.append(
                float(torch.linalg.vector_norm(_wide(grad.detach())))
                if grad is not None
                else math.nan
            )
        return LayerStats(
            names=names,
            kinds=[r["kind"] for r in recs],
            out_mean=np.array([r["out_mean"] for r in recs]),
            out_std=np.array([r["out_std"] for r in recs]),
            saturation=np.array([r["saturation"] for r in recs]),
            grad_norm=np.array([r["grad_norm"] for r in recs]),
            grad_std=np.array([r["grad_std"] for r in recs]),
            weight_grad_norm=np.array(weight_norms),
            values={n: r["values"] for n, r in zip(names, recs) if "values" in r},
            grads={n: r["grads"] for n, r in zip(names, recs) if "grads" in r},
        )

    def remove(self) -> None:
        """Detach every hook from the model (safe to call twice)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def __enter__(self) -> LayerMonitor:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()

    def __repr__(self) -> str:
        state = "attached" if self._handles else "removed"
        return f"LayerMonitor({len(self._watched)} layers, {state})"


def _wide(t: torch.Tensor) -> torch.Tensor:
    """Summarise in float64 (float32 on MPS, which has no float64).

    Tiny gradients are the point of monitoring: in float32 the squares inside a
    norm of entries below ~1e-19 underflow, and the norm would read 0.
    """
    return t.float() if t.device.type == "mps" else t.double()


def _sample(t: torch.Tensor, k: int) -> np.ndarray:
    flat = t.reshape(-1)
    if flat.numel() > k:
        idx = torch.linspace(0, flat.numel() - 1, k, device=flat.device).round().long()
        flat = flat[idx]
    return flat.float().cpu().numpy().copy()


def probe_layers(
    net: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    kinds: Sequence[type] = (nn.Linear,),
    *,
    keep_values: int = 0,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
) -> LayerStats:
    """One forward and backward pass of ``net`` on a probe batch, with a :class:`LayerMonitor`
    attached; returns its :class:`LayerStats` (every module of ``kinds``, in forward order).

    ``X`` (n, ...) and ``y`` (n,) are on ``net``'s device; the loss is
    ``loss_fn(net(X), y)`` (default: ``F.cross_entropy``), back-propagated once, in the mode
    ``net`` is in.  The statistics are read first (so ``weight_grad_norm`` holds this pass's
    weight gradients), then the parameters' gradients are cleared (set to ``None``): the
    weights and the optimiser see nothing of the probe.  A forward pass in training mode still
    updates BatchNorm's running statistics and draws dropout masks, as any forward pass does.
    ``keep_values`` is passed to the monitor (samples for histograms).

    Taught in: 07 §3 (every layer's outputs and gradients in deep networks, scale by scale).
    """
    if not isinstance(net, nn.Module):
        raise TypeError(f"net must be a torch.nn.Module, got {type(net).__name__}")
    v.same_length((v.tensor(X, "X"), v.tensor(y, "y")), ("X", "y"))
    loss_fn = nn.functional.cross_entropy if loss_fn is None else loss_fn
    with LayerMonitor(net, kinds, keep_values=keep_values) as monitor:
        loss_fn(net(X), y).backward()
        stats = monitor.stats()
    net.zero_grad()
    return stats
