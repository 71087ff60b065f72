"""Three-way gradient checks: hand-written vs autograd vs finite differences.

A forward computation is written as an ordered list of :class:`Step` s, each
computing one named node from nodes before it (leaves -- inputs and parameters --
are given as a dict).  Because every node is named, the checker can get the
gradient of the objective with respect to *any* node:

* **autograd**: ``retain_grad()`` on every node, one backward pass;
* **finite differences**: nudge one entry of a node by ``+-eps``, re-run only the
  steps after it, and take the centered difference ``(J+ - J-) / (2 eps)``, all in
  float64, on a seeded random sample of entries.

:func:`check_gradients` compares your gradients with both and reports, per node,
the relative error ``max |a - b| / max(|a|, |b|)``, with CS231n's reading of it,
and names the first node -- walking backwards from the objective -- whose
gradient is wrong.  An error there and in the nodes below it is one bug: the
first is where to look.  Steps marked ``kink=True`` feed a non-smooth function
(ReLU) at 0; a finite difference whose nudge moves such a node across 0 is not
trusted and is reported as a kink instead of an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import torch

from . import _validate as v

__all__ = ["GradReport", "Step", "check_gradients", "run_steps"]

#: CS231n's reading of a relative error between two gradients.
THRESHOLDS = ((1e-7, "good"), (1e-4, "ok at kinks"), (1e-2, "suspicious"))


@dataclass(frozen=True)
class Step:
    """``name = fn(values)``: one node of the forward computation.

    ``fn`` receives the dict of all values computed so far (leaves included) and
    returns a tensor.  ``kink=True`` marks a node that is fed to a function with a
    kink at 0 (such as ReLU).

    Taught in: taken by dn.run_steps (see that helper).
    """

    name: str
    fn: Callable[[Mapping[str, torch.Tensor]], torch.Tensor]
    kink: bool = False


def run_steps(steps, leaves: Mapping[str, torch.Tensor], start: int = 0, values=None) -> dict:
    """Run ``steps[start:]`` on top of ``values`` (default: the leaves); returns all values.

    Taught in: 06 §1 (the forward pass, keeping every intermediate for backpropagation).
    """
    values = dict(leaves) if values is None else dict(values)
    for step in steps[start:]:
        out = step.fn(values)
        if not isinstance(out, torch.Tensor):
            raise TypeError(f"step {step.name!r} returned {type(out).__name__}, not a tensor")
        values[step.name] = out
    return values


def _rel_error(a: torch.Tensor, b: torch.Tensor, floor: float = 1e-30) -> float:
    denom = torch.maximum(a.abs(), b.abs()).clamp_min(max(floor, 1e-30))
    err = (a - b).abs() / denom
    err = torch.where((a == 0) & (b == 0), torch.zeros_like(err), err)
    return float(err.max()) if err.numel() else 0.0


def _verdict(err: float) -> str:
    for limit, word in THRESHOLDS:
        if err <= limit:
            return word
    return "WRONG"


@dataclass
class GradReport:
    """Per-node results of :func:`check_gradients`, in backward order (objective first).

    Taught in: returned by dn.check_gradients (see that helper).
    """

    rows: list[dict] = field(default_factory=list)
    tol: float = 1e-7
    fd_tol: float = 1e-5

    @property
    def first_bad(self) -> str | None:
        """The first node (backward order) whose gradient disagrees beyond ``tol``."""
        for row in self.rows:
            if not row["ok"]:
                return row["name"]
        return None

    @property
    def ok(self) -> bool:
        return self.first_bad is None

    def __str__(self) -> str:
        """A table of relative errors.  An error within its tolerance is rounding noise whose last
        digits differ between CPUs, so it is shown as a bound it satisfies: ``< 1e-12`` (float64
        agreement) or ``< tol``; an error beyond its tolerance is shown as its value."""

        def shown(err: float | None, tol: float, fine: float | None = None) -> str:
            if err is None:
                return "-"
            if fine is not None and err < fine:
                return f"< {fine:.0e}"
            return f"< {tol:.0e}" if err <= tol else f"{err:.1e}"

        lines = [
            f"{'node':>8} {'shape':>12} {'vs autograd':>12} {'vs finite diff':>15} "
            f"{'kinks':>6}  verdict"
        ]
        for r in self.rows:
            auto = shown(r["autograd"], self.tol, fine=1e-12)
            fd = shown(r["fd"], self.fd_tol)
            lines.append(
                f"{r['name']:>8} {str(tuple(r['shape'])):>12} {auto:>12} {fd:>15} "
                f"{r['kinks']:>6}  {r['verdict']}"
            )
        first = self.first_bad
        lines.append(
            "all gradients agree"
            if first is None
            else f"first wrong gradient: d objective / d {first}"
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"GradReport(ok={self.ok}, first_bad={self.first_bad!r}, nodes={len(self.rows)})"


def check_gradients(
    steps,
    leaves: Mapping[str, torch.Tensor],
    manual: Mapping[str, torch.Tensor],
    *,
    eps: float = 1e-5,
    entries: int = 8,
    seed: int = 0,
    tol: float = 1e-7,
    fd_tol: float = 1e-5,
) -> GradReport:
    """Compare hand-written gradients of the last step (a scalar) with autograd and
    finite differences, in float64.

    ``steps``: the forward computation (list of :class:`Step`); its last node is the
    objective.  ``leaves``: inputs and parameters by name.  ``manual``: your
    gradients ``{name: d objective / d name}`` for any nodes and leaves, each of the
    node's shape.  ``entries``: how many entries per node get a finite difference
    (chosen with ``seed``).  A node passes when its error against autograd is <=
    ``tol`` (both are exact float64 calculus, so agreement is ~1e-14) and against
    finite differences <= ``fd_tol`` (a centered difference carries ~1e-10 of
    rounding noise, so entries far smaller than the node's largest gradient are
    compared relative to 1e-6 of it).  Finite differences that cross a kink are
    counted, not judged.

    Taught in: 06 §2 (the hand-written backward pass against autograd and finite differences).
    """
    steps = list(steps)
    if not steps:
        raise ValueError("give at least one step")
    names = [s.name for s in steps]
    if len(set(names)) != len(names) or set(names) & set(leaves):
        raise ValueError("step names must be unique and differ from the leaf names")
    eps = v.non_negative_float(eps, "eps")
    entries = v.positive_int(entries, "entries")
    leaves64 = {}
    for k, t in leaves.items():
        v.tensor(t, f"leaf {k!r}")
        leaves64[k] = t.detach().to(torch.float64) if torch.is_floating_point(t) else t.detach()
    order = {n: i for i, n in enumerate(names)}
    for k in manual:
        if k not in order and k not in leaves64:
            raise ValueError(f"manual gradient for {k!r}, which is neither a step nor a leaf")

    # autograd: every floating leaf and node keeps its gradient
    values = {k: t.clone().requires_grad_(torch.is_floating_point(t)) for k, t in leaves64.items()}
    for step in steps:
        out = step.fn(values)
        if not isinstance(out, torch.Tensor):
            raise TypeError(f"step {step.name!r} returned {type(out).__name__}, not a tensor")
        if out.requires_grad:
            out.retain_grad()
        values[step.name] = out
    objective = values[names[-1]]
    if objective.numel() != 1:
        raise ValueError(
            f"the last step {names[-1]!r} must be a scalar objective, "
            f"got shape {tuple(objective.shape)}"
        )
    objective.backward()
    base = {k: t.detach() for k, t in values.items()}
    kink_nodes = [s.name for s in steps if s.kink]

    gen = torch.Generator().manual_seed(v.non_negative_int(seed, "seed"))
    report = GradReport(tol=tol, fd_tol=fd_tol)
    # backward order: nodes from the objective down, then the leaves
    ordered = [n for n in reversed(names) if n in manual] + [k for k in leaves64 if k in manual]
    for name in ordered:
        value = base[name]
        g = manual[name]
        v.tensor(g, f"manual gradient {name!r}")
        if tuple(g.shape) != tuple(value.shape):
            raise ValueError(
                f"manual gradient for {name!r} has shape {tuple(g.shape)}, "
                f"but {name!r} has shape {tuple(value.shape)}"
            )
        g = g.detach().to(torch.float64)
        auto = values[name].grad
        auto = torch.zeros_like(value) if auto is None else auto
        err_auto = _rel_error(g, auto)
        # finite differences on sampled entries, re-running only the steps after the node
        start = order[name] + 1 if name in order else 0
        flat = torch.randperm(value.numel(), generator=gen)[:entries]
        scale = float(torch.maximum(g.abs().max(), auto.abs().max())) if g.numel() else 0.0
        fd_err, kinks = 0.0, 0
        for idx in flat.tolist():
            results = []
            for sign in (1, -1):
                nudged = dict(base)
                bumped = value.clone().reshape(-1)
                bumped[idx] += sign * eps
                nudged[name] = bumped.reshape(value.shape)
                out = run_steps(steps, {}, start=start, values=nudged)
                results.append(out)
            crossed = any(
                torch.any((results[0][k] > 0) != (results[1][k] > 0))
                for k in kink_nodes  # the nudged node itself too: a nudge of Z can cross 0
                if k == name or k not in order or order[k] >= start
            )
            if crossed:
                kinks += 1
                continue
            fd = (results[0][names[-1]] - results[1][names[-1]]).item() / (2 * eps)
            here = g.reshape(-1)[idx : idx + 1]
            fd_value = torch.tensor([fd], dtype=torch.float64)
            fd_err = max(fd_err, _rel_error(here, fd_value, floor=1e-6 * scale))
        worst = max(err_auto, fd_err)
        report.rows.append(
            {
                "name": name,
                "shape": tuple(value.shape),
                "autograd": err_auto,
                "fd": fd_err if kinks < len(flat) else None,
                "kinks": kinks,
                "verdict": "agrees" if err_auto <= tol and fd_err <= fd_tol else _verdict(worst),
                "ok": err_auto <= tol and fd_err <= fd_tol,
            }
        )
    return report
