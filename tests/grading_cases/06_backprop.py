"""Wrong answers to chapter 6's implement-it exercises, each with the message its hidden test gives."""

# §2's reference backward pass; each mistake below changes one line of it.
_BACKWARD = """def my_backward(v, leaves, lam):
    X, y, W1, W2 = leaves["X"], leaves["y"], leaves["W1"], leaves["W2"]
    n, q = X.shape[0], W2.shape[0]
    dO = (torch.softmax(v["O"], dim=1) - F.one_hot(y, q)) / n
    dW2 = dO.T @ v["H"] + lam * W2
    dH = dO @ W2
    dZ = dH * (v["Z"] > 0)
    dW1 = dZ.T @ X + lam * W1
    return {"O": dO, "H": dH, "Z": dZ, "W1": dW1, "W2": dW2}
"""


def _bug(line: str, wrong: str) -> str:
    assert _BACKWARD.count(line) == 1, line
    return _BACKWARD.replace(line, wrong)


MISTAKES = {
    "ex1": [
        # transposes: a weight gradient of the transposed shape, or a product whose shapes do not fit
        (_bug("dW1 = dZ.T @ X + lam * W1", "dW1 = X.T @ dZ + lam * W1.T"), "the transpose"),
        (
            _bug('dW2 = dO.T @ v["H"] + lam * W2', 'dW2 = v["H"].T @ dO + lam * W2.T'),
            "got (6, 4), the transpose",
        ),
        (
            _bug('dW2 = dO.T @ v["H"] + lam * W2', 'dW2 = v["H"].T @ dO + lam * W2'),
            "an elementwise operation",
        ),
        (_bug("dH = dO @ W2", "dH = dO @ W2.T"), "a missing or extra transpose"),
        # the regularisation term s = lam/2 (||W1||^2 + ||W2||^2): its gradient is lam W
        (
            _bug(" + lam * W1", "").replace(" + lam * W2", ""),
            "dJ/dW1. The regularisation term's gradient is missing",
        ),
        (_bug(" + lam * W2", ""), "dJ/dW2. The regularisation term's gradient is missing"),
        (
            _bug("lam * W1", "2 * lam * W1").replace("lam * W2", "2 * lam * W2"),
            "gradient is doubled",
        ),
        (
            _bug("lam * W1", "lam / 2 * W1").replace("lam * W2", "lam / 2 * W2"),
            "gradient is halved",
        ),
        # (lam hard-coded as 0.1 is named by the hidden test only: the notebook's own lam is 0.1, so
        # the public check passes it, and tests/test_grading.py expects a listed mistake to fail both)
        # ReLU's derivative: the mask from the wrong tensor, or no mask
        (_bug('dH * (v["Z"] > 0)', "torch.relu(dH)"), "It is relu(dJ/dH)"),
        (_bug('dH * (v["Z"] > 0)', "dH * (dH > 0)"), "It is relu(dJ/dH)"),
        (_bug('dH * (v["Z"] > 0)', "dH.clone()"), "ReLU's derivative is missing"),
        (_bug('dH * (v["Z"] > 0)', 'dH * v["Z"]'), "by Z (or H) itself"),
        (_bug('dH * (v["Z"] > 0)', 'dH * (v["Z"] < 0)'), "The mask is inverted"),
        (
            _bug('dZ = dH * (v["Z"] > 0)', 'dZ = dH\n    dZ[v["Z"] <= 0] = 0'),
            "same tensor in memory",
        ),
        (_bug("dH = dO @ W2", 'dH = (dO @ W2) * (v["Z"] > 0)'), "already holds ReLU's derivative"),
        # the softmax-cross-entropy gradient (P - Y) / n
        (_bug(") / n", ")"), "n times too large"),
        (_bug('torch.softmax(v["O"], dim=1)', 'torch.softmax(v["O"], dim=0)'), "over dim 0"),
        (_bug(" - F.one_hot(y, q)", ""), "labels Y are not subtracted"),
        (
            _bug(
                '(torch.softmax(v["O"], dim=1) - F.one_hot(y, q))',
                '(F.one_hot(y, q) - torch.softmax(v["O"], dim=1))',
            ),
            "the wrong sign",
        ),
        # no known value: the node's hint
        (_bug('dO.T @ v["H"]', 'dO.T @ v["Z"]'), "dJ/dW2. dJ/dO agrees"),
    ],
    "ex6": [
        ("def grad_b(dZ):\n    return dZ.sum(dim=1)", "summed over the units"),
        ("def grad_b(dZ):\n    return dZ.mean(dim=0)", "divides by n a second time"),
        ("def grad_b(dZ):\n    return dZ.sum(dim=0, keepdim=True)", "drop the extra dimension"),
        ("def grad_b(dZ):\n    return torch.ones(len(dZ)) @ dZ", "pass dtype=dZ.dtype"),
    ],
}
