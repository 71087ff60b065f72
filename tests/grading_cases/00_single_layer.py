"""Wrong answers to chapter 0's implement-it exercises, each with the message its hidden test gives."""

MISTAKES = {
    "ex1": [
        (
            "def log_softmax(O):\n    return torch.log(torch.exp(O) / torch.exp(O).sum(1, keepdim=True))",
            "NaN or infinite",
        ),
        ("def log_softmax(O):\n    return torch.softmax(O, dim=1)", "not their logarithms"),
        (
            "def log_softmax(O):\n    return torch.log_softmax(O, dim=0)",
            "normalised over the examples",
        ),
    ],
    "ex2": [
        (
            "def mean_cross_entropy(O, y):\n"
            "    return -torch.log_softmax(O, 1)[torch.arange(len(y)), y].sum()",
            "sum over the batch",
        ),
        (
            "def mean_cross_entropy(O, y):\n    return torch.log_softmax(O, 1)[torch.arange(len(y)), y].mean()",
            "sign is flipped",
        ),
    ],
}
