import gc
import math
import weakref

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import d2lnotes as dn


def deep_net(depth=4, width=16, act=nn.Tanh, seed=0, dtype=torch.float64):
    torch.manual_seed(seed)
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), act()]
    return nn.Sequential(*layers, nn.Linear(width, 3)).to(dtype)


def data(n=32, width=16, seed=0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, width, generator=g, dtype=dtype), torch.randint(0, 3, (n,), generator=g)


def reference(model, X, y):
    """Each Linear's output and its gradient, by autograd with retain_grad (float64)."""
    outs, h = [], X
    for layer in model:
        h = layer(h)
        if isinstance(layer, nn.Linear):
            h.retain_grad()
            outs.append(h)
    F.cross_entropy(h, y).backward()
    return outs


def test_statistics_match_autograd_in_float64():
    model, (X, y) = deep_net(), data()
    outs = reference(model, X, y)
    ref_wgrad = [m.weight.grad.norm().item() for m in model if isinstance(m, nn.Linear)]
    model.zero_grad()
    with dn.LayerMonitor(model, (nn.Linear,)) as monitor:
        F.cross_entropy(model(X), y).backward()
    stats = monitor.stats()
    assert stats.names == ["0", "2", "4", "6", "8"]
    assert stats.kinds == ["Linear"] * 5
    np.testing.assert_allclose(stats.out_mean, [o.mean().item() for o in outs], rtol=1e-6)
    np.testing.assert_allclose(stats.out_std, [o.std().item() for o in outs], rtol=1e-6)
    np.testing.assert_allclose(stats.grad_norm, [o.grad.norm().item() for o in outs], rtol=1e-6)
    np.testing.assert_allclose(stats.grad_std, [o.grad.std().item() for o in outs], rtol=1e-6)
    np.testing.assert_allclose(stats.weight_grad_norm, ref_wgrad, rtol=1e-12)
    assert np.all(np.isnan(stats.saturation))  # not defined for Linear
    assert stats.ratio() == pytest.approx(stats.grad_norm[0] / stats.grad_norm[-1])


def test_monitoring_changes_nothing():
    X, y = data()
    plain = deep_net()
    F.cross_entropy(plain(X), y).backward()
    watched = deep_net()
    with dn.LayerMonitor(watched, (nn.Linear, nn.Tanh), keep_values=50):
        out = watched(X)
        F.cross_entropy(out, y).backward()
    assert torch.equal(out, plain(X))
    for a, b in zip(plain.parameters(), watched.parameters(), strict=True):
        assert torch.equal(a.grad, b.grad)


def test_keeps_no_graph_and_no_tensors():
    model, (X, y) = deep_net(), data()
    monitor = dn.LayerMonitor(model, (nn.Linear, nn.Tanh), keep_values=20)
    out = model(X)
    ref = weakref.ref(out)
    F.cross_entropy(out, y).backward()
    del out
    gc.collect()
    assert ref() is None, "the monitor kept the output (and its graph) alive"
    stats = monitor.stats()
    for sample in list(stats.values.values()) + list(stats.grads.values()):
        assert isinstance(sample, np.ndarray) and sample.shape == (20,)
    monitor.remove()


def test_grads_are_nan_without_backward_and_for_stale_graphs():
    model, (X, y) = deep_net(), data()
    with dn.LayerMonitor(model) as monitor:
        with torch.no_grad():
            model(X)
        assert np.all(np.isnan(monitor.stats().grad_norm))
        first = model(X)
        model(X + 1)  # a newer pass: the older graph's gradients must not be mixed in
        F.cross_entropy(first, y).backward()
        assert np.all(np.isnan(monitor.stats().grad_norm))


def test_hooks_are_removed():
    model, (X, _) = deep_net(), data()
    with dn.LayerMonitor(model, (nn.Linear, nn.Tanh)) as monitor:
        model(X)
    before = monitor.stats().out_mean.copy()
    model(X * 3)
    np.testing.assert_array_equal(monitor.stats().out_mean, before)
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())
    monitor.remove()  # twice is fine
    assert "removed" in repr(monitor)


def test_saturation_rules():
    X = torch.linspace(-50, 50, 1001).reshape(-1, 1)
    for act, expected in [
        (nn.Sigmoid(), torch.sigmoid(X).sub(0.5).abs().gt(0.49).float().mean()),
        (nn.Tanh(), torch.tanh(X).abs().gt(0.99).float().mean()),
        (nn.ReLU(), (X <= 0).float().mean()),
    ]:
        model = nn.Sequential(act)
        with dn.LayerMonitor(model, (type(act),)) as monitor:
            model(X)
        assert monitor.stats().saturation[0] == pytest.approx(expected.item())
    # a custom rule
    model = nn.Sequential(nn.Identity())
    with dn.LayerMonitor(
        model, (nn.Identity,), saturation=lambda m, out: out.abs() > 40
    ) as monitor:
        model(X)
    assert monitor.stats().saturation[0] == pytest.approx((X.abs() > 40).float().mean().item())


def test_explicit_modules_and_names():
    model, (X, _) = deep_net(), data()
    with dn.LayerMonitor(model, modules=[("first", model[0]), model[2]]) as monitor:
        model(X)
    stats = monitor.stats()
    assert stats.names == ["first", "2"]
    assert len(stats) == 2 and "2 layers" in repr(stats)
    assert set(stats.as_dict()) == {"name", "kind", *dn.monitor.STAT_NAMES}


def test_bad_input_is_named():
    model = deep_net()
    with pytest.raises(TypeError, match="nn.Module"):
        dn.LayerMonitor(lambda x: x)
    with pytest.raises(ValueError, match="no modules to watch"):
        dn.LayerMonitor(model, (nn.Conv2d,))
    with pytest.raises(TypeError, match="kinds"):
        dn.LayerMonitor(model, ())
    with pytest.raises(ValueError, match="not part of the model"):
        dn.LayerMonitor(model, modules=[nn.Linear(2, 2)])
    with pytest.raises(ValueError, match="share the name"):
        dn.LayerMonitor(model, modules=[("a", model[0]), ("a", model[2])])
    with pytest.raises(ValueError, match="keep_values"):
        dn.LayerMonitor(model, keep_values=-1)
    with pytest.raises(RuntimeError, match="no forward pass"):
        dn.LayerMonitor(model).stats()

    class Pair(nn.Module):
        def forward(self, x):
            return x, x

    pair = nn.Sequential(Pair())
    with dn.LayerMonitor(pair, (Pair,)):
        with pytest.raises(TypeError, match="one tensor"):
            pair(torch.ones(1))


def test_stats_key_errors():
    model, (X, _) = deep_net(), data()
    with dn.LayerMonitor(model) as monitor:
        model(X)
    with pytest.raises(KeyError, match="no statistic"):
        monitor.stats()["gradnorm"]


def test_plot_layer_stats_and_histograms():
    model, (X, y) = deep_net(depth=6), data()
    with dn.LayerMonitor(model, (nn.Tanh,), keep_values=200) as monitor:
        F.cross_entropy(model(X), y).backward()
    stats = monitor.stats()
    fig, axes = plt.subplots(1, 3)
    ax = dn.plot_layer_stats(stats, "grad_norm", ax=axes[0], label="tanh")
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), stats.grad_norm)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 7))
    assert ax.get_yscale() == "log"
    assert dn.plot_layer_stats(stats, "saturation", ax=axes[1]).get_yscale() == "linear"
    ax = dn.plot_layer_histograms(stats, which="grads", ax=axes[2])
    assert len(ax.patches) == 3  # first, middle and last layer
    with pytest.raises(ValueError, match="unknown statistic"):
        dn.plot_layer_stats(stats, "nope")
    with pytest.raises(ValueError, match="out of range"):
        dn.plot_layer_histograms(stats, layers=[7])
    with pytest.raises(TypeError):
        dn.plot_layer_stats({"grad_norm": [1, 2]})
    plt.close(fig)
    with dn.LayerMonitor(model, (nn.Tanh,)) as monitor:
        model(X)
    with pytest.raises(ValueError, match="keep_values"):
        dn.plot_layer_histograms(monitor.stats())


def test_zero_gradients_leave_gaps_on_log_plots():
    stats = dn.LayerStats(
        names=["a", "b"],
        kinds=["Linear", "Linear"],
        out_mean=np.zeros(2),
        out_std=np.ones(2),
        saturation=np.full(2, math.nan),
        grad_norm=np.array([0.0, 1.0]),
        grad_std=np.ones(2),
        weight_grad_norm=np.ones(2),
    )
    ax = dn.plot_layer_stats(stats)
    assert np.isnan(ax.get_lines()[0].get_ydata()[0])
    plt.close(ax.figure)


def test_tiny_gradients_do_not_underflow_in_the_norm():
    model = nn.Sequential(nn.Linear(4, 4, bias=False))
    with torch.no_grad():
        model[0].weight.copy_(torch.eye(4))
    with dn.LayerMonitor(model) as monitor:
        out = model(torch.ones(2, 4))
        (out.sum() * 1e-30).backward()  # float32 entries of 1e-30: their squares underflow
    np.testing.assert_allclose(monitor.stats().grad_norm, [1e-30 * 8**0.5], rtol=1e-6)
    np.testing.assert_allclose(monitor.stats().weight_grad_norm, [2e-30 * 4], rtol=1e-6)


def test_select_layers():
    model, (X, y) = deep_net(depth=3), data()
    with dn.LayerMonitor(model, (nn.Linear, nn.Tanh), keep_values=10) as monitor:
        F.cross_entropy(model(X), y).backward()
    stats = monitor.stats()
    assert stats.kinds == ["Linear", "Tanh"] * 3 + ["Linear"]
    linear = stats.select(kind="Linear")
    assert linear.names == ["0", "2", "4", "6"]
    np.testing.assert_array_equal(linear.grad_norm, stats.grad_norm[[0, 2, 4, 6]])
    assert set(linear.values) == {"0", "2", "4", "6"}
    first_two = stats.select(slice(0, 2))
    assert first_two.names == ["0", "1"] and len(first_two.out_std) == 2
    assert stats.select([0, -1]).names == ["0", "6"]
    with pytest.raises(IndexError, match="out of range"):
        stats.select([7])
    with pytest.raises(ValueError, match="no layers of kind"):
        stats.select(kind="ReLU")


def test_probe_layers_is_one_monitored_pass_that_leaves_no_gradients():
    net = deep_net(depth=3, dtype=torch.float32)
    X, y = torch.randn(32, 16, generator=torch.Generator().manual_seed(1)), torch.arange(32) % 3
    stats = dn.probe_layers(net, X, y)
    with dn.LayerMonitor(net) as monitor:
        F.cross_entropy(net(X), y).backward()
    expected = monitor.stats()
    assert stats.names == expected.names and len(stats.names) == 4
    np.testing.assert_array_equal(stats.grad_norm, expected.grad_norm)
    np.testing.assert_array_equal(stats.out_std, expected.out_std)
    np.testing.assert_array_equal(stats.weight_grad_norm, expected.weight_grad_norm)
    assert np.all(np.isfinite(stats.weight_grad_norm))
    net.zero_grad()
    acts = dn.probe_layers(net, X, y, kinds=(nn.Tanh,), keep_values=10)
    assert len(acts.names) == 3 and all(len(v) == 10 for v in acts.values.values())
    assert all(p.grad is None for p in net.parameters())
    mse = dn.probe_layers(net, X, F.one_hot(y, 3).float(), loss_fn=F.mse_loss)
    assert not np.array_equal(mse.grad_norm, stats.grad_norm)


def test_probe_layers_refuses_bad_input():
    net = deep_net(depth=1, dtype=torch.float32)
    with pytest.raises(TypeError, match="net must be a torch.nn.Module"):
        dn.probe_layers(lambda x: x, torch.zeros(2, 16), torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="same number"):
        dn.probe_layers(net, torch.zeros(2, 16), torch.zeros(3, dtype=torch.long))
    with pytest.raises(TypeError, match="y must be a torch.Tensor"):
        dn.probe_layers(net, torch.zeros(2, 16), [0, 1])
