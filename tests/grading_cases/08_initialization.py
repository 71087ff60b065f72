"""Wrong answers to chapter 8's implement-it exercises, each with the message its hidden test gives."""

MISTAKES = {
    "ex2": [
        (
            "def my_xavier_uniform(fan_in, fan_out, generator):\n    a = math.sqrt(6 / (fan_in + fan_out))\n    return (torch.rand(fan_in, fan_out, generator=generator) * 2 - 1) * a\n",
            "transposed",
        ),
        (
            "def my_xavier_uniform(fan_in, fan_out, generator):\n    a = math.sqrt(6 / (fan_in + fan_out))\n    return (torch.rand(fan_out, fan_in) * 2 - 1) * a\n",
            "global random",
        ),
        (
            "def my_xavier_uniform(fan_in, fan_out, generator):\n    a = math.sqrt(6 / (fan_in + fan_out))\n    g = torch.Generator().manual_seed(0)\n    return (torch.rand(fan_out, fan_in, generator=g) * 2 - 1) * a\n",
            "seed yourself",
        ),
        (
            "def my_xavier_uniform(fan_in, fan_out, generator):\n    return torch.randn(fan_out, fan_in, generator=generator) * math.sqrt(2 / (fan_in + fan_out))\n",
            "Xavier normal",
        ),
        (
            "def my_xavier_uniform(fan_in, fan_out, generator):\n    return torch.rand(fan_out, fan_in, generator=generator) * math.sqrt(6 / (fan_in + fan_out))\n",
            "one sign",
        ),
        (
            "def my_xavier_uniform(fan_in, fan_out, generator):\n    return (torch.rand(fan_out, fan_in, generator=generator) - 0.5) * math.sqrt(6 / (fan_in + fan_out))\n",
            "only reach a/2",
        ),
        (
            "def my_xavier_uniform(fan_in, fan_out, generator):\n    a = math.sqrt(2 / (fan_in + fan_out))\n    return (torch.rand(fan_out, fan_in, generator=generator) * 2 - 1) * a\n",
            "standard deviation",
        ),
        (
            "def my_xavier_uniform(fan_in, fan_out, generator):\n    a = math.sqrt(3 / (fan_in + fan_out))\n    return (torch.rand(fan_out, fan_in, generator=generator) * 2 - 1) * a\n",
            "factor 2",
        ),
        (
            "def my_xavier_uniform(fan_in, fan_out, generator):\n    a = 2 / (fan_in + fan_out)\n    return (torch.rand(fan_out, fan_in, generator=generator) * 2 - 1) * a\n",
            "*variance*",
        ),
        (
            "def my_xavier_uniform(fan_in, fan_out, generator):\n    a = 6 / (fan_in + fan_out)\n    return (torch.rand(fan_out, fan_in, generator=generator) * 2 - 1) * a\n",
            "square root is missing",
        ),
        (
            "def my_xavier_uniform(fan_in, fan_out, generator):\n    a = math.sqrt(6 / fan_in)\n    return (torch.rand(fan_out, fan_in, generator=generator) * 2 - 1) * a\n",
            "fan-in alone",
        ),
        (
            "def my_xavier_uniform(fan_in, fan_out, generator):\n    a = math.sqrt(6 / fan_out)\n    return (torch.rand(fan_out, fan_in, generator=generator) * 2 - 1) * a\n",
            "fan-out alone",
        ),
    ],
    "ex3": [
        (
            "def my_he_normal(fan_in, fan_out, generator):\n    return torch.randn(fan_in, fan_out, generator=generator) * math.sqrt(2 / fan_in)\n",
            "transposed",
        ),
        (
            "def my_he_normal(fan_in, fan_out, generator):\n    return torch.randn(fan_out, fan_in) * math.sqrt(2 / fan_in)\n",
            "global random",
        ),
        (
            "def my_he_normal(fan_in, fan_out, generator):\n    return torch.randn(fan_out, fan_in, generator=torch.Generator().manual_seed(1)) * math.sqrt(2 / fan_in)\n",
            "seed yourself",
        ),
        (
            "def my_he_normal(fan_in, fan_out, generator):\n    return (torch.rand(fan_out, fan_in, generator=generator) * 2 - 1) * math.sqrt(6 / fan_in)\n",
            "uniform",
        ),
        (
            "def my_he_normal(fan_in, fan_out, generator):\n    return torch.randn(fan_out, fan_in, generator=generator) * math.sqrt(2 / fan_out)\n",
            "fan-out",
        ),
        (
            "def my_he_normal(fan_in, fan_out, generator):\n    return torch.randn(fan_out, fan_in, generator=generator) * math.sqrt(1 / fan_in)\n",
            "factor 2",
        ),
        (
            "def my_he_normal(fan_in, fan_out, generator):\n    return torch.randn(fan_out, fan_in, generator=generator) * math.sqrt(2 / (fan_in + fan_out))\n",
            "Xavier",
        ),
        (
            "def my_he_normal(fan_in, fan_out, generator):\n    return torch.randn(fan_out, fan_in, generator=generator) * (2 / fan_in)\n",
            "multiplied by the variance",
        ),
        (
            "def my_he_normal(fan_in, fan_out, generator):\n    return torch.randn(fan_out, fan_in, generator=generator) * 2 / math.sqrt(fan_in)\n",
            "under the square root",
        ),
    ],
}
