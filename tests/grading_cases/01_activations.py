"""Wrong answers to chapter 1's implement-it exercises, each with the message its hidden test gives."""

MISTAKES = {
    "ex3": [
        (
            "def stable_tanh(x):\n    return (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))\n",
            "e^|x| overflows",
        ),
        (
            "def stable_tanh(x):\n    return (1 - torch.exp(-2 * x)) / (1 + torch.exp(-2 * x))\n",
            "e^(-2x) overflows",
        ),
        (
            "def stable_tanh(x):\n    return (torch.exp(2 * x) - 1) / (torch.exp(2 * x) + 1)\n",
            "e^(2x) overflows",
        ),
        (
            "def stable_tanh(x):\n    e = torch.exp(-2 * x.abs())\n    return (1 - e) / (1 + e)\n",
            "that is |tanh(x)|",
        ),
        (
            "def stable_tanh(x):\n    e = torch.exp(-x.abs())\n    return torch.sign(x) * (1 - e) / (1 + e)\n",
            "tanh(x/2)",
        ),
        (
            "def stable_tanh(x):\n    x = x.float()\n    e = torch.exp(-2 * x.abs())\n    return torch.sign(x) * (1 - e) / (1 + e)\n",
            "float32",
        ),
        (
            "def stable_tanh(x):\n    x = x.clamp(-10, 10)\n    return (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))\n",
            "did you clamp x",
        ),
        ("def stable_tanh(x):\n    return torch.tanh(x)\n", "ruled out"),
        ("def stable_tanh(x):\n    return 2 * torch.sigmoid(2 * x) - 1\n", "ruled out"),
        ("def stable_tanh(x):\n    return F.tanh(x)\n", "ruled out"),
        (
            "def stable_tanh(x):\n    s = torch.sign(x)\n    e = torch.exp(-2 * x.abs_())\n    return s * (1 - e) / (1 + e)\n",
            "in place",
        ),
    ],
    "ex6": [
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return torch.relu(torch.relu(X @ W1 + b1) @ W2 + b2) @ W3 + b3\n",
            "X @ W1.T is",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return torch.relu(torch.relu(X @ W1.T + b1) @ W2 + b2) @ W3 + b3\n",
            "X @ W1.T is",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    H = torch.relu(W1 @ X.T + b1[:, None])\n    H = torch.relu(W2 @ H + b2[:, None])\n    return W3 @ H + b3[:, None]\n",
            "transposed",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return torch.relu(torch.relu(W1 @ X.T + b1) @ W2.T + b2) @ W3.T + b3\n",
            "product of the wrong shape",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return torch.relu(torch.relu(X @ W1.T + b1.reshape(-1, 1)) @ W2.T + b2) @ W3.T + b3\n",
            "added to every row",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return ((X @ W1.T + b1) @ W2.T + b2) @ W3.T + b3\n",
            "no activation",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return (torch.relu(X @ W1.T + b1) @ W2.T + b2) @ W3.T + b3\n",
            "second hidden layer has no ReLU",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return torch.relu((X @ W1.T + b1) @ W2.T + b2) @ W3.T + b3\n",
            "first hidden layer has no ReLU",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return torch.relu(torch.relu(torch.relu(X @ W1.T + b1) @ W2.T + b2) @ W3.T + b3)\n",
            "ReLU too",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return torch.softmax(torch.relu(torch.relu(X @ W1.T + b1) @ W2.T + b2) @ W3.T + b3, dim=1)\n",
            "softmax probabilities",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return torch.log_softmax(torch.relu(torch.relu(X @ W1.T + b1) @ W2.T + b2) @ W3.T + b3, dim=1)\n",
            "log-probabilities",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return torch.sigmoid(torch.sigmoid(X @ W1.T + b1) @ W2.T + b2) @ W3.T + b3\n",
            "sigmoid hidden",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return (torch.relu((torch.relu(X @ W1.T) + b1) @ W2.T) + b2) @ W3.T + b3\n",
            "before the bias",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return torch.relu(torch.relu(X @ W1.T) @ W2.T) @ W3.T\n",
            "b1, b2 and b3 are missing",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return torch.relu(torch.relu(X @ W1.T) @ W2.T + b2) @ W3.T + b3\n",
            "bias b1 is missing",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return torch.relu(torch.relu(X @ W1.T + b1) @ W2.T) @ W3.T + b3\n",
            "bias b2 is missing",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return torch.relu(torch.relu(X @ W1.T + b1) @ W2.T + b2) @ W3.T\n",
            "bias b3 is missing",
        ),
        (
            "def mlp2_forward(X, W1, b1, W2, b2, W3, b3):\n    return F.linear(torch.relu(F.linear(torch.relu(F.linear(X, W1, b1)), W2, b2)), W3, b3)\n",
            "ruled out",
        ),
    ],
    "ex7": [
        (
            "def softplus_grad(x):\n    return torch.log(1 + torch.exp(x))\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "softplus itself",
        ),
        (
            "def softplus_grad(x):\n    return 1 / (1 + torch.exp(x))\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "outer derivative alone",
        ),
        (
            "def softplus_grad(x):\n    return torch.exp(x)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "inner derivative alone",
        ),
        (
            "def softplus_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "the sigmoid's slope",
        ),
        (
            "def softplus_grad(x):\n    x = x.clone().requires_grad_(True)\n    F.softplus(x).sum().backward()\n    return x.grad\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "autograd is ruled out",
        ),
        (
            "def softplus_grad(x):\n    return torch.func.grad(lambda t: F.softplus(t).sum())(x)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "autograd is ruled out",
        ),
        (
            "def softplus_grad(x):\n    return x.sigmoid_()\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "in place",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    return x * torch.sigmoid(x)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "SiLU itself",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    return torch.sigmoid(x)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "first term alone",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "second term alone",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "use the product rule",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "uses sigma(x) for",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    x.mul_(1)\n    s = torch.sigmoid(x)\n    x += 1\n    return s + (x - 1) * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "in place",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * x * (1 + t)\n",
            "the function itself",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t)\n",
            "first term alone",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "first term, (1/2)(1 + tanh u), is missing",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * (1 + 3 * 0.044715 * x**2)\n",
            "sqrt(2/pi)",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * c * (1 + 0.044715 * x**2)\n",
            "the 3 is missing",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2)\n",
            "multiplies it by u'(x)",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    c = math.sqrt(2 / math.pi)\n    t = torch.tanh(c * (x + 0.044715 * x**3))\n    return 0.5 * (1 + t) + x * (1 - t**2) * c * (1 + 3 * 0.044715 * x**2)\n",
            "factor 1/2",
        ),
        (
            "def softplus_grad(x):\n    return torch.sigmoid(x)\ndef silu_grad(x):\n    s = torch.sigmoid(x)\n    return s + x * s * (1 - s)\ndef gelu_tanh_grad(x):\n    return 0.5 * (1 + torch.erf(x / math.sqrt(2))) + x * torch.exp(-x**2 / 2) / math.sqrt(2 * math.pi)\n",
            "exact GELU's slope",
        ),
    ],
}
