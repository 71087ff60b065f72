"""Hidden tests for notebooks/08_initialization.ipynb: the implement-it exercises on other inputs.

Exercise N's test is ``exN``; its parameters are the learner's names (grading/README.md).  Both
initialisations are random, so the tests compare statistics of many draws (other fans and seeds
than the public check) with torch's own fans and gains; the tolerance, 0.02 on every statistic, is
more than twice the largest deviation of a correct implementation over 200 seeds (about 8 standard
errors of the variance ratio).
"""

import math

import torch
from torch import nn

import d2lnotes as dn


def _summary(init, fan_in, fan_out, std, seed, bound=True):
    """[rows, columns, same seed -> same weights, next seed -> same weights, variance / std^2,
    mean / std, kurtosis / 3, and with bound=True max |w| / (sqrt(3) std)] of init's weights."""
    W = init(fan_in, fan_out, torch.Generator().manual_seed(seed))
    if W is None:
        return None
    W = torch.as_tensor(W).detach()
    if W.dim() != 2:
        raise dn.ExerciseFeedback(
            f"expected a 2-D weight of shape (fan_out, fan_in), got shape {tuple(W.shape)}"
        )
    again = torch.as_tensor(init(fan_in, fan_out, torch.Generator().manual_seed(seed))).detach()
    other = torch.as_tensor(init(fan_in, fan_out, torch.Generator().manual_seed(seed + 1))).detach()
    w = W.double().flatten()
    var = w.var().item()
    summary = [
        W.shape[0],
        W.shape[1],
        float(torch.equal(W, again)),
        float(torch.equal(W, other)),
        var / std**2,
        w.mean().item() / std,
        (w - w.mean()).pow(4).mean().item() / var**2 / 3,
    ]
    return summary + [w.abs().max().item() / (math.sqrt(3) * std)] if bound else summary


def _torch_fans(fan_in, fan_out):
    # torch's own reading of an nn.Linear weight of shape (fan_out, fan_in)
    return nn.init._calculate_fan_in_and_fan_out(torch.empty(fan_out, fan_in))


def _common_mistakes(fi, fo):
    return [
        (
            lambda s: s[0] == fi and s[1] == fo,
            "the shape is (fan_in, fan_out), transposed: nn.Linear(fan_in, fan_out).weight is "
            "(fan_out, fan_in), one row per output",
        ),
        (
            lambda s: s[2] == 0,
            "two calls with equal seeds gave different weights: you drew from torch's global random "
            "generator; pass generator=generator to every random call",
        ),
        (
            lambda s: s[3] == 1,
            "another seed gave the same weights: draw from the generator passed in, not from one you "
            "seed yourself",
        ),
    ]


def ex2(my_xavier_uniform):
    fi, fo = _torch_fans(700, 200)  # 140,000 weights
    std = nn.init.calculate_gain("linear") * math.sqrt(2.0 / (fi + fo))
    a = math.sqrt(3) * std
    dn.check_answer(
        _summary(my_xavier_uniform, 700, 200, std, seed=70),
        [fo, fi, 1, 0, 1, 0, 0.6, 1],
        name="my_xavier_uniform (hidden inputs)",
        rtol=0,
        atol=0.02,
        mistakes=_common_mistakes(fi, fo)
        + [
            (
                lambda s: s[6] > 0.8 and abs(s[4] - 1) < 0.02,
                "the variance is right but the kurtosis is a normal's (3, not 1.8) and entries pass "
                "the bound: that is Xavier normal -- draw from U(-a, a)",
            ),
            (
                lambda s: abs(s[5]) > 0.5,
                "all weights have one sign (the mean is about a/2): torch.rand draws from [0, 1); map "
                "it to [-1, 1) before scaling",
            ),
            (
                lambda s: abs(s[7] - 0.5) < 0.02 and abs(s[4] - 0.25) < 0.02,
                "the weights only reach a/2: (rand - 0.5) spans [-0.5, 0.5); U(-a, a) needs "
                "a * (2 rand - 1)",
            ),
            (
                lambda s: abs(s[4] - 1 / 3) < 0.02,
                "the variance is a third of Xavier's: you used the standard deviation "
                "sqrt(2/(n_in + n_out)) as the bound, but U(-a, a) has variance a²/3, so "
                "a = sqrt(3) std",
            ),
            (
                lambda s: abs(s[4] - 1 / 2) < 0.02,
                "the variance is half of Xavier's: the factor 2 in Var = 2/(n_in + n_out) is missing",
            ),
            (
                lambda s: abs(s[7] / (std**2 / a) - 1) < 0.05,
                "the bound is 2/(n_in + n_out), the *variance*: the bound of U(-a, a) is sqrt(3 Var)",
            ),
            (
                lambda s: abs(s[7] / a - 1) < 0.05,
                "the bound is 6/(n_in + n_out): the square root is missing",
            ),
            (
                lambda s: abs(s[4] - (fi + fo) / fi) < 0.02,
                "the bound sqrt(6/n_in) uses the fan-in alone (that is He's uniform bound): Xavier "
                "averages the two fans, 2/(n_in + n_out)",
            ),
            (
                lambda s: abs(s[4] - (fi + fo) / fo) < 0.02,
                "the bound sqrt(6/n_out) uses the fan-out alone: Xavier averages the two fans, "
                "2/(n_in + n_out)",
            ),
        ],
        hint="U(-a, a) has variance a²/3; Xavier's variance is 2/(n_in + n_out)",
    )


def ex3(my_he_normal):
    fi, fo = _torch_fans(1000, 600)  # 600,000 weights
    std = nn.init.calculate_gain("relu") / math.sqrt(fi)
    dn.check_answer(
        _summary(my_he_normal, 1000, 600, std, seed=80, bound=False),
        [fo, fi, 1, 0, 1, 0, 1],
        name="my_he_normal (hidden inputs)",
        rtol=0,
        atol=0.02,
        mistakes=_common_mistakes(fi, fo)
        + [
            (
                lambda s: s[6] < 0.8,
                "the kurtosis is a uniform's (1.8, not 3): He normal draws from a normal, torch.randn",
            ),
            (
                lambda s: abs(s[4] - fi / fo) < 0.02,
                'the variance is 2/fan_out: you used the fan-out (weight.shape[0]) where "fan_in" '
                "mode divides by the fan-in, the number of inputs (weight.shape[1])",
            ),
            (
                lambda s: abs(s[4] - 1 / 2) < 0.02,
                "the variance is 1/fan_in, half of He's: the factor 2 (ReLU zeroes half of its "
                "inputs) is missing",
            ),
            (
                lambda s: abs(s[4] - fi / (fi + fo)) < 0.02,
                "that is Xavier's variance 2/(fan_in + fan_out); He's, for ReLU, uses the fan-in alone",
            ),
            (
                lambda s: abs(s[4] / (2 / fi) - 1) < 0.05,
                "the variance is (2/fan_in)²: you multiplied by the variance; randn has standard "
                "deviation 1, so multiply by the standard deviation",
            ),
            (
                lambda s: abs(s[4] - 2) < 0.02,
                "the variance is 4/fan_in, twice He's: you multiplied by 2/sqrt(fan_in); the 2 "
                "belongs under the square root",
            ),
        ],
        hint='torch.randn has variance 1; He\'s variance for ReLU in "fan_in" mode is 2/n_in',
    )
