"""Hidden tests for notebooks/00_single_layer.ipynb: the implement-it exercises on other inputs.

Exercise N's test is ``exN``; its parameters are the learner's names (grading/README.md).
"""

import numpy as np
import torch
import torch.nn.functional as F

import d2lnotes as dn


def ex1(log_softmax):
    # other sizes than the public check: 4 classes, extremes in other rows and columns
    O = torch.tensor(
        [[-2.0, 0.0, 3.0, 1.0], [0.0, 800.0, 799.0, -5.0], [-900.0, -905.0, -902.0, -901.0]]
    )
    got = log_softmax(O)
    dn.check_answer(
        got,
        torch.log_softmax(O.double(), dim=1),
        name="log_softmax (hidden inputs)",
        rtol=1e-5,
        atol=1e-5,
        mistakes=[
            (
                lambda a: not np.isfinite(a).all(),
                "some rows are NaN or infinite: subtract each "
                "row's own largest logit before exp, and take the log directly",
            ),
            (
                lambda a: np.allclose(a.sum(axis=1), 1, atol=1e-4) and (a >= 0).all(),
                "these are probabilities (each row sums to 1), not their logarithms",
            ),
            (
                lambda a: np.allclose(np.exp(a).sum(axis=0), 1, atol=1e-4),
                "after exp each column sums to 1: you normalised over the examples (dim 0) instead of "
                "the classes (dim 1)",
            ),
        ],
        hint="log softmax(o)_j = o_j - m - log sum_k exp(o_k - m), with m the largest logit of that row",
    )


def ex2(mean_cross_entropy):
    g = torch.Generator().manual_seed(1002)
    O = torch.randn(11, 3, generator=g) * 2
    y = torch.randint(0, 3, (11,), generator=g)
    logp = torch.log_softmax(O, dim=1)
    right = logp[torch.arange(11), y]
    dn.check_answer(
        mean_cross_entropy(O, y),
        F.cross_entropy(O, y),
        name="mean_cross_entropy (hidden inputs)",
        rtol=1e-5,
        mistakes=[
            (-right.sum(), "this is the sum over the batch; the loss is the mean (divide by n)"),
            (right.mean(), "the sign is flipped: the loss is minus the log-probability"),
            (
                -logp.mean(),
                "this averages the log-probabilities of all classes; only the right "
                "class of each row counts",
            ),
        ],
        hint="-log_softmax(O)[range(n), y], averaged",
    )
