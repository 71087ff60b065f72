import itertools

import numpy as np
import pytest
import torch
from torch import nn

import d2lnotes as dn


def _linear_problem(seed=0, n=200):
    w = torch.tensor([2.0, -3.4])
    return dn.synthetic_data(w, 4.2, n, noise=0.01, seed=seed), w


def test_train_fits_linear_regression_and_logs_history():
    (X, y), w = _linear_problem()
    torch.manual_seed(0)
    net = nn.Linear(2, 1)
    h = dn.train(
        net,
        nn.MSELoss(),
        (X, y),
        num_epochs=20,
        batch_size=10,
        lr=0.03,
        test_data=(X[:50], y[:50]),
        metrics={"w_norm": lambda m: m.weight.norm()},
    )
    assert h.epochs == list(range(1, 21))
    assert set(h.keys()) == {"train_loss", "test_loss", "w_norm"}
    assert h.last("train_loss") < 1e-3
    torch.testing.assert_close(net.weight.detach().reshape(-1), w, atol=0.01, rtol=0)
    assert h["train_loss"][0] > h["train_loss"][-1]
    assert abs(h.last("w_norm") - w.norm().item()) < 0.02


def test_train_lr_matches_torch_sgd_exactly():
    (X, y), _ = _linear_problem(seed=1)
    torch.manual_seed(1)
    a = nn.Linear(2, 1)
    b = nn.Linear(2, 1)
    b.load_state_dict(a.state_dict())
    ha = dn.train(a, nn.MSELoss(), (X, y), num_epochs=3, batch_size=16, lr=0.05, seed=4)
    opt = torch.optim.SGD(b.parameters(), lr=0.05)
    hb = dn.train(b, nn.MSELoss(), (X, y), num_epochs=3, batch_size=16, optimizer=opt, seed=4)
    torch.testing.assert_close(a.weight, b.weight)
    np.testing.assert_allclose(ha["train_loss"], hb["train_loss"], rtol=1e-6)


def test_train_is_reproducible_with_seed_and_order_depends_on_it():
    (X, y), _ = _linear_problem(seed=2)

    def run(seed):
        torch.manual_seed(0)
        net = nn.Linear(2, 1)
        dn.train(net, nn.MSELoss(), (X, y), num_epochs=1, batch_size=7, lr=0.01, seed=seed)
        return net.weight.detach().clone()

    assert torch.equal(run(5), run(5))
    assert not torch.equal(run(5), run(6))


def test_train_eval_every_and_divergence_stop():
    (X, y), _ = _linear_problem(seed=3)
    net = nn.Linear(2, 1)
    h = dn.train(net, nn.MSELoss(), (X, y), num_epochs=10, batch_size=10, lr=0.01, eval_every=4)
    assert h.epochs == [4, 8, 10]
    big = nn.Linear(2, 1)
    h = dn.train(big, nn.MSELoss(), (X * 1e3, y), num_epochs=50, batch_size=10, lr=10.0)
    assert h.diverged() and len(h) < 50


def test_train_rejects_bad_input():
    (X, y), _ = _linear_problem()
    net = nn.Linear(2, 1)
    loss = nn.MSELoss()
    with pytest.raises(ValueError, match="batch_size"):
        dn.train(net, loss, (X, y), num_epochs=1, batch_size=0, lr=0.1)
    with pytest.raises(ValueError, match="num_epochs"):
        dn.train(net, loss, (X, y), num_epochs=0, batch_size=1, lr=0.1)
    with pytest.raises(ValueError, match="exactly one of lr and optimizer"):
        dn.train(net, loss, (X, y), num_epochs=1, batch_size=1)
    with pytest.raises(ValueError, match="lr"):
        dn.train(net, loss, (X, y), num_epochs=1, batch_size=1, lr=-1.0)
    with pytest.raises(ValueError, match="same number of examples"):
        dn.train(net, loss, (X, y[:-1]), num_epochs=1, batch_size=1, lr=0.1)
    with pytest.raises(TypeError, match="pair"):
        dn.train(net, loss, X, num_epochs=1, batch_size=1, lr=0.1)
    with pytest.raises(TypeError, match="nn.Module"):
        dn.train(lambda x: x, loss, (X, y), num_epochs=1, batch_size=1, lr=0.1)
    with pytest.raises(ValueError, match="scalar or one value per model"):
        dn.train(net, nn.MSELoss(reduction="none"), (X, y), num_epochs=1, batch_size=4, lr=0.1)


def test_evaluate_loss_weights_batches_by_size_and_restores_mode():
    X = torch.arange(10.0).reshape(10, 1)
    y = torch.zeros(10, 1)
    net = nn.Sequential(nn.Identity())
    net.train()
    full = dn.evaluate_loss(net, (X, y), nn.MSELoss())
    batched = dn.evaluate_loss(net, (X, y), nn.MSELoss(), batch_size=3)
    assert full == pytest.approx((X**2).mean().item())
    assert batched == pytest.approx(full)
    assert net.training
    loader = dn.load_array((X, y), batch_size=4, is_train=False)
    assert dn.evaluate_loss(net, loader, nn.MSELoss()) == pytest.approx(full)
    with pytest.raises(ValueError, match="no examples"):
        dn.evaluate_loss(net, [], nn.MSELoss())


@pytest.mark.parametrize("evaluator", ["accuracy", "loss"])
def test_evaluators_measure_in_eval_mode_without_gradients(evaluator):
    """The contract every chapter relies on: a network with dropout is measured with dropout off
    (as ``net.eval()`` gives), the same on every call, without building a graph, and is handed
    back in the mode it came in.  (A planted bug -- ``evaluate_accuracy`` left in training mode --
    changed no notebook output beyond its declared tolerance; this test is what catches it.)"""
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(256, 20, generator=gen)
    y = torch.randint(0, 3, (256,), generator=gen)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 3))

    def measure():
        if evaluator == "accuracy":
            return dn.evaluate_accuracy(net, [(X, y)])
        return dn.evaluate_loss(net, (X, y), nn.CrossEntropyLoss())

    net.eval()
    expected = measure()
    with torch.no_grad():
        out = net(X)
    by_hand = (
        (out.argmax(1) == y).float().mean().item()
        if evaluator == "accuracy"
        else nn.functional.cross_entropy(out, y).item()
    )
    assert expected == pytest.approx(by_hand)
    net.train()
    first, second = measure(), measure()
    assert first == pytest.approx(expected) and second == pytest.approx(expected)
    assert net.training, "the evaluator must restore training mode"
    assert all(p.grad is None for p in net.parameters())


@pytest.mark.parametrize("evaluator", ["accuracy", "loss"])
def test_evaluators_restore_training_mode_after_an_error(evaluator):
    """Both evaluators share one eval-mode guard: a failing evaluation (here: scores of the
    wrong shape) still hands the network back in training mode."""
    net = nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.5)).train()
    X, y = torch.ones(5, 4), torch.zeros(5, dtype=torch.long)
    with pytest.raises((ValueError, RuntimeError)):
        if evaluator == "accuracy":
            dn.evaluate_accuracy(lambda X: net(X).unsqueeze(0), [(X, y)])
        else:
            dn.evaluate_loss(net, (X, y), lambda y_hat, y: torch.ones(2, 2))
    if evaluator == "accuracy":  # a plain callable: nothing to switch; the module itself next
        with pytest.raises(ValueError):
            dn.evaluate_accuracy(net, [(X, torch.zeros(4, dtype=torch.long))])
    assert net.training, "the evaluator must restore training mode after an error"


def _mlp(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))


def test_gradient_steps_is_the_hand_written_loop_bit_for_bit():
    """Adam with clipping, random minibatches: the same parameters and losses as the loop
    chapters used to write by hand."""
    X, y = torch.randn(50, 4, generator=torch.Generator().manual_seed(1)), torch.arange(50) % 3
    a, b = _mlp(3), _mlp(3)
    opt_a = torch.optim.Adam(a.parameters(), lr=0.05)
    g = torch.Generator().manual_seed(7)
    hand = []
    for _ in range(30):
        idx = torch.randint(0, 50, (16,), generator=g)
        loss = nn.functional.cross_entropy(a(X[idx]), y[idx])
        opt_a.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(a.parameters(), max_norm=0.5)
        opt_a.step()
        hand.append(loss.item())
    opt_b = torch.optim.Adam(b.parameters(), lr=0.05)
    batches = dn.random_minibatches(X, y, 16, 30, torch.Generator().manual_seed(7))
    ours = [
        loss.item()
        for loss in dn.gradient_steps(
            b, nn.functional.cross_entropy, batches, optimizer=opt_b, clip=0.5
        )
    ]
    assert ours == hand
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)


def test_gradient_steps_body_runs_between_steps_and_break_stops():
    X, y = torch.randn(8, 4), torch.arange(8) % 3
    net = _mlp(0)
    before = [p.detach().clone() for p in net.parameters()]
    steps = dn.gradient_steps(
        net, nn.functional.cross_entropy, itertools.repeat((X, y), 100), lr=0.1
    )
    seen = []
    for step, loss in enumerate(steps, 1):
        changed = any(not torch.equal(p, b) for p, b in zip(net.parameters(), before))
        seen.append((step, loss.ndim, changed))
        if step == 3:
            break
    assert seen == [(1, 0, True), (2, 0, True), (3, 0, True)]
    assert net.training


def test_gradient_steps_checks_its_arguments_when_called():
    net, X, y = _mlp(0), torch.randn(4, 4), torch.arange(4) % 3
    batches = [(X, y)]
    loss = nn.functional.cross_entropy
    with pytest.raises(ValueError, match="exactly one of lr and optimizer"):
        dn.gradient_steps(net, loss, batches)
    with pytest.raises(ValueError, match="clip must be a positive number"):
        dn.gradient_steps(net, loss, batches, lr=0.1, clip=-1)
    with pytest.raises(TypeError, match="net must be a torch.nn.Module"):
        dn.gradient_steps(lambda x: x, loss, batches, lr=0.1)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        dn.gradient_steps(net, loss, batches, lr=float("nan"))


def test_train_clip_bounds_the_update_and_matches_gradient_steps():
    (X, y), _ = _linear_problem(seed=2, n=40)
    a, b = nn.Linear(2, 1), nn.Linear(2, 1)
    b.load_state_dict(a.state_dict())
    dn.train(a, nn.MSELoss(), (X, y), num_epochs=2, batch_size=8, lr=0.5, clip=0.01, seed=5)
    g = torch.Generator().manual_seed(5)
    for _ in range(2):
        batches = dn.minibatches(X, y, batch_size=8, generator=g)
        for _ in dn.gradient_steps(b, nn.MSELoss(), batches, lr=0.5, clip=0.01):
            pass
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    start = nn.Linear(2, 1)
    moved = nn.Linear(2, 1)
    moved.load_state_dict(start.state_dict())
    for _ in dn.gradient_steps(moved, nn.MSELoss(), [(X, y)], lr=0.5, clip=0.01):
        pass
    step = torch.sqrt(
        sum(((p - q) ** 2).sum() for p, q in zip(moved.parameters(), start.parameters()))
    )
    assert step <= 0.5 * 0.01 * (1 + 1e-5)
