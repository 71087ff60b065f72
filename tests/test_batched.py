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
    hb = dn.train(
        net, dn.per_model_mse, (X, data.y_train), num_epochs=5, batch_size=8, lr=0.01, seed=9
    )
    for m, k in enumerate(degrees):
        single = nn.Linear(k + 1, 1, bias=False)
        with torch.no_grad():
            single.weight.copy_(init[m, : k + 1])
        hs = dn.train(
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
    dn.train(net, dn.per_model_mse, (X, y), num_epochs=3, batch_size=6, lr=0.05, seed=0)
    for m in range(2):
        single = nn.Linear(4, 1)
        with torch.no_grad():
            single.weight.copy_(init[m : m + 1])
            single.bias.zero_()
        dn.train(
            single, nn.MSELoss(), (X, y.reshape(-1, 1)), num_epochs=3, batch_size=6, lr=0.05, seed=0
        )
        torch.testing.assert_close(net.weight[m], single.weight[0], rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(net.bias[m], single.bias[0], rtol=1e-5, atol=1e-6)


def _sequential_copy(net, m):
    layers = []
    for k, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        lin = nn.Linear(w.shape[1], w.shape[2])
        with torch.no_grad():
            lin.weight.copy_(w[m].T)
            lin.bias.copy_(b[m, 0])
        layers.append(lin)
        if k < len(net.weights) - 1:
            layers.append(nn.ReLU())
    return nn.Sequential(nn.Flatten(), *layers).double()


def test_batched_mlp_matches_separate_mlps_forward_and_gradients():
    net = dn.BatchedMLP(3, (12, 8, 6, 4), seed=1).double()
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(5, 3, 2, 2, generator=gen, dtype=torch.float64)  # images are flattened
    y = torch.tensor([0, 3, 1, 2, 2])
    net.eval()
    logits = net(X)
    assert logits.shape == (3, 5, 4)
    loss = dn.per_model_cross_entropy(logits, y)
    loss.sum().backward()
    for m in range(3):
        seq = _sequential_copy(net, m)
        torch.testing.assert_close(logits[m], seq(X))
        l_m = nn.functional.cross_entropy(seq(X), y)
        torch.testing.assert_close(loss[m], l_m)
        l_m.backward()
        torch.testing.assert_close(net.weights[0].grad[m], seq[1].weight.grad.T)
        torch.testing.assert_close(net.biases[2].grad[m, 0], seq[5].bias.grad)
    acc = dn.per_model_accuracy(logits, y)
    torch.testing.assert_close(acc, (logits.argmax(2) == y).double().mean(1).float())


def test_batched_mlp_per_model_data_and_shared_init():
    net = dn.BatchedMLP(4, (3, 5, 2), init_seeds=[7, 7, 8, 8])
    assert torch.equal(net.weights[0][0], net.weights[0][1])
    assert torch.equal(net.biases[1][2], net.biases[1][3])
    assert not torch.equal(net.weights[0][1], net.weights[0][2])
    # a model's start depends on its own seed only, not on how many models there are
    alone = dn.BatchedMLP(1, (3, 5, 2), init_seeds=[8])
    for w, w1 in zip(net.weights, alone.weights, strict=True):
        assert torch.equal(w[2], w1[0])
    # default: a different start per model, drawn from seed
    a, b = dn.BatchedMLP(3, (3, 5, 2), seed=1), dn.BatchedMLP(3, (3, 5, 2), seed=1)
    assert torch.equal(a.weights[0], b.weights[0])
    assert not torch.equal(a.weights[0][0], a.weights[0][1])
    assert not torch.equal(a.weights[0], dn.BatchedMLP(3, (3, 5, 2), seed=2).weights[0])
    X = torch.randn(7, 4, 3, generator=torch.Generator().manual_seed(1))
    net.eval()
    out = net(X)
    torch.testing.assert_close(out[2], net.eval()(X[:, 2])[2])
    y = torch.randint(0, 2, (7, 4), generator=torch.Generator().manual_seed(2))
    assert dn.per_model_cross_entropy(out, y).shape == (4,)


def test_batched_mlp_mask_stream_is_its_own():
    X = torch.ones(3, 50)

    def masks(net, global_seed):
        torch.manual_seed(global_seed)
        return net.train()(X) == 0  # (2, 3, 40): True where a hidden unit was dropped

    def fresh(mask_seed):
        net = dn.BatchedMLP(2, (50, 40, 40), [[0.5], [0.5]], mask_seed=mask_seed)
        with torch.no_grad():  # hidden units all 50, passed through unchanged
            net.weights[0].fill_(1.0)
            net.biases[0].zero_()
            net.weights[1].copy_(torch.eye(40).expand(2, 40, 40))
            net.biases[1].zero_()
        return net

    # with a mask seed, the masks do not depend on the global generator ...
    assert torch.equal(masks(fresh(3), 0), masks(fresh(3), 1))
    assert not torch.equal(masks(fresh(3), 0), masks(fresh(4), 0))
    # ... without one they come from it, like nn.Dropout
    assert torch.equal(masks(fresh(None), 5), masks(fresh(None), 5))
    assert not torch.equal(masks(fresh(None), 5), masks(fresh(None), 6))


def test_batched_mlp_dropout_keeps_the_dtype():
    for dtype in (torch.float64, torch.bfloat16):
        net = dn.BatchedMLP(2, (4, 6, 3), [[0.5], [0.2]], seed=0, mask_seed=1).to(dtype)
        assert net.train()(torch.ones(5, 4, dtype=dtype)).dtype == dtype


def test_batched_mlp_dropout_statistics_and_modes():
    net = dn.BatchedMLP(2, (1, 20000, 1), [[0.0], [0.5]], seed=0)
    with torch.no_grad():
        net.weights[0].fill_(1.0)
        net.biases[0].zero_()
        net.weights[1].fill_(1.0 / 20000)
        net.biases[1].zero_()
    X = torch.ones(1, 1)
    torch.manual_seed(0)
    net.train()
    out = net(X)[:, 0, 0]
    assert out[0].item() == pytest.approx(1.0, rel=1e-3)  # p = 0: no dropout
    assert abs(out[1].item() - 1.0) < 0.03  # p = 0.5: inverted dropout keeps the mean
    net.eval()
    assert torch.allclose(net(X)[:, 0, 0], torch.ones(2), rtol=1e-3)  # eval: no dropout


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"dropout": [[1.0, 0.0]] * 2}, r"\[0, 1\)"),
        ({"dropout": [[-0.1, 0.0]] * 2}, r"\[0, 1\)"),
        ({"dropout": [[0.1]] * 2}, "shape"),
        ({"init_seeds": [1, 2, 3]}, "one seed per model"),
        ({"init_seeds": [1, -2]}, "init seed"),
        ({"mask_seed": -1}, "mask_seed"),
    ],
)
def test_batched_mlp_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dn.BatchedMLP(2, (4, 3, 3, 2), **kwargs)
    net = dn.BatchedMLP(2, (4, 3, 2))
    with pytest.raises(ValueError, match="X must have shape"):
        net(torch.ones(5, 3))
    with pytest.raises(ValueError, match="y must have shape"):
        dn.per_model_cross_entropy(torch.ones(2, 5, 3), torch.zeros(4, dtype=torch.long))


def test_batched_mlp_model_extracts_an_equivalent_network():
    net = dn.BatchedMLP(3, (6, 5, 4, 3), [[0.1, 0.2], [0.3, 0.4], [0.0, 0.5]], seed=2).eval()
    X = torch.randn(8, 6, generator=torch.Generator().manual_seed(0))
    single = net.model(1)
    assert not single.training
    assert [m.p for m in single if isinstance(m, nn.Dropout)] == [0.3, 0.4]  # as given, not float32
    torch.testing.assert_close(single(X), net(X)[1])
    with pytest.raises(ValueError, match="model index"):
        net.model(3)
