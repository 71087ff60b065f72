import pytest
import torch
from torch import nn

import d2lnotes as dn


def _classification_data(seed=0, n=600):
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 2, generator=gen)
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).long()
    return X, y


def test_accuracy_and_accumulator():
    y_hat = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    y = torch.tensor([1, 1, 1])
    assert dn.accuracy(y_hat, y) == 2.0
    assert dn.accuracy(torch.tensor([1, 0, 1]), y) == 2.0
    acc = dn.Accumulator(2)
    acc.add(1, 2)
    acc.add(3.5, 4)
    assert acc[0] == 4.5 and acc[1] == 6
    acc.reset()
    assert acc.data == [0.0, 0.0]
    with pytest.raises(ValueError, match="expected 2 values"):
        acc.add(1)
    with pytest.raises(ValueError, match="predictions"):
        dn.accuracy(y_hat, torch.tensor([1, 1]))


def test_squared_loss_and_linreg_and_sgd():
    X = torch.tensor([[1.0, 2.0]])
    w = torch.tensor([[1.0], [1.0]], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    y_hat = dn.linreg(X, w, b)
    assert y_hat.item() == 3.0
    loss = dn.squared_loss(y_hat, torch.tensor([1.0]))
    assert loss.item() == 2.0  # (3 - 1)^2 / 2
    loss.sum().backward()
    dn.sgd([w, b], lr=0.1, batch_size=1)
    torch.testing.assert_close(w.detach(), torch.tensor([[0.8], [0.6]]))
    assert w.grad.abs().sum() == 0  # zeroed
    with pytest.raises(ValueError, match="batch_size"):
        dn.sgd([w], 0.1, 0)


def test_train_ch3_with_optimizer_and_with_book_updater():
    X, y = _classification_data()
    train_iter = dn.load_array((X[:500], y[:500]), 50)
    test_iter = dn.load_array((X[500:], y[500:]), 50, is_train=False)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 2))
    loss = nn.CrossEntropyLoss(reduction="none")
    h = dn.train_ch3(net, train_iter, test_iter, loss, 5, torch.optim.SGD(net.parameters(), lr=0.5))
    assert set(h.keys()) == {"train_loss", "train_acc", "test_acc"} and len(h) == 5
    assert h.last("test_acc") > 0.9 and h["train_loss"][-1] < h["train_loss"][0]

    W = torch.zeros(2, 2, requires_grad=True)
    b = torch.zeros(2, requires_grad=True)

    def net2(X):
        return X @ W + b

    def updater(batch_size):
        dn.sgd([W, b], 0.5, batch_size)

    h2 = dn.train_ch3(net2, train_iter, test_iter, loss, 5, updater)
    assert h2.last("test_acc") > 0.9
    assert dn.evaluate_accuracy(net2, test_iter) == pytest.approx(h2.last("test_acc"))


def test_train_epoch_ch3_rejects_bad_updater():
    X, y = _classification_data(n=20)
    with pytest.raises(TypeError, match="updater"):
        dn.train_epoch_ch3(nn.Linear(2, 2), [(X, y)], nn.CrossEntropyLoss(), updater=3)
    with pytest.raises(ValueError, match="no examples"):
        dn.evaluate_accuracy(nn.Linear(2, 2), [])
