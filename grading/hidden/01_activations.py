"""Hidden tests for notebooks/01_activations.ipynb: the implement-it exercises on other inputs.

Exercise N's test is ``exN``; its parameters are the learner's names (grading/README.md).  The
expected values come from torch's own functions (``torch.tanh``, ``F.linear``, autograd through
``F.softplus``, ``F.silu`` and ``F.gelu``).
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import d2lnotes as dn


class _RuledOut(torch.overrides.TorchFunctionMode):
    """Stops the learner's code at the first call of a torch function the exercise rules out."""

    def __init__(self, names, message):
        super().__init__()
        self.names, self.message = names, message

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in self.names:
            raise dn.ExerciseFeedback(f"{self.message} (it called {func.__name__})")
        return func(*args, **(kwargs or {}))


def ex3(stable_tanh):
    # other points than the public check, as a matrix: a grid, random ones, and tails on both sides of the
    # overflow thresholds (e^(2|x|) past x = 355, e^|x| past x = 709.8)
    g = torch.Generator().manual_seed(1003)
    x = torch.cat(
        [
            torch.linspace(-9, 9, 37, dtype=torch.float64),
            3 * torch.randn(11, generator=g, dtype=torch.float64),
            torch.tensor([-1e4, -720.0, -360.0, 360.0, 720.0, 1e4], dtype=torch.float64),
        ]
    ).reshape(6, 9)
    x_in = x.clone()
    with _RuledOut(
        {"tanh", "tanh_", "sigmoid", "sigmoid_", "special_expit", "logsigmoid"},
        "stable_tanh (hidden inputs): torch.tanh and torch.sigmoid are ruled out -- build it from "
        "torch.exp and arithmetic",
    ):
        got = stable_tanh(x_in)
    if not torch.equal(x_in, x):
        raise dn.ExerciseFeedback(
            "stable_tanh (hidden inputs) changed its argument x in place (an operation ending in _, such as "
            "x.abs_(), or x *= ...): compute into new tensors and leave x as it was"
        )
    xs, t = x.numpy(), torch.tanh(x).numpy()

    def nan_only_where(where):
        return lambda a: (
            np.isnan(a[where]).all() and np.allclose(a[~where], t[~where], rtol=0, atol=1e-12)
        )

    moderate = np.abs(xs) <= 5
    dn.check_answer(
        got,
        torch.tanh(x),
        name="stable_tanh (hidden inputs)",
        rtol=0,
        atol=1e-12,
        mistakes=[
            (
                nan_only_where(xs < -355),
                "NaN at x = -360, -720 and -10000, right elsewhere: e^(-2x) overflows to inf once x is below "
                "about -355, and inf/inf is NaN. tanh is odd: compute it for |x|, where e^(-2|x|) <= 1, and "
                "put the sign back.",
            ),
            (
                nan_only_where(xs > 355),
                "NaN at x = 360, 720 and 10000, right elsewhere: e^(2x) overflows to inf once x is above about "
                "355, and inf/inf is NaN. tanh is odd: compute it for |x| with e^(-2|x|) <= 1, and put the "
                "sign back.",
            ),
            (
                nan_only_where(np.abs(xs) > 710),
                "NaN at |x| = 720 and 10000, right elsewhere: e^|x| overflows to inf beyond |x| = 709.8, and "
                "inf/inf is NaN. Divide the numerator and the denominator by the larger exponential, so that "
                "only e^(-2|x|) <= 1 is left.",
            ),
            (
                np.abs(t),
                "that is |tanh(x)|: right for x >= 0, but tanh is odd -- put the sign of x back.",
            ),
            (torch.tanh(x / 2), "that is tanh(x/2): the exponent is -2|x|, not -|x|."),
            (
                lambda a: (
                    np.allclose(a, t, rtol=0, atol=1e-6) and (a == a.astype(np.float32)).all()
                ),
                "right only to about 1e-7, and every value is a float32 number: the computation ran in "
                "float32. Keep x's dtype, float64.",
            ),
            (
                lambda a: (
                    np.allclose(a, t, rtol=0, atol=1e-4)
                    and np.allclose(a[moderate], t[moderate], rtol=0, atol=1e-12)
                ),
                "right for |x| <= 5, slightly off beyond: did you clamp x? In float64 1 - tanh(10) is 4e-9, "
                "not 0 (tanh(x) rounds to 1 only beyond |x| = 19.06); rewrite the formula so that nothing can "
                "overflow instead.",
            ),
        ],
        hint="tanh is odd, tanh(-x) = -tanh(x); for x >= 0 use tanh(x) = (1 - e^(-2x)) / (1 + e^(-2x)), "
        "whose exponential lies in (0, 1]",
    )


def ex6(mlp2_forward):
    # other sizes than the public check: n = 9, d = 7, h1 = 6, h2 = 8, q = 4 (no two equal, so a
    # missing transpose or a misplaced bias fails on shapes); weights in nn.Linear's (out, in) layout
    g = torch.Generator().manual_seed(1006)
    X = torch.randn(9, 7, generator=g)
    W1, b1 = torch.randn(6, 7, generator=g), torch.randn(6, generator=g)
    W2, b2 = torch.randn(8, 6, generator=g), torch.randn(8, generator=g)
    W3, b3 = torch.randn(4, 8, generator=g), torch.randn(4, generator=g)
    try:
        with _RuledOut(
            {"linear"},
            "mlp2_forward (hidden inputs): F.linear and nn.Linear are ruled out -- write each layer "
            "with @, a transpose and +",
        ):
            got = mlp2_forward(X, W1, b1, W2, b2, W3, b3)
    except RuntimeError as err:
        if "cannot be multiplied" in str(err):
            raise dn.ExerciseFeedback(
                f"mlp2_forward (hidden inputs): a matrix product failed ({err}) -- in nn.Linear's layout W1 "
                "is (h1, d), one row per hidden unit, so X (n, d) meets its transpose: X @ W1.T is (n, h1); "
                "likewise W2 is (h2, h1) and W3 is (q, h2)"
            ) from None
        if "must match the size" in str(err):
            raise dn.ExerciseFeedback(
                f"mlp2_forward (hidden inputs): an addition failed ({err}) -- a bias is added in the wrong "
                "place or shape, or to a product of the wrong shape: the first layer's product X @ W1.T is "
                "(n, h1), and b1, of shape (h1,), is added to every row (broadcasting); likewise b2 and b3"
            ) from None
        raise

    def through(
        *layers,
    ):  # X through (W, b, activation) layers: torch's F.linear, then the activation
        H = X
        for W, b, act in layers:
            H = act(F.linear(H, W, b))
        return H

    relu, same = torch.relu, nn.Identity()
    O = through((W1, b1, relu), (W2, b2, relu), (W3, b3, same))
    dn.check_answer(
        got,
        O,
        name="mlp2_forward (hidden inputs)",
        rtol=1e-5,
        atol=1e-5,
        mistakes=[
            (
                through((W1, b1, same), (W2, b2, same), (W3, b3, same)),
                "no activation: without the ReLUs the three layers collapse into one affine map (§2).",
            ),
            (
                through((W1, b1, relu), (W2, b2, same), (W3, b3, same)),
                "the second hidden layer has no ReLU: each hidden layer is an affine map followed by a ReLU.",
            ),
            (
                through((W1, b1, same), (W2, b2, relu), (W3, b3, same)),
                "the first hidden layer has no ReLU: each hidden layer is an affine map followed by a ReLU.",
            ),
            (
                torch.relu(O),
                "the output went through a ReLU too: the output layer returns raw scores, which can be "
                "negative.",
            ),
            (
                lambda a: np.allclose(a.sum(axis=1), 1, atol=1e-4) and (a >= 0).all(),
                "each row sums to 1: these are softmax probabilities. Return the scores -- the loss, "
                "F.cross_entropy, applies the softmax itself (as log-sum-exp).",
            ),
            (
                torch.log_softmax(O, 1),
                "these are log-probabilities (log_softmax of the scores): return the scores, the loss "
                "normalises them itself.",
            ),
            (
                O.T,
                "the scores are transposed, (q, n): that is the column layout W x, one column per example. "
                "Return one row per example, (n, q).",
            ),
            (
                through((W1, b1, torch.sigmoid), (W2, b2, torch.sigmoid), (W3, b3, same)),
                "those are sigmoid hidden layers; this MLP's hidden layers are ReLUs.",
            ),
            (
                through(
                    (W1, None, lambda Z: relu(Z) + b1),
                    (W2, None, lambda Z: relu(Z) + b2),
                    (W3, b3, same),
                ),
                "the ReLU came before the bias: each ReLU acts on the affine map's output, bias included.",
            ),
            (
                through((W1, None, relu), (W2, None, relu), (W3, None, same)),
                "the biases b1, b2 and b3 are missing.",
            ),
            (
                through((W1, None, relu), (W2, b2, relu), (W3, b3, same)),
                "the bias b1 is missing.",
            ),
            (
                through((W1, b1, relu), (W2, None, relu), (W3, b3, same)),
                "the bias b2 is missing.",
            ),
            (
                through((W1, b1, relu), (W2, b2, relu), (W3, None, same)),
                "the bias b3 is missing.",
            ),
        ],
        hint="nn.Linear with weight W and bias b maps a minibatch Z (n, fan_in) to Z W^T + b, "
        "(n, fan_out); ReLU after the two hidden layers, nothing after the output layer",
    )


def _autograd_slope(f, x):
    x = x.clone().requires_grad_(True)
    (slope,) = torch.autograd.grad(f(x).sum(), x)
    return slope


def _by_hand(fn, x):
    """fn on a copy of x, under torch.no_grad() and with autograd's functions ruled out."""
    x_in = x.clone()
    why = (
        f"{fn.__name__} (hidden inputs): autograd is ruled out here -- the exercise is to work the "
        "derivative out by hand, so the check runs it under torch.no_grad() and stops at autograd's "
        "functions"
    )
    try:
        with torch.no_grad(), _RuledOut({"backward", "grad", "requires_grad_"}, why):
            slope = fn(x_in)
    except RuntimeError as err:
        if "does not require grad" in str(err):
            raise dn.ExerciseFeedback(f"{why} ({err})") from None
        raise
    if not torch.equal(x_in, x):
        raise dn.ExerciseFeedback(
            f"{fn.__name__} (hidden inputs) changed its argument x in place (an operation ending in _, "
            "such as x.sigmoid_(), or x *= ...): compute into new tensors and leave x as it was"
        )
    return slope


def ex7(softplus_grad, silu_grad, gelu_tanh_grad):
    # other points than the public check, as a matrix: 42 random ones, 0 and the tails +-10
    g = torch.Generator().manual_seed(1007)
    x = torch.cat(
        [
            3 * torch.randn(42, generator=g, dtype=torch.float64),
            torch.tensor([0.0, 10.0, -10.0], dtype=torch.float64),
        ]
    ).reshape(5, 9)
    s = torch.sigmoid(x)
    dn.check_answer(
        _by_hand(softplus_grad, x),
        _autograd_slope(F.softplus, x),
        name="softplus_grad (hidden inputs)",
        rtol=1e-6,
        atol=1e-6,
        mistakes=[
            (F.softplus(x), "that is softplus itself, not its slope."),
            (
                torch.sigmoid(-x),
                "1/(1 + e^x) is the outer derivative alone (log's, taken at 1 + e^x): the chain rule "
                "multiplies it by the inner one, (1 + e^x)' = e^x.",
            ),
            (
                torch.exp(x),
                "e^x is the inner derivative alone: the chain rule multiplies it by the outer one, log's "
                "derivative taken at 1 + e^x.",
            ),
            (
                s * (1 - s),
                "that is the sigmoid's slope sigma(1 - sigma): differentiate log(1 + e^x) itself, by the "
                "chain rule.",
            ),
        ],
        hint="the chain rule: (log g)' = g' / g with g(x) = 1 + e^x",
    )
    silu_slope, sigmoid_slope = _autograd_slope(F.silu, x), _autograd_slope(torch.sigmoid, x)
    dn.check_answer(
        _by_hand(silu_grad, x),
        silu_slope,
        name="silu_grad (hidden inputs)",
        rtol=1e-6,
        atol=1e-6,
        mistakes=[
            (F.silu(x), "that is SiLU itself, not its slope."),
            (
                silu_slope - x * sigmoid_slope,
                "that is the product rule's first term alone: x sigma(x) also changes through sigma(x), "
                "which adds x sigma'(x).",
            ),
            (
                x * sigmoid_slope,
                "that is the product rule's second term alone, x sigma'(x): the first, x' sigma(x), is "
                "missing.",
            ),
            (
                sigmoid_slope,
                "that is sigma'(x), the sigmoid's slope: SiLU is x sigma(x), a product -- use the product "
                "rule.",
            ),
            (
                silu_slope - x * sigmoid_slope + x * s,
                "the second term uses sigma(x) for sigma'(x): the sigmoid's slope is sigma(x)(1 - sigma(x)).",
            ),
        ],
        hint="the product rule, (x sigma(x))' = sigma(x) + x sigma'(x), with sigma' = sigma(1 - sigma)",
    )
    gelu_slope = _autograd_slope(lambda z: F.gelu(z, approximate="tanh"), x)
    c = math.sqrt(2 / math.pi)
    first = 0.5 * (1 + torch.tanh(c * (x + 0.044715 * x**3)))  # the product rule's first term
    second = gelu_slope - first  # and its second
    dn.check_answer(
        _by_hand(gelu_tanh_grad, x),
        gelu_slope,
        name="gelu_tanh_grad (hidden inputs)",
        rtol=1e-6,
        atol=1e-6,
        mistakes=[
            (F.gelu(x, approximate="tanh"), "that is the function itself, not its slope."),
            (
                first,
                "that is the product rule's first term alone, (1 + tanh u)/2: (x/2)(1 + tanh u) also "
                "changes through tanh u.",
            ),
            (second, "the product rule's first term, (1/2)(1 + tanh u), is missing."),
            (first + second / c, "the inner derivative u'(x) lacks its factor sqrt(2/pi)."),
            (
                first + second / (1 + 3 * 0.044715 * x**2) * (1 + 0.044715 * x**2),
                "the derivative of 0.044715 x^3 is 3 * 0.044715 x^2: the 3 is missing.",
            ),
            (
                first + second / (c * (1 + 3 * 0.044715 * x**2)),
                "tanh's slope 1 - tanh(u)^2 is taken with respect to u: the chain rule multiplies it by "
                "u'(x).",
            ),
            (first + 2 * second, "the second term lost its factor 1/2."),
            (
                _autograd_slope(F.gelu, x),
                "that is the exact GELU's slope, Phi(x) + x phi(x), from §4's table: this exercise asks for "
                "the tanh approximation's, which differs by up to 9e-4.",
            ),
        ],
        hint="the product rule on (x/2)(1 + tanh u), then the chain rule: (tanh u)' = (1 - tanh(u)^2) "
        "u'(x), with u'(x) = sqrt(2/pi)(1 + 3 * 0.044715 x^2)",
    )
