import numpy as np
import pytest
import torch
from torch import nn

import d2lnotes as dn


def _net(value=0.0):
    net = nn.Linear(2, 1)
    with torch.no_grad():
        net.weight.fill_(value)
        net.bias.fill_(value)
    return net


def _set(net, value):
    with torch.no_grad():
        for p in net.parameters():
            p.fill_(value)


def test_single_model_stops_after_patience_and_restores_best_weights():
    net, stopper = _net(), dn.EarlyStopping(patience=2)
    losses = [3.0, 2.0, 2.5, 1.9999999, 2.6, 2.7, 1.0]  # 1.0 comes after the stop: ignored
    stops = []
    for epoch, loss in enumerate(losses, 1):
        _set(net, float(epoch))  # the weights at epoch e are all e
        stops.append(stopper.update(net, loss))
    assert stops == [False, False, False, False, False, True, True]
    assert stopper.best_epoch == 4 and stopper.best_value == pytest.approx(1.9999999)
    assert stopper.stopped and stopper.stopped_epoch == 6  # bad at 5 and 6 after the best at 4
    stopper.restore(net)
    assert torch.all(net.weight == 4.0) and torch.all(net.bias == 4.0)


def test_min_delta_and_max_mode():
    net = _net()
    stopper = dn.EarlyStopping(patience=1, mode="max", min_delta=0.01)
    assert not stopper.update(net, 0.5, epoch=10)
    _set(net, 7.0)
    assert stopper.update(net, 0.505, epoch=20)  # not better by more than min_delta: stop
    assert stopper.best_epoch == 10 and stopper.best_value == 0.5
    stopper.restore(net)
    assert torch.all(net.weight == 0.0)


def test_state_dict_buffers_are_saved_too():
    net = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3))
    stopper = dn.EarlyStopping(patience=3)
    stopper.update(net, 1.0)
    saved_mean = net[1].running_mean.clone()
    net.train()
    net(torch.randn(8, 3, generator=torch.Generator().manual_seed(0)) + 5)  # moves the statistics
    assert not torch.equal(net[1].running_mean, saved_mean)
    stopper.update(net, 2.0)
    stopper.restore(net)
    assert torch.equal(net[1].running_mean, saved_mean)


def test_batched_models_are_tracked_and_restored_each_on_its_own():
    net = dn.BatchedMLP(3, (4, 5, 2), seed=0)
    stopper = dn.EarlyStopping(patience=2, num_models=3)
    values = np.array(
        [
            [1.0, 1.0, 1.0],
            [0.5, 2.0, 0.9],
            [0.6, 3.0, 0.8],
            [0.7, 4.0, 0.7],  # model 0 and 1 stop here; model 2 keeps improving
            [0.1, 0.1, 0.6],  # too late for models 0 and 1
        ]
    )
    snapshots = []
    for epoch, row in enumerate(values, 1):
        with torch.no_grad():
            for p in net.parameters():
                p.fill_(float(epoch))
        snapshots.append({k: t.clone() for k, t in net.state_dict().items()})
        done = stopper.update(net, torch.tensor(row))
    assert not done
    np.testing.assert_array_equal(stopper.best_epoch, [2, 1, 5])
    np.testing.assert_array_equal(stopper.stopped_epoch, [4, 3, -1])
    np.testing.assert_array_equal(stopper.stopped, [True, True, False])
    np.testing.assert_allclose(stopper.best_value, [0.5, 1.0, 0.6])
    stopper.restore(net)
    for m, epoch in enumerate([2, 1, 5]):
        assert torch.equal(net.weights[0][m], snapshots[epoch - 1]["weights.0"][m])
        assert torch.equal(net.biases[1][m], snapshots[epoch - 1]["biases.1"][m])


def test_all_stopped_returns_true_and_nan_never_improves():
    net = dn.BatchedMLP(2, (3, 2), seed=0)
    stopper = dn.EarlyStopping(patience=1, num_models=2)
    assert not stopper.update(net, [1.0, float("nan")])
    assert stopper.update(net, [float("nan"), float("nan")])
    np.testing.assert_array_equal(stopper.best_epoch, [1, -1])
    with pytest.raises(RuntimeError, match=r"nothing to restore for models \[1\]"):
        stopper.restore(net)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"patience": 0}, "patience must be a positive integer"),
        ({"patience": 2.5}, "patience must be a positive integer"),
        ({"patience": 2, "mode": "lowest"}, "mode must be 'min' or 'max'"),
        ({"patience": 2, "min_delta": -1}, "min_delta must be a finite number >= 0"),
        ({"patience": 2, "num_models": 0}, "num_models must be a positive integer"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dn.EarlyStopping(**kwargs)


def test_bad_updates_are_named():
    single = dn.EarlyStopping(patience=2)
    with pytest.raises(ValueError, match="give one value"):
        single.update(_net(), [1.0, 2.0])
    with pytest.raises(TypeError, match="net must be a torch.nn.Module"):
        single.update("net", 1.0)
    with pytest.raises(TypeError, match="value must be a number"):
        single.update(_net(), "low")
    with pytest.raises(RuntimeError, match="call update"):
        single.restore(_net())
    single.update(_net(), 1.0)
    with pytest.raises(ValueError, match="not the network"):
        single.update(nn.Linear(3, 1), 0.5)
    batched = dn.EarlyStopping(patience=2, num_models=3)
    with pytest.raises(ValueError, match=r"one value per model, shape \(3,\)"):
        batched.update(dn.BatchedMLP(3, (2, 2), seed=0), [1.0, 2.0])
    with pytest.raises(ValueError, match="first dimension; 'weight'"):
        batched.update(nn.Linear(2, 4), [1.0, 2.0, 3.0])


def test_one_of_num_models_takes_a_plain_number():
    net = dn.BatchedMLP(1, (3, 2), seed=0)
    stopper = dn.EarlyStopping(patience=1, num_models=1)
    assert not stopper.update(net, 0.5)
    np.testing.assert_array_equal(stopper.best_epoch, [1])


def test_saved_weights_follow_the_network_to_another_dtype_or_device():
    net = dn.BatchedMLP(2, (3, 2), seed=0)
    stopper = dn.EarlyStopping(patience=3, num_models=2)
    stopper.update(net, [1.0, 1.0])
    net = net.to(torch.float64)  # as a move to another device would: the saved copy stays put
    with torch.no_grad():
        for p in net.parameters():
            p.fill_(2.0)
    stopper.update(net, [0.5, 2.0])  # model 0 improves: its slice is copied into the saved state
    with torch.no_grad():
        for p in net.parameters():
            p.fill_(3.0)
    stopper.restore(net)
    assert torch.all(net.weights[0][0] == 2.0) and not torch.any(net.weights[0][1] == 3.0)
