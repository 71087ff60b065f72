import pytest
import torch

import d2lnotes as dn
from d2lnotes import regularization


def test_penalties_values_and_gradients_against_autograd():
    w = torch.tensor([[1.0, -2.0], [0.5, 0.0]], dtype=torch.float64, requires_grad=True)
    assert dn.l2_penalty(w).item() == pytest.approx((1 + 4 + 0.25) / 2)
    assert regularization.l1_penalty(w).item() == pytest.approx(3.5)
    (g,) = torch.autograd.grad(dn.l2_penalty(w), w)
    torch.testing.assert_close(g, w.detach())  # gradient of ||w||^2 / 2 is w
    (g1,) = torch.autograd.grad(regularization.l1_penalty(w), w)
    torch.testing.assert_close(g1, torch.sign(w.detach()))


def test_penalties_per_model():
    W = torch.tensor([[3.0, 4.0], [1.0, -1.0]])
    torch.testing.assert_close(dn.l2_penalty(W, per_model=True), torch.tensor([12.5, 1.0]))
    torch.testing.assert_close(
        regularization.l1_penalty(W, per_model=True), torch.tensor([7.0, 2.0])
    )


def test_penalties_reject_bad_input():
    with pytest.raises(TypeError, match="torch.Tensor"):
        dn.l2_penalty([1.0, 2.0])
    with pytest.raises(TypeError, match="floating-point"):
        regularization.l1_penalty(torch.tensor([1, 2]))
    with pytest.raises(ValueError, match=r"per_model=True needs w of shape \(M, ...\)"):
        dn.l2_penalty(torch.ones(3), per_model=True)


def test_train_penalty_is_weight_decay_and_is_not_logged():
    # One SGD step on loss + lam/2 ||w||^2 equals torch's SGD(weight_decay=lam) on loss.
    X, y = dn.synthetic_data(torch.tensor([1.0, -1.0]), 0.5, 20, seed=0)
    a, b = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    b.load_state_dict(a.state_dict())
    lam = 0.7
    ha = dn.train(
        a,
        torch.nn.MSELoss(),
        (X, y),
        num_epochs=2,
        batch_size=5,
        lr=0.1,
        seed=1,
        penalty=lambda m: lam * dn.l2_penalty(m.weight),
    )
    opt = torch.optim.SGD([{"params": b.weight, "weight_decay": lam}, {"params": b.bias}], lr=0.1)
    dn.train(b, torch.nn.MSELoss(), (X, y), num_epochs=2, batch_size=5, optimizer=opt, seed=1)
    torch.testing.assert_close(a.weight, b.weight)
    torch.testing.assert_close(a.bias, b.bias)
    plain = dn.evaluate_loss(a, (X, y), torch.nn.MSELoss())
    assert ha.last("train_loss") == pytest.approx(plain)  # the logged loss has no penalty


def test_train_after_step_soft_thresholding_gives_exact_zeros():
    X, y = dn.synthetic_data(torch.zeros(5), 0.0, 40, noise=0.1, seed=2)
    net = torch.nn.Linear(5, 1, bias=False)
    lam, lr = 1.0, 0.1

    def soft_threshold(m):
        m.weight.copy_(torch.sign(m.weight) * torch.clamp(m.weight.abs() - lr * lam, min=0))

    dn.train(
        net,
        torch.nn.MSELoss(),
        (X, y),
        num_epochs=20,
        batch_size=8,
        lr=lr,
        after_step=soft_threshold,
    )
    assert torch.all(net.weight == 0)


def test_penalty_strength_scalar_and_per_model():
    W = torch.tensor([[3.0, 4.0], [1.0, -1.0]])
    assert dn.l2_penalty(W, 2.0).item() == pytest.approx(2 * 27 / 2)
    lam = torch.tensor([0.0, 3.0])
    torch.testing.assert_close(dn.l2_penalty(W, lam, per_model=True), torch.tensor([0.0, 3.0]))
    torch.testing.assert_close(
        regularization.l1_penalty(W, lam, per_model=True), torch.tensor([0.0, 6.0])
    )


@pytest.mark.parametrize(
    "lam, per_model, match",
    [
        (-1.0, False, "negative strength"),
        (float("inf"), False, "finite"),
        (torch.tensor([1.0, -0.5]), True, "negative strength"),
        (torch.tensor([1.0, 2.0, 3.0]), True, r"shape \(2,\)"),
        (torch.tensor([1.0, 2.0]), False, "a scalar"),
        ("big", False, "finite number"),
    ],
)
def test_penalty_strength_rejects_bad_values(lam, per_model, match):
    with pytest.raises(ValueError, match=match):
        dn.l2_penalty(torch.ones(2, 2), lam, per_model=per_model)
