"""Hidden tests for notebooks/09_more_regularization.ipynb: the implement-it exercises on other inputs.

Exercise N's test is ``exN``; its parameters are the learner's names (grading/README.md).
"""

import math

import torch
import torchvision.transforms.functional as TF
from torch import nn

import d2lnotes as dn

# Other loss curves than the public check: (val_losses, patience)
CASES = [
    ([2.0, 1.5, 1.5, 1.5, 1.2], 2),  # ties are no improvement: stops at 4, before the 1.2
    ([1.0, 1.2, 1.1, 1.3, 0.9], 3),  # the best at the first epoch: stops at 4
    (
        [4.0, 3.5, 3.6, 3.0, 3.1, 2.5],
        2,
    ),  # never runs out of patience (each new best resets the count)
    ([3.0, 2.0, 2.5, 1.0], 1),  # patience 1: stops at 3, the 1.0 comes too late
    ([1.0, 0.9, 0.95, 0.97, 0.99, 0.96, 0.98, 0.8], 5),  # patience 5: stops at 7
]


def _expected(losses, patience):
    """(best_epoch, stop_epoch) from the notebook's own dn.EarlyStopping, one value at a time."""
    stopper, net = dn.EarlyStopping(patience), nn.Linear(1, 1)
    for epoch, loss in enumerate(losses, 1):
        if stopper.update(net, loss, epoch=epoch):
            break
    return stopper.best_epoch, stopper.stopped_epoch


def _variant(losses, patience, *, first=1, ties=False, reset=True, limit=0, report=0, after=False):
    """What a rule with one known mistake returns: epochs counted from ``first``, ties taken as
    improvements, the counter not reset at a new best, the stop checked at ``patience + limit``
    epochs without improvement, the stop reported ``report`` epochs late, or the best still tracked
    ``after`` the stop."""
    best, best_epoch, waited, stop = math.inf, None, 0, None
    for epoch, loss in enumerate(losses, first):
        if loss < best or (ties and loss == best):
            best, best_epoch = loss, epoch
            waited = 0 if reset else waited
        else:
            waited += 1
            if waited == patience + limit and stop is None:
                stop = epoch + report
                if not after:
                    break
    return best_epoch, stop


def _table(fn):
    """(len(CASES), 2): best and stop epoch of every case, None as -1."""
    return [[-1 if v is None else v for v in fn(list(losses), p)] for losses, p in CASES]


def _row(result):
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        raise dn.ExerciseFeedback(
            f"early_stop (hidden inputs): must return a pair (best_epoch, stop_epoch), got {result!r}"
        )
    if result[1] is not None and result[1] == -1:
        raise dn.ExerciseFeedback(
            "early_stop (hidden inputs): a run that never runs out of patience returns None as its "
            "stop epoch, not -1"
        )
    return [-1 if v is None else v for v in result]


def ex1(early_stop):
    first = early_stop(list(CASES[0][0]), CASES[0][1])
    answer = None if first is None else [_row(early_stop(list(losses), p)) for losses, p in CASES]

    def variant(**mistake):
        return _table(lambda losses, p: _variant(losses, p, **mistake))

    never = [k for k, (losses, p) in enumerate(CASES) if _expected(losses, p)[1] is None]
    dn.check_answer(
        answer,
        _table(_expected),
        name="early_stop (hidden inputs)",
        rtol=0,
        mistakes=[
            (
                variant(limit=1),
                "stop as soon as the count of epochs without improvement *reaches* patience "
                "(waited == patience); a later check lets the late improvements in",
            ),
            (
                variant(after=True),
                "a best epoch after the stop: the losses after the stop must not count -- return as "
                "soon as patience runs out",
            ),
            (
                lambda a: (a[:, 0] == 0).any(),  # case 2's best is the first epoch
                "the epochs count from 1, not 0 (enumerate(val_losses, 1))",
            ),
            (
                variant(ties=True),
                "a loss *equal* to the best is not an improvement (use <, not <=)",
            ),
            (
                variant(reset=False),
                "the count of epochs without improvement must start again from 0 at every new best",
            ),
            (
                variant(limit=-1),
                "you stop one epoch early: patience p allows p epochs without improvement after the "
                "best before the stop",
            ),
            (
                lambda a: any(a[k, 1] == len(CASES[k][0]) for k in never),
                "a run that never runs out of patience (every new best resets the count) has None as "
                "its stop epoch, not its last epoch",
            ),
            (
                variant(report=1),
                "you stop one epoch late: stop when the count of epochs without improvement *reaches* "
                "patience",
            ),
        ],
        hint="keep the best loss, its epoch, and a counter of epochs since it; return (best_epoch, "
        "epoch) when the counter reaches patience, (best_epoch, None) at the end",
    )


def ex2(hflip):
    g = torch.Generator().manual_seed(9002)
    images = torch.rand(5, 28, 28, generator=g)  # another batch size, random pixels
    work = images.clone()
    answer = hflip(work)
    if answer is not None and not torch.equal(work, images):
        raise dn.ExerciseFeedback(
            "hflip (hidden inputs): your hflip changed the images it was given, in place: in a "
            "training loop that would flip the dataset itself. Return a new tensor and leave `images` "
            "as it was."
        )
    dn.check_answer(
        answer,
        TF.hflip(images),
        name="hflip (hidden inputs)",
        rtol=0,
        mistakes=[
            (
                TF.vflip(images),
                "that flips top to bottom (rows, dim 1; torch.fliplr flips dim 1 too, since it treats "
                "the batch as an image of rows): reverse the columns (dim 2)",
            ),
            (
                images.flip(0),
                "that reverses the order of the images in the batch (dim 0), not each "
                "image's columns",
            ),
            (
                images.flip(1).flip(2),
                "that flips both ways (a rotation by 180 degrees); reverse the columns only",
            ),
            (
                images.transpose(1, 2),
                "that transposes each image (rows become columns): a reflection about the diagonal",
            ),
            (images, "the images are unchanged"),
        ],
        hint="column j of each flipped image is column 27 - j of the original; the columns are dim 2",
    )
