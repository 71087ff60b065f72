"""Wrong answers to chapter 4's implement-it exercises, each with the message its hidden test gives."""

_PEN = "def my_l2_penalty(net):\n    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]\n"
_STEP = "def my_sgd_weight_decay_step(w, grad, lr, wd):\n"
_RIDGE = (
    "def ridge_closed_form(X, y, lam):\n    X, y = X.double(), y.double()\n    n, d = X.shape\n"
)

MISTAKES = {
    "ex1": [
        (_PEN + "    return sum(m.weight.pow(2).sum() for m in linears)", "the 1/2 is missing"),
        (
            _PEN + "    return sum(p.pow(2).sum() for p in net.parameters()) / 2",
            "the biases are included:",
        ),
        (
            _PEN + "    return sum(p.pow(2).sum() for p in net.parameters())",
            "the biases are included and the 1/2 is missing",
        ),
        (
            _PEN + "    return torch.cat([m.weight.flatten() for m in linears]).norm()",
            "the norm of all the weights",
        ),
        (
            _PEN + "    return torch.cat([m.weight.flatten() for m in linears]).norm() / 2",
            "half the norm of all the weights",
        ),
        (_PEN + "    return sum(m.weight.norm() for m in linears)", "a sum of the layers' norms"),
        (
            _PEN + "    return sum(m.weight.norm() for m in linears) / 2",
            "half a sum of the layers' norms",
        ),
        (_PEN + "    return sum(m.weight.abs().sum() for m in linears) / 2", "the L1 penalty"),
        (_PEN + "    return sum(m.weight.abs().sum() for m in linears)", "the L1 penalty"),
        (
            "def my_l2_penalty(net):\n"
            "    return sum(m.weight.pow(2).sum() for m in net if isinstance(m, nn.Linear)) / 2",
            "only the top-level layers",
        ),
        (
            "def my_l2_penalty(net):\n"
            "    linears = [m for m in net.children() if isinstance(m, nn.Linear)]\n"
            "    return sum(m.weight.pow(2).sum() for m in linears) / 2",
            "only the top-level layers",
        ),
        (_PEN + "    return linears[0].weight.pow(2).sum() / 2", "only the first layer's weights"),
        (
            _PEN
            + "    for m in linears:\n        penalty = m.weight.pow(2).sum() / 2\n    return penalty",
            "only the last layer's weights",
        ),
        (_PEN + "    return sum(m.weight.pow(2).mean() for m in linears) / 2", "a mean per layer"),
        (
            _PEN + "    return torch.cat([m.weight.flatten() for m in linears]).pow(2).mean() / 2",
            "a mean over the weights",
        ),
        (
            _PEN + "    return sum(m.weight.pow(2).sum() for m in linears).item() / 2",
            "autograd cannot differentiate",
        ),
        (
            _PEN + "    return sum(m.weight.detach().pow(2).sum() for m in linears) / 2",
            "autograd cannot differentiate",
        ),
    ],
    "ex2": [
        (
            _RIDGE
            + "    return torch.linalg.solve(X.T @ X + lam * torch.eye(d, dtype=X.dtype), X.T @ y)",
            "the penalty enters as n * lam",
        ),
        (
            _RIDGE
            + "    return torch.linalg.solve(X.T @ X + 2 * n * lam * torch.eye(d, dtype=X.dtype), X.T @ y)",
            "a factor 2 too much",
        ),
        (
            _RIDGE
            + "    return torch.linalg.solve(X.T @ X + n * lam / 2 * torch.eye(d, dtype=X.dtype), X.T @ y)",
            "a factor 2 too little",
        ),
    ],
    "ex4": [
        (_STEP + "    return w - lr * (grad + wd / 2 * w)", "half too small"),
        (_STEP + "    return w - lr * (grad + 2 * wd * w)", "twice too large"),
        (_STEP + "    return (1 - wd) * w - lr * grad", "not scaled by the learning rate"),
        (_STEP + "    return (1 - lr) * w - lr * grad", "wd is forgotten"),
        (_STEP + "    return (1 - lr * wd * wd) * w - lr * grad", "wd is used twice"),
        (_STEP + "    return w - lr * (grad - wd * w)", "wrong sign"),
        (_STEP + "    return w + lr * (grad + wd * w)", "goes uphill"),
        (_STEP + "    return w - lr * (grad + wd * grad)", "decayed the gradient"),
        (
            _STEP + "    return w - lr * (1 - lr * wd) * grad",
            "multiplied the gradient by the decay factor",
        ),
        (
            _STEP + "    w = w - lr * grad\n    return (1 - lr * wd) * w",
            "decayed after the gradient step",
        ),
        (_STEP + "    return w - lr * grad", "without weight decay"),
        (_STEP + "    return w * (1 - lr * wd)", "the decay alone"),
    ],
}
