"""Wrong answers to chapter 5's implement-it exercises, each with the message its hidden test gives."""

_DROP = (
    "def my_dropout(X, p, generator):\n"
    "    if p == 1:\n"
    "        return torch.zeros_like(X)\n"
    "    if p == 0:\n"
    "        return X\n"
)
_KEEP = _DROP + "    keep = (torch.rand(X.shape, generator=generator) > p).to(X.dtype)\n"
_MODULE = (
    "class MyDropout(nn.Module):\n"
    "    def __init__(self, p, generator):\n"
    "        super().__init__()\n"
    "        self.p, self.generator = p, generator\n"
    "\n"
    "    def drop(self, X):\n"
    "        keep = (torch.rand(X.shape, generator=self.generator) > self.p).to(X.dtype)\n"
    "        return keep * X / (1 - self.p)\n"
    "\n"
    "    def forward(self, X):\n"
)

MISTAKES = {
    "ex1": [
        (_KEEP + "    return keep * X / p", "multiplied by 1/p"),
        (_KEEP + "    return keep * X", "not rescaled"),
        (_KEEP + "    return keep * X * (1 - p)", "multiplied by 1 - p: divide by it instead"),
        (
            _DROP + "    keep = (torch.rand(X.shape, generator=generator) < p).to(X.dtype)\n"
            "    return keep * X / (1 - p)",
            "keeps an entry with probability p",
        ),
        (
            _DROP + "    keep = (torch.rand(X.shape, generator=generator) < p).to(X.dtype)\n"
            "    return keep * X / p",
            "keeps an entry with probability p",
        ),
        (_DROP + "    return X / (1 - p)", "nothing is zeroed"),
        (
            _DROP + "    keep = (torch.rand(1, generator=generator) > p).to(X.dtype)\n"
            "    return keep * X / (1 - p)",
            "as one block",
        ),
        (
            _DROP + "    keep = (torch.rand(X.shape[0], 1, generator=generator) > p).to(X.dtype)\n"
            "    return keep * X / (1 - p)",
            "every row is all dropped or all kept",
        ),
        (
            _DROP + "    keep = (torch.rand(X.shape[1], generator=generator) > p).to(X.dtype)\n"
            "    return keep * X / (1 - p)",
            "one mask for the whole batch",
        ),
        (
            "def my_dropout(X, p, generator):\n"
            "    keep = (torch.rand(X.shape, generator=generator) > p).to(X.dtype)\n"
            "    return keep * X / (1 - p)",
            "p = 1 gives NaN",
        ),
        (
            "def my_dropout(X, p, generator):\n"
            "    scale = 1 / (1 - p)\n"
            "    return (torch.rand(X.shape, generator=generator) > p).to(X.dtype) * X * scale",
            "p = 1 gives NaN or inf (or a division by zero)",
        ),
        (
            _DROP
            + "    keep = (torch.rand(X.shape) > p).to(X.dtype)\n    return keep * X / (1 - p)",
            "not from PyTorch's global generator",
        ),
        (
            _DROP + "    torch.manual_seed(0)\n"
            "    keep = (torch.rand(X.shape) > p).to(X.dtype)\n"
            "    return keep * X / (1 - p)",
            "you reseed the global generator (torch.manual_seed)",
        ),
        (
            _DROP + "    generator.manual_seed(0)\n"
            "    keep = (torch.rand(X.shape, generator=generator) > p).to(X.dtype)\n"
            "    return keep * X / (1 - p)",
            "you reseed the generator (generator.manual_seed) or make a new one",
        ),
        (
            _DROP
            + "    keep = (torch.rand(X.shape, generator=torch.Generator()) > p).to(X.dtype)\n"
            "    return keep * X / (1 - p)",
            "you reseed the generator (generator.manual_seed) or make a new one",
        ),
        (
            _KEEP + "    torch.rand(1)  # a stray draw from the global generator\n"
            "    return keep * X / (1 - p)",
            "PyTorch's global random state changed",
        ),
        (
            _DROP + "    keep = (torch.rand(X.shape, generator=generator) > p).float()\n"
            "    return keep * X / (1 - p)",
            "a float16 X comes back in another dtype",
        ),
        (
            "def my_dropout(X, p, generator):\n"
            "    if p in (0, 1):\n"
            "        return torch.zeros_like(X)\n"
            "    keep = (torch.rand(X.shape, generator=generator) > p).to(X.dtype)\n"
            "    return keep * X / (1 - p)",
            "p = 0 changes X",
        ),
    ],
    "ex2": [
        (
            _MODULE
            + "        if self.training:\n            return X\n        return self.drop(X)",
            "the modes are swapped",
        ),
        (
            _MODULE + "        if self.train:  # a method, always true\n"
            "            return self.drop(X)\n"
            "        return X",
            "it still drops in eval mode",
        ),
        (
            _MODULE.replace(
                "        self.p, self.generator = p, generator\n",
                "        self.p, self.generator = p, generator\n        self.is_training = True\n",
            )
            + "        return self.drop(X) if self.is_training else X",
            "it still drops in eval mode",
        ),
        (
            _MODULE
            + "        if not self.training:\n            return X\n        return X / (1 - self.p)",
            "nothing is zeroed in training mode",
        ),
        (
            _MODULE
            + "        if not self.training:\n            return X / (1 - self.p)\n        return self.drop(X)",
            "in eval mode X comes back divided by 1 - p",
        ),
        (
            _MODULE
            + "        if not self.training:\n            return X * (1 - self.p)\n        return self.drop(X)",
            "in eval mode X comes back multiplied by 1 - p",
        ),
        (
            _MODULE + "        if not self.training:\n            return X\n"
            "        keep = (torch.rand(X.shape, generator=self.generator) < self.p).to(X.dtype)\n"
            "        return keep * X / (1 - self.p)",
            "your mask keeps an entry with probability p",
        ),
        (
            _MODULE + "        if not self.training:\n            return X\n"
            "        keep = (torch.rand(X.shape, generator=self.generator) > self.p).to(X.dtype)\n"
            "        return keep * X / self.p",
            "multiplied by 1/p",
        ),
        (
            _MODULE + "        if not self.training:\n            return X\n"
            "        return (torch.rand(X.shape, generator=self.generator) > self.p).to(X.dtype) * X",
            "kept entries are not rescaled",
        ),
        (
            _MODULE + "        if not self.training:\n            return X\n"
            "        keep = (torch.rand(X.shape) > self.p).to(X.dtype)\n"
            "        return keep * X / (1 - self.p)",
            "it draws from PyTorch's global generator",
        ),
        (
            _MODULE + "        if not self.training:\n            return X\n"
            "        if not hasattr(self, 'mask'):\n"
            "            self.mask = (torch.rand(X.shape, generator=self.generator) > self.p).to(X.dtype)\n"
            "        return self.mask * X / (1 - self.p)",
            "two training-mode calls gave the same mask",
        ),
        (
            _MODULE + "        if not self.training:\n            return X\n"
            "        self.generator.manual_seed(0)\n"
            "        return self.drop(X)",
            "two training-mode calls gave the same mask",
        ),
    ],
}
