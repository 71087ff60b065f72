import pytest
import torch
from torch import nn

import d2lnotes as dn


def test_degree_masks():
    m = dn.degree_masks([0, 2], 4)
    assert m.tolist() == [[1, 0, 0, 0], [1, 1, 1, 0]]
    with pytest.raises(ValueError, match="needs 5 features"):
        dn.degree_masks([4], 4)
    with pytest.raises(ValueError, match="at least one"):
        dn.degree_masks([], 4)


def test_batched_training_equals_separate_training():
    data = dn.make_polynomial_data(n_train=40, n_test=20, seed=0)
    degrees = [1, 3, 6]
    X = data.features(6)
    net = dn.BatchedLinear(3, 7, dn.degree_masks(degrees, 7), seed=2)
    init = net.effective_weight().detach().clone()
    hb = dn.train_sgd(
        net, dn.per_model_mse, (X, data.y_train), num_epochs=5, batch_size=8, lr=0.01, seed=9
    )
    for m, k in enumerate(degrees):
        single = nn.Linear(k + 1, 1, bias=False)
        with torch.no_grad():
            single.weight.copy_(init[m, : k + 1])
        hs = dn.train_sgd(
            single,
            nn.MSELoss(),
            (data.features(k), data.y_train),
            num_epochs=5,
            batch_size=8,
            lr=0.01,
            seed=9,
        )
        torch.testing.assert_close(
            net.effective_weight()[m, : k + 1], single.weight[0], rtol=1e-5, atol=1e-6
        )
        assert hb["train_loss"][-1, m] == pytest.approx(hs.last("train_loss"), rel=1e-5)
    # masked weights never move
    assert torch.all(net.effective_weight()[0, 2:] == 0)


def test_batched_linear_per_model_data():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(5, 2, 3, generator=gen)  # (n, M, d)
    net = dn.BatchedLinear(2, 3, seed=1)
    out = net(X)
    assert out.shape == (2, 5)
    torch.testing.assert_close(out[1], X[:, 1] @ net.weight[1])
    y = torch.randn(5, 2, generator=gen)
    torch.testing.assert_close(dn.per_model_mse(out, y), ((out - y.T) ** 2).mean(1))


def test_batched_linear_init_distribution():
    net = dn.BatchedLinear(2, 400, dn.degree_masks([99, 399], 400), seed=0)
    w = net.effective_weight().detach()
    assert w[0, :100].abs().max() <= 0.1 and w[0, :100].abs().max() > 0.09
    assert w[1].abs().max() <= 0.05 and torch.all(w[0, 100:] == 0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"mask": torch.ones(2, 2)}, "mask must have shape"),
        ({"mask": torch.full((2, 3), 0.5)}, "only 0 and 1"),
        ({"mask": torch.tensor([[1.0, 0, 0], [0, 0, 0]])}, "at least one"),
        ({"init_weight": torch.ones(3)}, "init_weight must have 2"),
    ],
)
def test_batched_linear_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dn.BatchedLinear(2, 3, **kwargs)


def test_batched_shapes_are_checked():
    net = dn.BatchedLinear(2, 3)
    with pytest.raises(ValueError, match="X must have shape"):
        net(torch.ones(4, 4))
    with pytest.raises(ValueError, match="y must have shape"):
        dn.per_model_mse(torch.ones(2, 4), torch.ones(5))
    with pytest.raises(ValueError, match="y_hat"):
        dn.per_model_mse(torch.ones(4), torch.ones(4))


def test_batched_linear_with_bias_matches_separate_linear_models():
    gen = torch.Generator().manual_seed(3)
    X = torch.randn(30, 4, generator=gen)
    y = X @ torch.tensor([1.0, 2.0, -1.0, 0.5]) + 3.0
    init = torch.randn(2, 4, generator=gen)
    net = dn.BatchedLinear(2, 4, init_weight=init, bias=True)
    assert net.bias.shape == (2,) and torch.all(net.bias == 0)
    dn.train_sgd(net, dn.per_model_mse, (X, y), num_epochs=3, batch_size=6, lr=0.05, seed=0)
    for m in range(2):
        single = nn.Linear(4, 1)
        with torch.no_grad():
            single.weight.copy_(init[m : m + 1])
            single.bias.zero_()
        dn.train_sgd(
            single, nn.MSELoss(), (X, y.reshape(-1, 1)), num_epochs=3, batch_size=6, lr=0.05, seed=0
        )
        torch.testing.assert_close(net.weight[m], single.weight[0], rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(net.bias[m], single.bias[0], rtol=1e-5, atol=1e-6)
