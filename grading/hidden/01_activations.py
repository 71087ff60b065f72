"""Hidden tests for notebooks/01_activations.ipynb: the implement-it exercises on other inputs.

Exercise N's test is ``exN``; its parameters are the learner's names (grading/README.md).  The
expected values come from torch's own functions (``torch.tanh``, ``F.linear``, autograd).
"""

import numpy as np
import torch
import torch.nn.functional as F

import d2lnotes as dn


def ex3(my_tanh):
    g = torch.Generator().manual_seed(1003)
    x = torch.cat(
        [
            torch.linspace(-9, 9, 37, dtype=torch.float64),
            3 * torch.randn(20, generator=g, dtype=torch.float64),
        ]
    ).reshape(3, 19)
    t = torch.tanh(x)
    dn.check_answer(
        my_tanh(x),
        t,
        name="my_tanh (hidden inputs)",
        rtol=0,
        atol=1e-12,
        mistakes=[
            (
                torch.tanh(x / 2),
                "close: that is tanh(x/2) -- the sigmoid's argument needs rescaling too.",
            ),
            (
                (1 + t) / 2,
                "that ranges over (0, 1), tanh over (-1, 1): stretch and shift the sigmoid's output.",
            ),
            (1 + t, "that is 1 + tanh(x), which ranges over (0, 2): shift it down."),
            (t / 2, "that is tanh(x)/2: the right shape, half the height."),
            (-t, "the sign is flipped: that is -tanh(x)."),
        ],
        hint="write both with exponentials, tanh(x) = (1 - e^(-2x)) / (1 + e^(-2x)) and "
        "sigma(u) = 1 / (1 + e^(-u)); choose u so that the exponentials match, then compute 1 + tanh(x)",
    )


def ex6(mlp_forward):
    # other sizes than the public check: n = 9, d = 7, h = 6, q = 4 (no two equal, so a transpose or a
    # misplaced bias fails on shapes)
    g = torch.Generator().manual_seed(1006)
    X = torch.randn(9, 7, generator=g)
    W1, b1 = torch.randn(7, 6, generator=g), torch.randn(6, generator=g)
    W2, b2 = torch.randn(6, 4, generator=g), torch.randn(4, generator=g)
    O = F.linear(
        F.relu(F.linear(X, W1.T, b1)), W2.T, b2
    )  # torch's own layers (weight stored transposed)
    Z = X @ W1 + b1
    try:
        got = mlp_forward(X, W1, b1, W2, b2)
    except RuntimeError as err:
        if "cannot be multiplied" in str(err):
            raise dn.ExerciseFeedback(
                f"mlp_forward (hidden inputs): a matrix product failed ({err}) -- in the book's layout no "
                "transpose is needed: X (n, d) @ W1 (d, h) is (n, h) and H (n, h) @ W2 (h, q) is (n, q); the "
                "transpose belongs to nn.Linear, which stores its weight as (h, d)"
            ) from None
        if "must match the size" in str(err):
            raise dn.ExerciseFeedback(
                f"mlp_forward (hidden inputs): an addition failed ({err}) -- a bias is added in the wrong "
                "place or shape: b1, of shape (h,), goes to X @ W1, of shape (n, h), and is added to every "
                "row (broadcasting); likewise b2 to H @ W2"
            ) from None
        raise
    dn.check_answer(
        got,
        O,
        name="mlp_forward (hidden inputs)",
        rtol=1e-5,
        atol=1e-5,
        mistakes=[
            (
                Z @ W2 + b2,
                "no activation: without the ReLU the two layers collapse into one affine map (§2).",
            ),
            (
                torch.relu(O),
                "the output went through a ReLU too: the output layer returns raw scores, "
                "which can be negative.",
            ),
            (
                lambda a: np.allclose(a.sum(axis=1), 1, atol=1e-4) and (a >= 0).all(),
                "each row sums to 1: these are softmax probabilities. Return the scores -- the loss, "
                "F.cross_entropy, applies the softmax itself (as log-sum-exp).",
            ),
            (
                torch.log_softmax(O, 1),
                "these are log-probabilities (log_softmax of the scores): return the "
                "scores, the loss normalises them itself.",
            ),
            (
                (torch.relu(X @ W1) + b1) @ W2 + b2,
                "the ReLU came before the bias: it acts on X W1 + b1.",
            ),
            (
                torch.relu(X @ (W1 + b1)) @ (W2 + b2),
                "the biases were added to the weights, before the "
                "product: X @ (W1 + b1) adds (sum_j x_j) b1 to each row -- add b1 after it, X @ W1 + b1.",
            ),
            (torch.relu(X @ W1) @ W2, "the biases b1 and b2 are missing."),
            (
                torch.sigmoid(Z) @ W2 + b2,
                "that is a sigmoid hidden layer; this MLP's hidden layer is a ReLU.",
            ),
        ],
        hint="H = ReLU(X W1 + b1) of shape (n, h), then O = H W2 + b2 of shape (n, q)",
    )


def _autograd_slope(f, x):
    x = x.clone().requires_grad_(True)
    (slope,) = torch.autograd.grad(f(x).sum(), x)
    return slope


def ex7(sigmoid_grad, tanh_grad, relu_grad):
    # other points than the public check, as a matrix: 42 random ones, 0 and the tails +-10
    g = torch.Generator().manual_seed(1007)
    x = torch.cat(
        [
            4 * torch.randn(42, generator=g, dtype=torch.float64),
            torch.tensor([0.0, 10.0, -10.0], dtype=torch.float64),
        ]
    ).reshape(5, 9)
    s, t = torch.sigmoid(x), torch.tanh(x)
    dn.check_answer(
        sigmoid_grad(x),
        _autograd_slope(torch.sigmoid, x),
        name="sigmoid_grad (hidden inputs)",
        rtol=1e-9,
        atol=1e-12,
        mistakes=[
            (s, "that is sigma(x) itself, not its slope."),
            (
                1 - s,
                "that is 1 - sigma(x) = e^(-x) / (1 + e^(-x)): the derivative of (1 + e^(-x))^(-1) has "
                "the denominator squared.",
            ),
            (
                -s * (1 - s),
                "the sign is flipped: the sigmoid increases everywhere, so its slope is positive.",
            ),
            (1 - s**2, "1 - sigma^2 is tanh's pattern (1 - tanh^2), not the sigmoid's."),
            (s * (1 - x), "you wrote 1 - x where the formula has 1 - sigma(x)."),
        ],
        hint="sigma'(x) = sigma(x) (1 - sigma(x))",
    )
    dn.check_answer(
        tanh_grad(x),
        _autograd_slope(torch.tanh, x),
        name="tanh_grad (hidden inputs)",
        rtol=1e-9,
        atol=1e-12,
        mistakes=[
            (t, "that is tanh(x) itself, not its slope."),
            (
                1 - t,
                "1 - tanh(x) misses the square: tanh's slope is symmetric about 0, this is not.",
            ),
            (1 - x**2, "you squared x, not tanh(x)."),
            (
                t * (1 - t),
                "tanh(1 - tanh) follows the sigmoid's pattern; tanh's slope is 1 minus a square.",
            ),
            (1 + t**2, "the square's sign is flipped: tanh's slope is at most 1, at x = 0."),
        ],
        hint="tanh'(x) = 1 - tanh(x)^2",
    )
    dn.check_answer(
        relu_grad(x),
        _autograd_slope(torch.relu, x),
        name="relu_grad (hidden inputs)",
        rtol=0,
        atol=0,
        mistakes=[
            (
                (x >= 0).double(),
                "right except at x = 0, where you give 1: PyTorch's convention is ReLU'(0) = 0.",
            ),
            (
                torch.where(x == 0, 0.5, (x > 0).double()),
                "right except at x = 0, where you give 1/2: PyTorch's convention is ReLU'(0) = 0.",
            ),
            (torch.relu(x), "that is ReLU itself, not its slope."),
            (torch.sign(x), "the slope for x < 0 is 0, not -1: ReLU is flat there."),
        ],
        hint="the slope is 1 for x > 0 and 0 for x < 0; at the kink PyTorch uses 0",
    )
