"""Hidden tests for notebooks/06_backprop.ipynb: the implement-it exercises on other inputs.

Exercise N's test is ``exN``, N counting the notebook's cells tagged ``exercise`` (grading/README.md):
ex1 is §2's backward pass ``my_backward(v, leaves, lam)``, ex6 is the Exercises section's bias
gradient ``grad_b(dZ)`` (the notebook's prose calls it "Exercise 2").
"""

import torch
import torch.nn.functional as F

import d2lnotes as dn

NODES = ["O", "H", "Z", "W1", "W2"]

# What the first wrong gradient must contain, when no known mistake matches (the check cell's hints).
HINTS = {
    "O": "Every gradient is computed from dJ/dO, so fix it first. It is (n, q): for each example (row), "
    "the predicted probabilities -- a softmax across that row -- minus the one-hot label, divided by n "
    "because L is the mean over the batch.",
    "H": "dJ/dO agrees, so the step from dO to dH is wrong: dJ/dO, (n, q), carried back through the "
    "weights that turned H into O -- which matrix, and which way round do the shapes fit?",
    "Z": "dJ/dH agrees, so the step from dH to dZ is wrong: multiply dJ/dH elementwise by ReLU's "
    "derivative at the forward value, 1 where Z > 0 and 0 elsewhere.",
    "W1": "dJ/dZ agrees, so the dW1 line is wrong: dJ/dW1 has W1's shape (h, d) and two parts, the data "
    "term (dJ/dZ paired with the layer's input, summed over the examples) and the gradient of the "
    "regularisation term s.",
    "W2": "dJ/dO agrees, so the dW2 line is wrong: dJ/dW2 has W2's shape (q, h) and two parts, the data "
    "term (dJ/dO paired with this layer's input, what W2 multiplies in the forward pass, summed over the "
    "examples) and the gradient of the regularisation term s.",
}


def _steps(lam):
    """§1's forward pass, with this test's own lam."""
    return [
        dn.Step("Z", lambda v: v["X"] @ v["W1"].T, kink=True),
        dn.Step("H", lambda v: torch.relu(v["Z"])),
        dn.Step("O", lambda v: v["H"] @ v["W2"].T),
        dn.Step("L", lambda v: F.cross_entropy(v["O"], v["y"])),
        dn.Step("s", lambda v: lam / 2 * ((v["W1"] ** 2).sum() + (v["W2"] ** 2).sum())),
        dn.Step("J", lambda v: v["L"] + v["s"]),
    ]


def _same(a, b):
    return torch.allclose(a, b, rtol=1e-6, atol=1e-9 * float(b.abs().max()))


def _diagnosis(node, got, steps, v, leaves, lam):
    """The known mistake behind the first wrong gradient ``got`` of ``node``, or None; the reference
    gradients come from autograd, never from the backward formulas."""
    track = {k: t.clone().requires_grad_(k in ("W1", "W2")) for k, t in leaves.items()}
    fwd = dn.run_steps(steps, track)
    auto = dict(
        zip(NODES, torch.autograd.grad(fwd["J"], [fwd[k] for k in NODES], retain_graph=True))
    )
    data = dict(zip(["W1", "W2"], torch.autograd.grad(fwd["L"], [fwd["W1"], fwd["W2"]])))  # no s
    got, want = got.detach().double(), auto[node]
    n, active = v["O"].shape[0], v["Z"] > 0
    if node == "O":
        if _same(got, n * want):
            return "It is n times too large: L is the mean over the n examples, so P - Y is divided by n."
        if _same(got, -want):
            return (
                "It has the wrong sign: the predicted probabilities minus the one-hot labels, P - Y, "
                "not Y - P."
            )
        P = n * got + F.one_hot(leaves["y"], got.shape[1])
        if torch.allclose(P.sum(0), torch.ones(P.shape[1], dtype=P.dtype)):
            return (
                "The softmax ran over dim 0, normalising each class across the batch; each example's "
                "row of probabilities must sum to 1, so take it over dim=1."
            )
        if (got >= 0).all() and torch.allclose(n * got.sum(1), torch.ones(n, dtype=got.dtype)):
            return (
                "Every row of n dJ/dO is a probability distribution, P itself: the one-hot labels Y "
                "are not subtracted."
            )
    if node == "H" and _same(got[active], want[active]) and not got[~active].any():
        return (
            "Your dJ/dH is zero wherever Z <= 0: it already holds ReLU's derivative, which belongs to "
            "dJ/dZ only (dJ/dH is the gradient at ReLU's output)."
        )
    if node == "Z":
        dH = auto["H"]
        if _same(got, dH):
            return (
                "It equals dJ/dH: ReLU's derivative is missing -- multiply by 1 where Z > 0 and by 0 "
                "elsewhere."
            )
        if _same(got, dH.clamp(min=0)):
            return (
                "It is relu(dJ/dH): that keeps the positive gradients, but ReLU's derivative depends on "
                "the forward value Z, not on the sign of the gradient: 1 where Z > 0, 0 elsewhere."
            )
        if _same(got, dH * v["Z"]) or _same(got, dH * v["H"]):
            return (
                "It multiplies dJ/dH by Z (or H) itself; ReLU's derivative is 1 where Z > 0 and 0 "
                "elsewhere."
            )
        if _same(got[~active], dH[~active]) and not got[active].any():
            return (
                "The mask is inverted: the gradient passes where Z > 0 and is blocked where Z <= 0."
            )
    if node in ("W1", "W2"):
        W = leaves[node]
        if _same(got, data[node]):
            return (
                f"The regularisation term's gradient is missing: J = L + s with s = lam/2 (||W1||^2 + "
                f"||W2||^2), so dJ/d{node} has a second part, ds/d{node} = lam {node}."
            )
        if _same(got, data[node] + 2 * lam * W):
            return (
                f"The regularisation term's gradient is doubled: s = lam/2 ||{node}||^2 + ..., and the 2 "
                f"of the square cancels the 1/2, so ds/d{node} = lam {node}, not 2 lam {node}."
            )
        if _same(got, data[node] + lam / 2 * W):
            return (
                f"The regularisation term's gradient is halved: the 2 of the square cancels the 1/2 of "
                f"s = lam/2 ||{node}||^2 + ..., so ds/d{node} = lam {node}, not lam/2 {node}."
            )
        if lam != 0.1 and _same(got, data[node] + 0.1 * W):
            return (
                "The regularisation term uses lam = 0.1, the notebook's value, whatever lam is passed: "
                "use the argument lam."
            )
    return None


def ex1(my_backward):
    name = "my_backward (hidden inputs)"
    n, d, h, q, lam = 10, 7, 6, 4, 0.03  # all sizes distinct, so a transpose shows in a shape
    g = torch.Generator().manual_seed(6001)
    leaves = {
        "X": torch.randn(n, d, generator=g, dtype=torch.float64),
        "y": torch.randint(0, q, (n,), generator=g),
        "W1": torch.randn(h, d, generator=g, dtype=torch.float64) * 0.5,
        "W2": torch.randn(q, h, generator=g, dtype=torch.float64) * 0.5,
    }
    steps = _steps(lam)
    values = dn.run_steps(steps, leaves)
    try:
        # copies: a backward pass that writes into its inputs cannot change what it is checked against
        mine = my_backward(
            {k: t.clone() for k, t in values.items()},
            {k: t.clone() for k, t in leaves.items()},
            lam,
        )
    except NotImplementedError:
        mine = None
    except RuntimeError as error:
        if "shape" not in str(error) and "size" not in str(error):
            raise
        raise dn.ExerciseFeedback(
            f"{name}: PyTorch says '{error}': a matrix product (a, b) @ (c, e) needs b == c, an "
            "elementwise operation equal shapes, and a missing or extra transpose breaks either."
        ) from None
    if mine is None or mine is Ellipsis:
        raise dn.ExerciseFeedback(
            f"{name}: not answered yet -- replace the `...` so that it returns "
            "{'O': dO, 'H': dH, 'Z': dZ, 'W1': dW1, 'W2': dW2}."
        )
    if not isinstance(mine, dict) or not set(NODES) <= set(mine) or not set(mine) <= set(values):
        got = sorted(mine) if isinstance(mine, dict) else type(mine).__name__
        raise dn.ExerciseFeedback(f"{name}: return a dict with the keys {NODES}; got {got}.")
    for node in NODES:
        want = tuple(values[node].shape)
        if not isinstance(mine[node], torch.Tensor) or tuple(mine[node].shape) != want:
            got = (
                tuple(mine[node].shape)
                if isinstance(mine[node], torch.Tensor)
                else type(mine[node]).__name__
            )
            flipped = got == want[::-1]
            raise dn.ExerciseFeedback(
                f"{name}: dJ/d{node} must be a tensor of {node}'s shape {want}; got {got}"
                + (
                    ", the transpose: a transpose is missing, or the two factors of the product are "
                    "the wrong way round (a gradient has its variable's shape)."
                    if flipped
                    else "."
                )
            )
    report = dn.check_gradients(steps, leaves, mine, entries=12, seed=6002)
    if not report.ok:
        first = report.first_bad
        if (
            first == "H"
            and mine["H"].untyped_storage().data_ptr() == mine["Z"].untyped_storage().data_ptr()
        ):
            message = (
                "Your dH and dZ are the same tensor in memory, so dH holds whatever dZ holds: a line "
                "after the dH line changed it in place (after `dZ = dH`, masking dZ masks dH too), or "
                "the dH line already applied ReLU's derivative, which belongs to dZ alone. Give dZ a "
                "tensor of its own."
            )
        else:
            known = _diagnosis(first, mine[first], steps, values, leaves, lam)
            message = known or HINTS[first]
        raise dn.ExerciseFeedback(f"{name}: the first wrong gradient is dJ/d{first}. {message}")
    print(f"Correct: {name}: every gradient agrees with autograd and with finite differences.")


def ex6(grad_b):
    g = torch.Generator().manual_seed(6006)
    n, d, h = 7, 5, 3  # n != h, so a sum over the wrong dimension shows in the shape
    X = torch.randn(n, d, generator=g, dtype=torch.float64)
    W = torch.randn(h, d, generator=g, dtype=torch.float64)
    dZ = torch.randn(n, h, generator=g, dtype=torch.float64)
    # the expected gradient from autograd: J = sum(Z * dZ) has dJ/dZ = dZ
    b = torch.zeros(h, dtype=torch.float64, requires_grad=True)
    ((X @ W.T + b) * dZ).sum().backward()
    try:
        answer = grad_b(dZ.clone())
    except RuntimeError as error:
        if "dtype" not in str(error):
            raise
        raise dn.ExerciseFeedback(
            f"grad_b (hidden inputs): PyTorch says '{error}'. dZ is float64 (double); a tensor you "
            "create inside grad_b must be too: pass dtype=dZ.dtype."
        ) from None
    dn.check_answer(
        answer,
        b.grad,
        name="grad_b (hidden inputs)",
        rtol=1e-10,
        atol=1e-12,
        mistakes=[
            (
                lambda a: a.shape == (n,),
                "you summed over the units; sum over the examples (dim 0).",
            ),
            (
                dZ.mean(0),
                "the mean divides by n a second time: dJ/dZ already contains the 1/n of the loss.",
            ),
            (
                lambda a: a.shape == (1, h),
                f"shape (1, {h}): b is a vector of shape ({h},); drop the extra dimension.",
            ),
        ],
        hint="b is added to every row of Z",
    )
