"""The book's from-scratch helpers that d2l 1.0.3 removed (chapter 3 style).

Same names and signatures as d2l 0.17 (``train_ch3(net, train_iter,
test_iter, loss, num_epochs, updater)`` ...), with three differences:
``train_ch3`` returns a :class:`~d2lnotes.history.History` instead of
animating a plot (plot it with :func:`d2lnotes.plot_history`), it has no
hard-coded accuracy asserts, and batches are moved to the model's device.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn

from . import _validate as v
from .history import History
from .progress import progress_bar

__all__ = [
    "Accumulator",
    "accuracy",
    "evaluate_accuracy",
    "linreg",
    "sgd",
    "squared_loss",
    "train_ch3",
    "train_epoch_ch3",
]


class Accumulator:
    """Sums over ``n`` variables (the book's helper)."""

    def __init__(self, n: int) -> None:
        self.data = [0.0] * v.positive_int(n, "n")

    def add(self, *args) -> None:
        if len(args) != len(self.data):
            raise ValueError(f"expected {len(self.data)} values, got {len(args)}")
        self.data = [a + float(b) for a, b in zip(self.data, args, strict=True)]

    def reset(self) -> None:
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx: int) -> float:
        return self.data[idx]


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear regression model ``X @ w + b``: (n, d), (d, 1), () -> (n, 1)."""
    return torch.matmul(X, w) + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The book's per-example loss ``(y_hat - y)^2 / 2`` (note the 1/2), shape of ``y_hat``."""
    if y_hat.numel() != y.numel():
        raise ValueError(f"y_hat has {y_hat.numel()} values but y has {y.numel()}")
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params: Iterable[torch.Tensor], lr: float, batch_size: int) -> None:
    """Minibatch SGD on a *summed* loss: ``p -= lr * p.grad / batch_size``, then zero the grad."""
    batch_size = v.positive_int(batch_size, "batch_size")
    with torch.no_grad():
        for param in params:
            if param.grad is None:
                continue
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """Number of correct predictions (a float, as in the book).

    ``y_hat`` (n, q) scores or (n,) labels; ``y`` (n,) labels.
    """
    if y_hat.ndim > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    y_hat = y_hat.reshape(-1)
    if y_hat.shape[0] != y.reshape(-1).shape[0]:
        raise ValueError(f"{y_hat.shape[0]} predictions but {y.numel()} labels")
    cmp = y_hat.type(y.dtype) == y.reshape(-1)
    return float(cmp.type(y.dtype).sum())


def _device_of(net) -> torch.device | None:
    if isinstance(net, nn.Module):
        for p in net.parameters():
            return p.device
    return None


@torch.no_grad()
def evaluate_accuracy(net: nn.Module | Callable, data_iter: Iterable) -> float:
    """Accuracy of ``net`` over ``data_iter`` (batches of ``(X, y)``), in eval mode."""
    was_training = isinstance(net, nn.Module) and net.training
    if isinstance(net, nn.Module):
        net.eval()
    device = _device_of(net)
    metric = Accumulator(2)  # correct predictions, predictions
    try:
        for X, y in data_iter:
            if device is not None:
                X, y = X.to(device), y.to(device)
            metric.add(accuracy(net(X), y), y.numel())
    finally:
        if was_training:
            net.train()
    if metric[1] == 0:
        raise ValueError("data_iter yielded no examples")
    return metric[0] / metric[1]


def train_epoch_ch3(net, train_iter: Iterable, loss: Callable, updater) -> tuple[float, float]:
    """One epoch (book chapter 3). Returns (mean training loss, training accuracy).

    ``loss`` should be per-example (``reduction='none'``) as in the book; a
    loss that already averages is accepted too.  ``updater`` is a
    ``torch.optim.Optimizer`` or the book's ``updater(batch_size)`` function.
    """
    if isinstance(net, nn.Module):
        net.train()
    device = _device_of(net)
    metric = Accumulator(3)  # summed loss, correct predictions, examples
    for X, y in train_iter:
        if device is not None:
            X, y = X.to(device), y.to(device)
        y_hat = net(X)
        l = loss(y_hat, y)
        n = y.numel()
        total = l.sum() if l.ndim > 0 else l * n
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            (total / n).backward()
            updater.step()
        elif callable(updater):
            total.backward()
            updater(X.shape[0])
        else:
            raise TypeError("updater must be a torch.optim.Optimizer or a function of batch_size")
        metric.add(float(total.detach()), accuracy(y_hat.detach(), y), n)
    if metric[2] == 0:
        raise ValueError("train_iter yielded no examples")
    return metric[0] / metric[2], metric[1] / metric[2]


def train_ch3(
    net,
    train_iter: Iterable,
    test_iter: Iterable,
    loss: Callable,
    num_epochs: int,
    updater,
    *,
    progress: bool = False,
) -> History:
    """Train for ``num_epochs`` (book chapter 3) and return the history with
    ``train_loss``, ``train_acc`` and ``test_acc`` per epoch."""
    num_epochs = v.positive_int(num_epochs, "num_epochs")
    history = History()
    for epoch in progress_bar(range(1, num_epochs + 1), enabled=progress, desc="epochs"):
        train_loss, train_acc = train_epoch_ch3(net, train_iter, loss, updater)
        test_acc = evaluate_accuracy(net, test_iter)
        history.log(epoch, train_loss=train_loss, train_acc=train_acc, test_acc=test_acc)
    return history
