"""Wrong answers to chapter 1's implement-it exercises, each with the message its hidden test gives."""

MISTAKES = {
    "ex3": [
        ("def my_tanh(x):\n    return 2 * torch.sigmoid(x) - 1\n", "tanh(x/2)"),
        ("def my_tanh(x):\n    return torch.sigmoid(2 * x)\n", "stretch and shift"),
        ("def my_tanh(x):\n    return 2 * torch.sigmoid(2 * x)\n", "shift it down"),
        ("def my_tanh(x):\n    return torch.sigmoid(2 * x) - 0.5\n", "half the height"),
        ("def my_tanh(x):\n    return 1 - 2 * torch.sigmoid(2 * x)\n", "sign is flipped"),
    ],
    "ex6": [
        (
            "def mlp_forward(X, W1, b1, W2, b2):\n    return torch.relu(X @ W1.T + b1) @ W2.T + b2\n",
            "no transpose",
        ),
        (
            "def mlp_forward(X, W1, b1, W2, b2):\n    return W2 @ torch.relu(W1 @ X + b1) + b2\n",
            "no transpose",
        ),
        (
            "def mlp_forward(X, W1, b1, W2, b2):\n    return torch.relu(X @ W1 + b1) @ W2.T + b2\n",
            "no transpose",
        ),
        (
            "def mlp_forward(X, W1, b1, W2, b2):\n    return torch.relu((X + b1) @ W1) @ W2 + b2\n",
            "added to every row",
        ),
        (
            "def mlp_forward(X, W1, b1, W2, b2):\n    return torch.relu(X @ W1 + b1.reshape(-1, 1)) @ W2 + b2\n",
            "added to every row",
        ),
        (
            "def mlp_forward(X, W1, b1, W2, b2):\n    return (X @ W1 + b1) @ W2 + b2\n",
            "no activation",
        ),
        (
            "def mlp_forward(X, W1, b1, W2, b2):\n    return torch.relu(torch.relu(X @ W1 + b1) @ W2 + b2)\n",
            "ReLU too",
        ),
        (
            "def mlp_forward(X, W1, b1, W2, b2):\n    return torch.softmax(torch.relu(X @ W1 + b1) @ W2 + b2, dim=1)\n",
            "softmax probabilities",
        ),
        (
            "def mlp_forward(X, W1, b1, W2, b2):\n    return torch.log_softmax(torch.relu(X @ W1 + b1) @ W2 + b2, dim=1)\n",
            "log-probabilities",
        ),
        (
            "def mlp_forward(X, W1, b1, W2, b2):\n    return (torch.relu(X @ W1) + b1) @ W2 + b2\n",
            "before the bias",
        ),
        (
            "def mlp_forward(X, W1, b1, W2, b2):\n    return torch.relu(X @ (W1 + b1)) @ (W2 + b2)\n",
            "added to the weights",
        ),
        (
            "def mlp_forward(X, W1, b1, W2, b2):\n    return torch.relu(X @ W1) @ W2\n",
            "biases b1 and b2 are missing",
        ),
        (
            "def mlp_forward(X, W1, b1, W2, b2):\n    return torch.sigmoid(X @ W1 + b1) @ W2 + b2\n",
            "sigmoid hidden layer",
        ),
    ],
    "ex7": [
        (
            "def sigmoid_grad(x):\n    return torch.sigmoid(x)\ndef tanh_grad(x):\n    return 1 - torch.tanh(x) ** 2\ndef relu_grad(x):\n    return (x > 0).to(x.dtype)\n",
            "sigma(x) itself",
        ),
        (
            "def sigmoid_grad(x):\n    return torch.exp(-x) / (1 + torch.exp(-x))\ndef tanh_grad(x):\n    return 1 - torch.tanh(x) ** 2\ndef relu_grad(x):\n    return (x > 0).to(x.dtype)\n",
            "denominator squared",
        ),
        (
            "def sigmoid_grad(x):\n    return -torch.exp(-x) / (1 + torch.exp(-x)) ** 2\ndef tanh_grad(x):\n    return 1 - torch.tanh(x) ** 2\ndef relu_grad(x):\n    return (x > 0).to(x.dtype)\n",
            "sign is flipped",
        ),
        (
            "def sigmoid_grad(x):\n    return 1 - torch.sigmoid(x) ** 2\ndef tanh_grad(x):\n    return 1 - torch.tanh(x) ** 2\ndef relu_grad(x):\n    return (x > 0).to(x.dtype)\n",
            "tanh's pattern",
        ),
        (
            "def sigmoid_grad(x):\n    return torch.sigmoid(x) * (1 - x)\ndef tanh_grad(x):\n    return 1 - torch.tanh(x) ** 2\ndef relu_grad(x):\n    return (x > 0).to(x.dtype)\n",
            "1 - x where",
        ),
        (
            "def sigmoid_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\ndef tanh_grad(x):\n    return torch.tanh(x)\ndef relu_grad(x):\n    return (x > 0).to(x.dtype)\n",
            "tanh(x) itself",
        ),
        (
            "def sigmoid_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\ndef tanh_grad(x):\n    return 1 - torch.tanh(x)\ndef relu_grad(x):\n    return (x > 0).to(x.dtype)\n",
            "misses the square",
        ),
        (
            "def sigmoid_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\ndef tanh_grad(x):\n    return 1 - x ** 2\ndef relu_grad(x):\n    return (x > 0).to(x.dtype)\n",
            "squared x",
        ),
        (
            "def sigmoid_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\ndef tanh_grad(x):\n    t = torch.tanh(x)\n    return t * (1 - t)\ndef relu_grad(x):\n    return (x > 0).to(x.dtype)\n",
            "sigmoid's pattern",
        ),
        (
            "def sigmoid_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\ndef tanh_grad(x):\n    return 1 + torch.tanh(x) ** 2\ndef relu_grad(x):\n    return (x > 0).to(x.dtype)\n",
            "square's sign",
        ),
        (
            "def sigmoid_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\ndef tanh_grad(x):\n    return 1 - torch.tanh(x) ** 2\ndef relu_grad(x):\n    return (x >= 0).double()\n",
            "where you give 1:",
        ),
        (
            "def sigmoid_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\ndef tanh_grad(x):\n    return 1 - torch.tanh(x) ** 2\ndef relu_grad(x):\n    return torch.heaviside(x, torch.tensor(0.5, dtype=x.dtype))\n",
            "where you give 1/2",
        ),
        (
            "def sigmoid_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\ndef tanh_grad(x):\n    return 1 - torch.tanh(x) ** 2\ndef relu_grad(x):\n    return torch.relu(x)\n",
            "ReLU itself",
        ),
        (
            "def sigmoid_grad(x):\n    s = torch.sigmoid(x)\n    return s * (1 - s)\ndef tanh_grad(x):\n    return 1 - torch.tanh(x) ** 2\ndef relu_grad(x):\n    return torch.sign(x)\n",
            "not -1",
        ),
    ],
}
