"""Wrong answers to chapter 8's implement-it exercises, each with the message its hidden test gives."""

_X = "def my_xavier_uniform(shape, gain, generator):\n"
_FANS = "    k = math.prod(shape[2:])\n    fan_in, fan_out = shape[1] * k, shape[0] * k\n"
_A = _FANS + "    a = gain * math.sqrt(6 / (fan_in + fan_out))\n"
_H = "def my_he_normal(shape, negative_slope, mode, generator):\n"
_FAN = '    fan = shape[1] if mode == "fan_in" else shape[0]\n'
_GAIN = _FAN + "    gain = math.sqrt(2 / (1 + negative_slope**2))\n"

MISTAKES = {
    "ex2": [
        (
            _X
            + _A
            + "    return (torch.rand(shape[1], shape[0], *shape[2:], generator=generator) * 2 - 1) * a\n",
            "transposed",
        ),
        (_X + _A + "    return (torch.rand(shape) * 2 - 1) * a\n", "global random"),
        (
            _X
            + _A
            + "    g = torch.Generator().manual_seed(0)\n    return (torch.rand(shape, generator=g) * 2 - 1) * a\n",
            "seed yourself",
        ),
        (_X + "    return torch.zeros(shape)\n", "all weights are equal"),
        (
            _X
            + _A
            + "    w = (torch.rand(math.prod(shape), generator=generator) * 2 - 1) * a\n    return w.sort().values.reshape(shape)\n",
            "correlated",
        ),
        (_X + _A + "    return torch.full(shape, a)\n", "all weights are equal"),
        (
            _X
            + _A
            + "    row = (torch.rand(1, *shape[1:], generator=generator) * 2 - 1) * a\n    return row.expand(shape).clone()\n",
            "rows or columns repeat",
        ),
        (
            _X + _A + "    return (torch.rand(shape, generator=generator) * 2 - 1) * a / 0\n",
            "NaN or infinite",
        ),
        (
            _X
            + "    fan_out, fan_in = shape\n    a = gain * math.sqrt(6 / (fan_in + fan_out))\n    return (torch.rand(shape, generator=generator) * 2 - 1) * a\n",
            "raised ValueError",
        ),
        (
            _X
            + _FANS
            + "    return torch.randn(shape, generator=generator) * gain * math.sqrt(2 / (fan_in + fan_out))\n",
            "Xavier normal",
        ),
        (_X + _A + "    return torch.rand(shape, generator=generator) * a\n", "one sign"),
        (
            _X + _A + "    return (torch.rand(shape, generator=generator) - 0.5) * a\n",
            "only reach a/2",
        ),
        (
            _X
            + _FANS
            + "    a = gain * math.sqrt(2 / (fan_in + fan_out))\n    return (torch.rand(shape, generator=generator) * 2 - 1) * a\n",
            "standard deviation",
        ),
        (
            _X
            + _FANS
            + "    a = gain * math.sqrt(3 / (fan_in + fan_out))\n    return (torch.rand(shape, generator=generator) * 2 - 1) * a\n",
            "factor 2",
        ),
        (
            _X
            + _FANS
            + "    a = math.sqrt(6 / (fan_in + fan_out))\n    return (torch.rand(shape, generator=generator) * 2 - 1) * a\n",
            "the gain is missing",
        ),
        (
            _X
            + _FANS
            + "    a = gain**2 * math.sqrt(6 / (fan_in + fan_out))\n    return (torch.rand(shape, generator=generator) * 2 - 1) * a\n",
            "not twice",
        ),
        (
            _X
            + _FANS
            + "    a = math.sqrt(6 * gain / (fan_in + fan_out))\n    return (torch.rand(shape, generator=generator) * 2 - 1) * a\n",
            "not the variance",
        ),
        (
            _X
            + _FANS
            + "    a = gain * math.sqrt(6 / fan_in)\n    return (torch.rand(shape, generator=generator) * 2 - 1) * a\n",
            "fan-in alone",
        ),
        (
            _X
            + _FANS
            + "    a = gain * math.sqrt(6 / fan_out)\n    return (torch.rand(shape, generator=generator) * 2 - 1) * a\n",
            "fan-out alone",
        ),
        (
            _X
            + "    fan_in, fan_out = shape[1], shape[0]\n    a = gain * math.sqrt(6 / (fan_in + fan_out))\n    return (torch.rand(shape, generator=generator) * 2 - 1) * a\n",
            "count the kernel positions",
        ),
        (
            _X
            + "    fan_in, fan_out = math.prod(shape[1:]), shape[0]\n    a = gain * math.sqrt(6 / (fan_in + fan_out))\n    return (torch.rand(shape, generator=generator) * 2 - 1) * a\n",
            "fan-out misses",
        ),
        (
            _X
            + _FANS
            + "    a = gain * 6 / (fan_in + fan_out)\n    return (torch.rand(shape, generator=generator) * 2 - 1) * a\n",
            "variance 0.0",
        ),
        (
            _X
            + _FANS
            + "    a = gain * math.sqrt(6 / (fan_in + fan_out))\n    u = (torch.rand(2, *shape, generator=generator) * 2 - 1) * a\n    return u.sum(0) / math.sqrt(2)\n",
            "(a uniform has 1.8, a normal 3)",
        ),
    ],
    "ex3": [
        (
            _H
            + _GAIN
            + "    return torch.randn(shape[1], shape[0], generator=generator) * gain / math.sqrt(fan)\n",
            "transposed",
        ),
        (_H + _GAIN + "    return torch.randn(shape) * gain / math.sqrt(fan)\n", "global random"),
        (
            _H
            + _GAIN
            + "    g = torch.Generator().manual_seed(1)\n    return torch.randn(shape, generator=g) * gain / math.sqrt(fan)\n",
            "seed yourself",
        ),
        (_H + "    return torch.zeros(shape)\n", "all weights are equal"),
        (
            _H
            + _GAIN
            + "    return (torch.rand(shape, generator=generator) * 2 - 1) * gain * math.sqrt(3 / fan)\n",
            "uniform",
        ),
        (
            _H + _FAN + "    return torch.randn(shape, generator=generator) * math.sqrt(2 / fan)\n",
            "ReLU's variance",
        ),
        (
            _H
            + _FAN
            + "    return torch.randn(shape, generator=generator) * math.sqrt(2 / ((1 + negative_slope) * fan))\n",
            "α² (not α)",
        ),
        (
            _H
            + _FAN
            + "    return torch.randn(shape, generator=generator) * math.sqrt(1 / ((1 + negative_slope**2) * fan))\n",
            "factor 2 is missing",
        ),
        (
            _H
            + '    fan = shape[0] if mode == "fan_in" else shape[1]\n    gain = math.sqrt(2 / (1 + negative_slope**2))\n    return torch.randn(shape, generator=generator) * gain / math.sqrt(fan)\n',
            "fans are swapped",
        ),
        (
            _H
            + "    gain = math.sqrt(2 / (1 + negative_slope**2))\n    return torch.randn(shape, generator=generator) * gain / math.sqrt(shape[1])\n",
            "also divides by the fan-in",
        ),
        (
            _H
            + "    gain = math.sqrt(2 / (1 + negative_slope**2))\n    return torch.randn(shape, generator=generator) * gain / math.sqrt(shape[0])\n",
            "divides by the fan-out",
        ),
        (
            _H
            + "    gain = math.sqrt(2 / (1 + negative_slope**2))\n    return torch.randn(shape, generator=generator) * gain * math.sqrt(2 / sum(shape))\n",
            "Xavier",
        ),
        (
            _H
            + _GAIN
            + "    return torch.randn(shape, generator=generator) * math.sqrt(gain / fan)\n",
            "divided by the gain",
        ),
        (
            _H
            + _FAN
            + "    return torch.randn(shape, generator=generator) * 2 / math.sqrt((1 + negative_slope**2) * fan)\n",
            "outside the square root",
        ),
        (
            _H + _GAIN + "    return torch.randn(shape, generator=generator) * gain**2 / fan\n",
            "multiplied randn by the variance",
        ),
        (
            _H
            + _GAIN
            + "    return torch.randn(shape, generator=generator) * gain / math.sqrt(fan) + 0.01\n",
            "mean +",
        ),
        (
            _H
            + _GAIN
            + "    return torch.randn(shape, generator=generator).abs() * gain / math.sqrt(fan)\n",
            "one sign",
        ),
    ],
}
