"""Hidden tests for notebooks/05_dropout.ipynb: the implement-it exercises on other inputs.

Exercise N's test is ``exN``; its parameters are the learner's names (grading/README.md).  Dropout is
random, so the tests compare statistics a correct version meets with overwhelming probability: the
fraction zeroed is allowed 0.01 off p; on 200 seeds, three correct versions (torch.rand, torch.bernoulli,
torch.where) stayed within 0.0065 of p (standard deviation about 0.0014).
"""

import numpy as np
import torch
from torch import nn

import d2lnotes as dn


def _dropout_stats(fn, X, p, seed):
    """The public check's 11 numbers: fraction zeroed; mean out / X over the kept entries; fraction of rows,
    then of columns, all dropped or all kept; max |fn(X, 0) - X|; max |fn(X, 1)|; same seed -> same output;
    float16 in -> float16 out; two calls in a row with one generator -> different masks; two seeds ->
    different masks; PyTorch's global random state left as it was."""
    rng_state = torch.random.get_rng_state()

    def call(Xin, q, s, first=False):
        gen = s if isinstance(s, torch.Generator) else torch.Generator().manual_seed(s)
        try:
            out = fn(Xin.clone(), q, gen)
        except ZeroDivisionError:
            return torch.full(Xin.shape, float("nan"))
        if out is None and not first:
            raise dn.ExerciseFeedback(
                f"my_dropout (hidden inputs): my_dropout(X, {q}, generator) returned None: return a tensor "
                "for every p in [0, 1], on every call"
            )
        if out is not None and (not isinstance(out, torch.Tensor) or out.shape != Xin.shape):
            raise dn.ExerciseFeedback(
                f"my_dropout (hidden inputs): my_dropout(X, {q}, generator) returned {type(out).__name__} "
                f"{tuple(getattr(out, 'shape', ()))}: return a tensor of X's shape"
            )
        return out

    out = call(X, p, seed, first=True)
    if out is None:
        return None
    small = X[:10, :10]
    outs = {q: call(small, q, seed + 1) for q in (0.0, 1.0)}
    dropped = out == 0
    one_gen = torch.Generator().manual_seed(seed + 4)
    in_a_row = [call(X, p, one_gen) == 0 for _ in range(2)]
    stats = [
        dropped.float().mean().item(),
        (out[~dropped] / X[~dropped]).mean().item(),
        (dropped.all(1) | ~dropped.any(1)).float().mean().item(),
        (dropped.all(0) | ~dropped.any(0)).float().mean().item(),
        (outs[0.0] - small).abs().max().item(),
        outs[1.0].abs().max().item(),
        float(torch.equal(call(X, p, seed + 2), call(X, p, seed + 2))),
        float(call(small.half(), p, seed + 3).dtype == torch.float16),
        float(not torch.equal(*in_a_row)),
        float(not torch.equal(call(X, p, seed + 5) == 0, call(X, p, seed + 6) == 0)),
        float(torch.equal(torch.random.get_rng_state(), rng_state)),
    ]
    torch.random.set_rng_state(rng_state)  # undo whatever fn did to the global generator
    return stats


def ex1(my_dropout):
    # float64, another shape and p = 0.6 (the public check: float32, 400 x 300, p = 0.3); seed 11's first
    # random number (0.15) is below p, so a single mask for the whole tensor drops it all
    X = torch.rand(250, 480, generator=torch.Generator().manual_seed(51), dtype=torch.float64) + 1
    p = 0.6
    dn.check_answer(
        _dropout_stats(my_dropout, X, p, 11),
        [p, 1 / (1 - p), 0, 0, 0, 0, 1, 1, 1, 1, 1],
        name="my_dropout (hidden inputs)",
        rtol=0,
        atol=0.01,
        mistakes=[
            (
                lambda a: abs(a[0] - (1 - p)) < 0.01,
                f"about {1 - p:.0%} of the entries are zeroed for p = {p}: your mask keeps an entry with "
                "probability p, but p is the probability of *dropping* it",
            ),
            (
                lambda a: a[0] == 0,
                f"nothing is zeroed at p = {p}: multiply X by a mask that is 0 with probability p, one random "
                "number per entry",
            ),
            (
                lambda a: a[2] == 1 and a[3] == 1,
                "the whole output is dropped or kept as one block: one random number for the whole tensor; draw "
                "one per entry, of X's shape",
            ),
            (
                lambda a: a[2] == 1,
                "every row is all dropped or all kept: one random number per row (example), broadcast along it; "
                "draw one per entry",
            ),
            (
                lambda a: a[3] == 1,
                "every column is all dropped or all kept: one mask for the whole batch (a number per feature, "
                "shared by every example); draw one per entry",
            ),
            (
                lambda a: abs(a[1] - 1 / p) < 0.01,
                f"the kept entries are multiplied by 1/p = {1 / p:.2f}: divide them by 1 - p, the probability of "
                "keeping, so that E[h'] = h",
            ),
            (
                lambda a: abs(a[1] - 1) < 0.01,
                "the kept entries are not rescaled: divide them by 1 - p, or the output is only (1 - p) X on "
                "average",
            ),
            (
                lambda a: abs(a[1] - (1 - p)) < 0.01,
                "the kept entries are multiplied by 1 - p: divide by it instead",
            ),
            (
                lambda a: not np.isfinite(a[5]),
                "p = 1 gives NaN or inf (or a division by zero): 1 - p is 0 there; return zeros for p = 1",
            ),
            (
                lambda a: a[6] == 0,
                "two calls with generators seeded alike gave different masks: draw the random numbers with "
                "generator=generator, not from PyTorch's global generator",
            ),
            (
                lambda a: a[10] == 0 and (a[8] == 0 or a[9] == 0),
                "every call gives the same mask, and PyTorch's global random state is reset: you reseed the "
                "global generator (torch.manual_seed) inside my_dropout; draw from generator and never reseed",
            ),
            (
                lambda a: a[8] == 0 or a[9] == 0,
                "every call gives the same mask, whatever the generator's seed or state: you reseed the generator "
                "(generator.manual_seed) or make a new one inside my_dropout; draw from the generator passed in, "
                "as it is, so that each call continues its stream",
            ),
            (
                lambda a: a[10] == 0,
                "PyTorch's global random state changed: my_dropout draws from (or reseeds) the global generator; "
                "draw only from the generator passed in",
            ),
            (
                lambda a: a[7] == 0,
                "a float16 X comes back in another dtype: make the mask in X's dtype (.to(X.dtype)), as §1's "
                "dropout_layer does",
            ),
            (lambda a: a[4] != 0, "p = 0 changes X: with nothing to drop, return X unchanged"),
        ],
        hint="each entry on its own: 0 with probability p, x / (1 - p) otherwise; p = 0 and p = 1 exactly",
    )


def _mode_stats(layer_class, X, p, seed):
    """After net.train(): fraction zeroed, mean out / X over the kept entries; after net.eval(): the same two;
    a second training-mode call -> another mask; PyTorch's global random state left as it was.  The layer sits
    between two other modules, so train()/eval() reach it through the container."""
    rng_state = torch.random.get_rng_state()
    net = nn.Sequential(
        nn.Identity(), layer_class(p, torch.Generator().manual_seed(seed)), nn.Identity()
    )
    net.train()
    out_train = net(X.clone())
    out_again = net(X.clone())
    net.eval()
    out_eval = net(X.clone())
    untouched = float(torch.equal(torch.random.get_rng_state(), rng_state))
    torch.random.set_rng_state(rng_state)  # undo whatever the layer did to the global generator
    if out_train is None and out_eval is None:
        return None
    stats = []
    for mode, out in (("training", out_train), ("eval", out_eval)):
        if not isinstance(out, torch.Tensor) or out.shape != X.shape:
            raise dn.ExerciseFeedback(
                f"MyDropout (hidden inputs): in {mode} mode forward returned {type(out).__name__}, not a tensor "
                f"of X's shape {tuple(X.shape)}"
            )
        zero = out == 0
        stats += [zero.float().mean().item(), (out[~zero] / X[~zero]).mean().item()]
    new_mask = isinstance(out_again, torch.Tensor) and not torch.equal(
        out_again == 0, out_train == 0
    )
    return stats + [float(new_mask), untouched]


def ex2(MyDropout):
    # another shape and p = 0.25 (the public check: 300 x 400, p = 0.4)
    X = torch.rand(200, 500, generator=torch.Generator().manual_seed(61)) + 0.5
    p = 0.25
    dn.check_answer(
        _mode_stats(MyDropout, X, p, 12),
        [p, 1 / (1 - p), 0, 1, 1, 1],
        name="MyDropout (hidden inputs)",
        rtol=0,
        atol=0.01,
        mistakes=[
            (
                lambda a: a[0] < 0.01 and abs(a[2] - p) < 0.01,
                "the modes are swapped: it drops in eval mode and not in training mode; drop when self.training "
                "is True",
            ),
            (
                lambda a: abs(a[2] - p) < 0.01,
                f"it still drops in eval mode (about {p:.0%} zeros after net.eval()): branch on self.training, "
                "which net.eval() sets to False (self.train is a method, always true; a flag of your own is not "
                "switched by net.eval())",
            ),
            (
                lambda a: a[0] < 0.01,
                "nothing is zeroed in training mode: after net.train() each entry must be zeroed with probability p",
            ),
            (
                lambda a: abs(a[3] - 1 / (1 - p)) < 0.01,
                "in eval mode X comes back divided by 1 - p: inverted dropout rescales during training only; eval "
                "mode returns X unchanged",
            ),
            (
                lambda a: abs(a[3] - (1 - p)) < 0.01,
                "in eval mode X comes back multiplied by 1 - p: that is the test-time rule of dropout *without* "
                "rescaling (Exercise 4); inverted dropout already divided by 1 - p in training, so eval mode "
                "returns X unchanged",
            ),
            (
                lambda a: abs(a[0] - (1 - p)) < 0.01,
                f"about {1 - p:.0%} of the entries are zeroed in training mode for p = {p}: your mask keeps an "
                "entry with probability p, but p is the probability of *dropping* it",
            ),
            (
                lambda a: abs(a[1] - 1 / p) < 0.01,
                f"in training mode the kept entries are multiplied by 1/p = {1 / p:.2f}: divide them by 1 - p, "
                "the probability of keeping",
            ),
            (
                lambda a: abs(a[1] - 1) < 0.01,
                "in training mode the kept entries are not rescaled: divide them by 1 - p",
            ),
            (
                lambda a: a[5] == 0,
                "it draws from PyTorch's global generator (the global random state changed): draw the mask with "
                "generator=self.generator, the generator the layer was built with",
            ),
            (
                lambda a: a[4] == 0,
                "two training-mode calls gave the same mask: draw a new mask from self.generator in every forward "
                "(don't store one mask and reuse it, don't reseed the generator)",
            ),
        ],
        hint="if self.training: inverted dropout (0 with probability p, x / (1 - p) otherwise); else: X as it is",
    )
