"""Hidden tests for notebooks/08_initialization.ipynb: the implement-it exercises on other inputs.

Exercise N's test is ``exN``; its parameters are the learner's names (grading/README.md).  Both
initialisations are random, so the tests compare statistics of the learner's draws with those of
torch's own ``nn.init`` draw on other shapes, gains, slopes, modes and seeds than the public check.
The tolerance, 0.02 on every ratio, is about six standard deviations of a correct implementation's
variance ratio; over 400 seeds (these shapes and the public ones) no statistic of a correct
implementation was off by more than 0.012.
"""

import math

import numpy as np
import torch
from torch import nn

import d2lnotes as dn


def _kurtosis(x):
    return ((x - x.mean()) ** 4).mean().item() / x.var().item() ** 2


def _compare_draws(init, reference, cases, name, bound=True):
    """For each case (args, seed): init(*args, generator) against torch's reference(*args,
    generator).  Returns (None, None, "") if init returns None, else (stats, torch's variances,
    what is off in words), stats per case = [variance / torch's, mean / torch's std, kurtosis /
    torch's, and with bound=True max |w| / torch's].  What needs no statistics raises at once:
    an error, a wrong shape, NaN, equal weights, an ignored generator, repeated rows or columns,
    correlated neighbours."""
    stats, torch_vars, off = [], [], []
    for args, seed in cases:
        shape, where = tuple(args[0]), f"{name} on shape {tuple(args[0])}"

        def draw(s, args=args, where=where):
            try:
                W = init(*args, torch.Generator().manual_seed(s))
            except Exception as e:
                raise dn.ExerciseFeedback(
                    f"{where}: your function raised {type(e).__name__}: {e}"
                ) from e
            return None if W is None else torch.as_tensor(W).detach().double()

        W = draw(seed)
        if W is None:
            return None, None, ""
        if tuple(W.shape) != shape:
            swapped = (shape[1], shape[0], *shape[2:])
            raise dn.ExerciseFeedback(
                f"{where}: got shape {tuple(W.shape)}"
                + (
                    " -- transposed: the weight is (n_out, n_in, ...), one row per output"
                    if W.shape == swapped
                    else ""
                )
            )
        if not torch.isfinite(W).all():
            raise dn.ExerciseFeedback(f"{where}: some weights are NaN or infinite")
        if W.min() == W.max():
            raise dn.ExerciseFeedback(
                f"{where}: all weights are equal ({W.flatten()[0].item():.3g}; variance 0) -- "
                "draw each one at random: equal weights never break the symmetry"
            )
        if not torch.equal(W, draw(seed)):
            raise dn.ExerciseFeedback(
                f"{where}: two calls with equal seeds gave different weights: you drew from "
                "torch's global random generator; pass generator=generator to every random call"
            )
        if torch.equal(W, draw(seed + 1)):
            raise dn.ExerciseFeedback(
                f"{where}: another seed gave the same weights: draw from the generator passed "
                "in, not from one you seed yourself"
            )
        rows = W.reshape(shape[0], -1)
        if len(rows.unique(dim=0)) < len(rows) or len(rows.T.unique(dim=0)) < len(rows.T):
            raise dn.ExerciseFeedback(
                f"{where}: some rows or columns repeat -- units with equal weights compute the "
                "same function (the symmetry is never broken); draw every entry independently"
            )
        neighbours = [(rows[:, :-1], rows[:, 1:]), (rows[:-1], rows[1:])]
        corr = max(
            abs(torch.corrcoef(torch.stack([a.flatten(), b.flatten()]))[0, 1].item())
            for a, b in neighbours
        )
        if corr > 0.05:
            raise dn.ExerciseFeedback(
                f"{where}: neighbouring weights are correlated ({corr:.2f}) -- the entries must "
                "be independent draws, not sorted or otherwise arranged"
            )
        ref = reference(*args, torch.Generator().manual_seed(seed + 1000)).double()
        w, r = W.flatten(), ref.flatten()
        case = [
            w.var().item() / r.var().item(),
            w.mean().item() / r.std().item(),
            _kurtosis(w) / _kurtosis(r),
        ]
        case += [w.abs().max().item() / r.abs().max().item()] if bound else []
        words = [
            f"variance {case[0]:.3g}× torch's",
            f"mean {case[1]:+.2g}× torch's standard deviation (should be 0)",
            f"kurtosis {_kurtosis(w):.2f}, torch's {_kurtosis(r):.2f} (a uniform has 1.8, a normal 3)",
            f"largest |w| {case[-1]:.3g}× torch's",
        ]
        wrong = [t for v, target, t in zip(case, [1, 0, 1, 1], words) if abs(v - target) > 0.02]
        off += [f"on shape {shape}: " + "; ".join(wrong)] if wrong else []
        stats, torch_vars = stats + case, torch_vars + [r.var().item()]
    return stats, torch_vars, "the draw differs from torch's: " + "; ".join(off)


def _near(s, at, values):
    return bool(np.isclose(s[at], values, rtol=0.02, atol=0).all())


def _xavier_torch(shape, gain, generator):
    return nn.init.xavier_uniform_(torch.empty(shape), gain=gain, generator=generator)


def _he_torch(shape, negative_slope, mode, generator):
    return nn.init.kaiming_normal_(
        torch.empty(shape),
        a=negative_slope,
        mode=mode,
        nonlinearity="leaky_relu",
        generator=generator,
    )


def ex2(my_xavier_uniform):
    # a (200, 700) nn.Linear weight with ReLU's gain √2 and a (192, 96, 9) kernel (9 positions), gain 1
    hint = (
        "U(-a, a) has variance a²/3; Xavier's variance is gain² · 2/(fan_in + fan_out), and a "
        "kernel's fans count its positions"
    )
    s, _, off = _compare_draws(
        my_xavier_uniform,
        _xavier_torch,
        [(((200, 700), nn.init.calculate_gain("relu")), 70), (((192, 96, 9), 1.0), 71)],
        "my_xavier_uniform (hidden inputs)",
    )
    var = [0, 4]
    dn.check_answer(
        s,
        [1, 0, 1, 1] * 2,
        name="my_xavier_uniform (hidden inputs)",
        rtol=0,
        atol=0.02,
        mistakes=[
            (
                lambda s: s[2] > 1.4,
                "the kurtosis is a normal's (3, not 1.8): that is Xavier normal -- draw from "
                "U(-a, a) with torch.rand",
            ),
            (
                lambda s: abs(s[1]) > 0.5,
                "all weights have one sign (the mean is about half the bound): torch.rand draws "
                "from [0, 1); map it to [-1, 1) before scaling",
            ),
            (
                lambda s: _near(s, [0, 3], [1 / 4, 1 / 2]),
                "the weights only reach a/2: (rand - 0.5) spans [-0.5, 0.5); U(-a, a) needs "
                "a * (2 rand - 1)",
            ),
            (
                lambda s: _near(s, var, [1 / 3, 1 / 3]),
                "the variance is a third of torch's: you used the standard deviation as the bound, "
                "but U(-a, a) has variance a²/3",
            ),
            (
                lambda s: _near(s, var, [1 / 2, 1 / 2]),
                "the variance is half of torch's: the factor 2 in Xavier's variance "
                "2/(n_in + n_out) is missing",
            ),
            (
                lambda s: _near(s, var, [1 / 2, 1]),
                "right with gain 1, but with ReLU's gain √2 the variance is half of torch's: the "
                "gain is missing -- it multiplies the bound",
            ),
            (
                lambda s: _near(s, var, [2, 1]),
                "right with gain 1, but with gain √2 the variance is twice torch's: the gain "
                "multiplies the bound once, not twice",
            ),
            (
                lambda s: _near(s, var, [1 / math.sqrt(2), 1]),
                "right with gain 1, but with gain √2 the variance is 1/√2 of torch's: the gain "
                "multiplies the bound (the standard deviation), not the variance",
            ),
            (
                lambda s: _near(s, var, [900 / 700, 3]),
                "the variance depends on the fan-in alone (that is He's uniform bound): Xavier "
                "averages the two fans",
            ),
            (
                lambda s: _near(s, var, [900 / 200, 1.5]),
                "the variance depends on the fan-out alone: Xavier averages the two fans",
            ),
            (
                lambda s: _near(s, var, [1, 9]),
                "right for the nn.Linear weight, but the kernel's variance is 9× torch's: its fans "
                "count the kernel positions too (each output sums n_in · 9 inputs)",
            ),
            (
                lambda s: _near(s, var, [1, 2592 / 1056]),
                "right for the nn.Linear weight, but the kernel's fan-out misses its positions: "
                "each input enters n_out · k_1 ··· k_d outputs, not n_out",
            ),
            (lambda s: True, f"{off} -- {hint}"),
        ],
        hint=hint,
    )


def ex3(my_he_normal):
    # a (700, 1000) weight with α = 0.3 in "fan_out" mode and a (900, 500) one with α = 0 in "fan_in"
    hint = (
        "leaky ReLU passes z > 0 unchanged and multiplies z < 0 by α; for a symmetric z each half "
        "holds half of E[z²]. The fan is n_in = shape[1] in 'fan_in' mode, n_out = shape[0] in "
        "'fan_out' mode"
    )
    s, torch_vars, off = _compare_draws(
        my_he_normal,
        _he_torch,
        [(((700, 1000), 0.3, "fan_out"), 80), (((900, 500), 0.0, "fan_in"), 81)],
        "my_he_normal (hidden inputs)",
        bound=False,
    )
    var = [0, 3]
    gain2 = nn.init.calculate_gain("leaky_relu", 0.3) ** 2  # 2 / (1 + α²)
    dn.check_answer(
        s,
        [1, 0, 1] * 2,
        name="my_he_normal (hidden inputs)",
        rtol=0,
        atol=0.02,
        mistakes=[
            (
                lambda s: s[2] < 0.8,
                "the kurtosis is a uniform's (1.8, not 3): He normal draws from a normal, torch.randn",
            ),
            (
                lambda s: abs(s[1]) > 0.5,
                "all weights have one sign: the normal of He's initialisation has mean 0",
            ),
            (
                lambda s: _near(s, var, [1.09, 1]),
                "right for α = 0, but for α = 0.3 the variance is 1.09× torch's: that is ReLU's "
                "variance -- leaky ReLU keeps more of the second moment, so the weights must be "
                "smaller",
            ),
            (
                lambda s: _near(s, var, [1.09 / 1.3, 1]),
                "right for α = 0, but for α = 0.3 the variance is 1.09/1.3 of torch's: the negative "
                "half of z, scaled by α, keeps α² (not α) of its second moment",
            ),
            (
                lambda s: _near(s, var, [0.5, 0.5]),
                "the variance is half of torch's: the factor 2 is missing (for α = 0 a ReLU halves "
                "the second moment, which the weights must double back)",
            ),
            (
                lambda s: _near(s, var, [700 / 1000, 500 / 900]),
                "the two fans are swapped: for an (n_out, n_in) weight the fan-in is shape[1], the "
                "number of inputs, and the fan-out shape[0]",
            ),
            (
                lambda s: _near(s, var, [700 / 1000, 1]),
                "right in 'fan_in' mode, but 'fan_out' mode also divides by the fan-in: it divides "
                "by the fan-out, n_out = shape[0]",
            ),
            (
                lambda s: _near(s, var, [1, 500 / 900]),
                "right in 'fan_out' mode, but 'fan_in' mode divides by the fan-out: it divides by "
                "the fan-in, n_in = shape[1]",
            ),
            (
                lambda s: _near(s, var, [2 * 700 / 1700, 2 * 500 / 1400]),
                "that is Xavier's average of the two fans; He's divides by one fan, chosen by mode",
            ),
            (
                lambda s: _near(s, var, [1 / math.sqrt(gain2), 1 / math.sqrt(2)]),
                "the variance is torch's divided by the gain: the gain multiplies the standard "
                "deviation, so the variance gets its square",
            ),
            (
                lambda s: _near(s, var, [2, 2]),
                "the variance is twice torch's: a factor 2 is outside the square root",
            ),
            (
                lambda s: bool(np.isclose(s[var], torch_vars, rtol=0.05).all()),
                "the variance is torch's variance squared: you multiplied randn by the variance; "
                "randn has standard deviation 1, so multiply by the standard deviation",
            ),
            (lambda s: True, f"{off} -- {hint}"),
        ],
        hint=hint,
    )
