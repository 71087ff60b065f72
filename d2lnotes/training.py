"""Training and evaluation: the gradient step written once, the epoch loop, the evaluators.

:func:`gradient_steps` takes one step per minibatch and yields each step's loss (the body of
your ``for`` loop is the per-step hook); :func:`train` runs it for a number of epochs and returns
a :class:`~d2lnotes.history.History`.  One loop serves one model or many models trained side by
side (see :mod:`d2lnotes.batched`): the loss function returns the *mean* loss over a minibatch,
either a scalar or one value per model (shape (M,)); the loop back-propagates the sum, so each
model gets exactly the gradient of its own loss.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

from . import _validate as v
from .loaders import minibatches
from .history import History
from .progress import progress_bar, wants_progress

__all__ = ["evaluate_accuracy", "evaluate_loss", "gradient_steps", "train"]

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
Data = tuple[torch.Tensor, torch.Tensor]


def _as_batches(data, batch_size: int | None) -> Iterable[Data]:
    if (
        isinstance(data, tuple)
        and len(data) == 2
        and all(isinstance(t, torch.Tensor) for t in data)
    ):
        X, y = data
        v.same_length((X, y), ("X", "y"))
        if batch_size is None:
            return [(X, y)]
        return minibatches(X, y, batch_size=batch_size, shuffle=False)
    if isinstance(data, tuple):
        raise TypeError("data must be a pair (X, y) of tensors or an iterable of (X, y) batches")
    return data


@contextmanager
def _evaluation_mode(net) -> Iterator[None]:
    """The one eval-mode guard of both evaluators: inside the block an ``nn.Module`` is in
    ``eval()`` mode (dropout off, BatchNorm on its running statistics) and no graph is built;
    afterwards a module found in training mode is put back in it, even after an error."""
    was_training = isinstance(net, nn.Module) and net.training
    if isinstance(net, nn.Module):
        net.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        if was_training:
            net.train()


def evaluate_loss(net: nn.Module | Callable, data, loss_fn: LossFn, batch_size: int | None = None):
    """Average ``loss_fn`` over every example of ``data``.

    ``data`` is ``(X, y)`` (evaluated in one batch unless ``batch_size``) or an
    iterable of ``(X, y)`` minibatches.  ``loss_fn(y_hat, y)`` must return the
    mean over the batch: a scalar, or one value per model (shape (M,)).
    Returns a float, or a NumPy array (M,) for per-model losses.  The network
    is put in ``eval()`` mode while evaluating and restored afterwards.

    Taught in: 01 §5 (the training error of each width's fit).
    """
    total, count = None, 0
    with _evaluation_mode(net):
        for X, y in _as_batches(data, batch_size):
            loss = loss_fn(net(X), y)
            if loss.ndim > 1:
                raise ValueError(
                    "loss_fn must return a scalar or a vector per model, "
                    f"got shape {tuple(loss.shape)}"
                )
            n = X.shape[0]
            total = loss.detach() * n if total is None else total + loss.detach() * n
            count += n
    if count == 0:
        raise ValueError("data holds no examples")
    mean = (total / count).cpu().to(torch.float64)
    return float(mean) if mean.ndim == 0 else mean.numpy()


def evaluate_accuracy(net: nn.Module | Callable, data, batch_size: int | None = None) -> float:
    """Fraction of correct predictions of ``net`` over ``data``, a float in [0, 1].

    ``data`` is ``(X, y)`` (evaluated in one batch unless ``batch_size``) or an
    iterable of ``(X, y)`` minibatches, such as the book's ``DataLoader``; ``net(X)``
    gives scores (n, q), ``y`` (n,) class indices.  Batches are moved to the
    device of ``net``'s parameters.  The same number as the book's
    ``d2l.evaluate_accuracy(net, data_iter)`` (a test checks this); unlike the book's, it
    puts an ``nn.Module`` back in training mode if it found it there.

    Taught in: 01 §1 (the training accuracy of the XOR fits).
    """
    device = None
    if isinstance(net, nn.Module):
        device = next((p.device for p in net.parameters()), None)
    correct, count = 0, 0
    with _evaluation_mode(net):
        for X, y in _as_batches(data, batch_size):
            if device is not None:
                X, y = X.to(device), y.to(device)
            scores = net(X)
            if scores.ndim != 2 or scores.shape[0] != y.reshape(-1).shape[0]:
                raise ValueError(
                    f"net(X) must give scores (n, q) for the {y.numel()} labels, "
                    f"got shape {tuple(scores.shape)}"
                )
            correct += int((scores.argmax(dim=1) == y.reshape(-1)).sum())
            count += y.numel()
    if count == 0:
        raise ValueError("data holds no examples")
    return correct / count


def _check_lr_or_optimizer(lr, optimizer) -> float | None:
    if (lr is None) == (optimizer is None):
        raise ValueError("give exactly one of lr and optimizer")
    if lr is None:
        return None
    if isinstance(lr, bool) or not (isinstance(lr, (int, float)) and np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    return float(lr)


def _check_clip(clip) -> float | None:
    if clip is None:
        return None
    if isinstance(clip, bool) or not (
        isinstance(clip, (int, float)) and np.isfinite(clip) and clip > 0
    ):
        raise ValueError(f"clip must be a positive number or None, got {clip!r}")
    return float(clip)


def _trainable(net) -> list[torch.Tensor]:
    if not isinstance(net, nn.Module):
        raise TypeError(f"net must be a torch.nn.Module, got {type(net).__name__}")
    params = [p for p in net.parameters() if p.requires_grad]
    if not params:
        raise ValueError("net has no trainable parameters")
    return params


def gradient_steps(
    net: nn.Module,
    loss_fn: LossFn,
    batches: Iterable[Data],
    *,
    lr: float | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    penalty: Callable[[nn.Module], torch.Tensor] | None = None,
    clip: float | None = None,
) -> Iterator[torch.Tensor]:
    """Take one gradient step per minibatch of ``batches``, yielding each step's loss.

    The training step written once: for each ``(X, y)`` in ``batches`` (``X`` (b, ...), ``y``
    (b, ...)), compute ``loss_fn(net(X), y)`` (the mean over the batch: a scalar, or (M,) for
    many models at once), add ``penalty(net)`` if given, clear the old gradients,
    back-propagate, optionally rescale the gradient to norm at most ``clip``
    (``nn.utils.clip_grad_norm_``), and update: ``p -= lr * p.grad`` (plain SGD, the same update
    as ``torch.optim.SGD(lr=lr)``) or ``optimizer.step()``.  Give ``lr`` *or* ``optimizer``.

    It is a generator, so the body of your ``for`` loop is the per-step hook: it runs after each
    update and before the next, and ``break`` stops training::

        steps = dn.gradient_steps(net, F.cross_entropy, batches, optimizer=opt)
        for step, loss in enumerate(steps, 1):
            losses.append(loss.item())          # the minibatch's data loss, before this update
            if step == 80:
                early = dn.evaluate_accuracy(net, (X_test, y_test))
            if not math.isfinite(losses[-1]):
                break

    Yields the minibatch's data loss (without the penalty) as a detached tensor, a scalar or
    (M,).  ``net`` is put in ``train()`` mode when the first step starts; ``batches`` may be a
    list, :func:`~d2lnotes.loaders.minibatches` (one epoch),
    :func:`~d2lnotes.loaders.random_minibatches` (a number of steps) or
    ``itertools.repeat((X, y), steps)`` (full-batch gradient descent).

    Taught in: 01 §1 (the training step written once, full-batch Adam on XOR); 01 §6 (a hook
    in the loop's body measures accuracy at step 80).
    """
    params = _trainable(net)
    lr = _check_lr_or_optimizer(lr, optimizer)
    clip = _check_clip(clip)
    return _steps(net, params, loss_fn, batches, lr, optimizer, penalty, clip)


def _steps(net, params, loss_fn, batches, lr, optimizer, penalty, clip) -> Iterator[torch.Tensor]:
    net.train()
    for X, y in batches:
        data_loss = loss_fn(net(X), y)
        loss = data_loss if penalty is None else data_loss + penalty(net)
        if loss.ndim > 1:
            raise ValueError(
                "loss_fn must return a scalar or one value per model, "
                f"got shape {tuple(loss.shape)}"
            )
        for p in params:
            p.grad = None
        loss.sum().backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(params, max_norm=clip)
        if optimizer is not None:
            optimizer.step()
        else:  # plain SGD, the same update as torch.optim.SGD(lr=lr), minus its overhead
            with torch.no_grad():
                for p in params:
                    if p.grad is not None:
                        p.sub_(p.grad, alpha=lr)
        yield data_loss.detach()


def train(
    net: nn.Module,
    loss_fn: LossFn,
    train_data: Data,
    num_epochs: int,
    batch_size: int,
    lr: float | None = None,
    *,
    optimizer: torch.optim.Optimizer | None = None,
    test_data: Data | None = None,
    seed: int = 0,
    penalty: Callable[[nn.Module], torch.Tensor] | None = None,
    clip: float | None = None,
    after_step: Callable[[nn.Module], None] | None = None,
    metrics: Mapping[str, Callable[[nn.Module], object]] | None = None,
    eval_every: int = 1,
    stop_if_diverged: bool = True,
    progress: bool | None = None,
) -> History:
    """Train ``net`` for ``num_epochs`` passes over shuffled minibatches and return its history.

    Each epoch runs :func:`gradient_steps` over :func:`~d2lnotes.loaders.minibatches` of
    ``train_data`` (a new seeded permutation per epoch), then measures.

    Parameters
    ----------
    net: the model, already on the device of ``train_data``.
    loss_fn: ``loss_fn(y_hat, y)`` -> mean loss over the batch, a scalar or (M,).
    train_data, test_data: ``(X, y)`` tensors, ``X`` (n, ...) and ``y`` (n, ...).
    num_epochs, batch_size: passes over the data, examples per step.
    lr: learning rate of plain SGD, ``p -= lr * p.grad`` -- the same update as
        ``torch.optim.SGD(lr=lr)`` without its per-step overhead, which
        dominates for tiny models (give ``lr`` *or* ``optimizer``).
    optimizer: any ``torch.optim`` optimizer over ``net``'s parameters (SGD, Adam, ...).
    seed: seeds the minibatch order (drawn on the CPU: same on every device).
    penalty: ``penalty(net)`` added to the minibatch loss when training (scalar or
        (M,)), e.g. ``lambda m: lam * l2_penalty(m.weight)``.  The logged losses are
        the data losses without it, as in the book's plots.
    clip: rescale the gradient to norm at most ``clip`` before each update (``None``: never).
    after_step: the per-step hook, ``after_step(net)``, run without gradients after every
        update, e.g. a proximal step such as soft-thresholding for an L1 penalty, or decoupled
        weight decay.  (To watch each step's loss, loop over :func:`gradient_steps` yourself.)
    metrics: extra per-epoch measurements ``name -> f(net)``, e.g. a weight norm or a
        test accuracy; called in ``eval()`` mode without gradients.
    eval_every: log every this many epochs (and always the last epoch).
    stop_if_diverged: stop early once the training loss is NaN/inf for every model.
    progress: show a ``tqdm.auto`` progress bar over epochs; ``None`` (default) shows
        one for long runs (at least ``PROGRESS_MIN_STEPS`` optimiser steps).

    Logged each time: ``train_loss`` (the whole training set, evaluated after
    the epoch in ``eval()`` mode, as the book's ``evaluate_loss`` does), ``test_loss``
    when ``test_data`` is given, and each extra metric.  ``net`` is left in ``eval()``
    mode, as its last measurement found it.

    Taught in: 03 §3 (the book's polynomial fits, epoch by epoch); 04 §7 (a proximal step as
    the ``after_step`` hook).
    """
    params = _trainable(net)
    num_epochs = v.positive_int(num_epochs, "num_epochs")
    batch_size = v.positive_int(batch_size, "batch_size")
    eval_every = v.positive_int(eval_every, "eval_every")
    lr = _check_lr_or_optimizer(lr, optimizer)
    clip = _check_clip(clip)
    for name, data in (("train_data", train_data), ("test_data", test_data)):
        if data is None and name == "test_data":
            continue
        if not (isinstance(data, tuple) and len(data) == 2):
            raise TypeError(f"{name} must be a pair (X, y) of tensors")
        v.tensor(data[0], f"{name}[0] (X)")
        v.tensor(data[1], f"{name}[1] (y)")
        v.same_length(data, (f"{name} X", f"{name} y"))
    X, y = train_data
    generator = torch.Generator().manual_seed(v.non_negative_int(seed, "seed"))
    history = History()
    steps = num_epochs * -(-X.shape[0] // batch_size)
    show = wants_progress(progress, steps)
    for epoch in progress_bar(range(1, num_epochs + 1), enabled=show, desc="epochs"):
        batches = minibatches(X, y, batch_size=batch_size, generator=generator)
        for _ in _steps(net, params, loss_fn, batches, lr, optimizer, penalty, clip):
            if after_step is not None:
                with torch.no_grad():
                    after_step(net)
        if epoch % eval_every and epoch != num_epochs:
            continue
        row = {"train_loss": evaluate_loss(net, train_data, loss_fn)}
        if test_data is not None:
            row["test_loss"] = evaluate_loss(net, test_data, loss_fn)
        net.eval()  # measurements: no dropout, no graph
        with torch.no_grad():
            for name, fn in (metrics or {}).items():
                value = fn(net)
                if isinstance(value, torch.Tensor):
                    value = value.detach().cpu().to(torch.float64).numpy()
                row[name] = value
        history.log(epoch, **row)
        if stop_if_diverged and not np.any(np.isfinite(row["train_loss"])):
            break
    return history
