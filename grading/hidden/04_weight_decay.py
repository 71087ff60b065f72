"""Hidden tests for notebooks/04_weight_decay.ipynb: the implement-it exercises on other inputs.

Exercise N's test is ``exN``; its parameters are the learner's names (grading/README.md).
"""

import torch
from torch import nn

import d2lnotes as dn


def _penalty_net(seed):
    # four layers of other sizes than the public check, two of them in nested blocks and one at the top level
    # only (the public check: a block in the middle); skip_init: no draw from the global generator
    g = torch.Generator().manual_seed(seed)

    def lin(n_in, n_out):
        return torch.nn.utils.skip_init(nn.Linear, n_in, n_out)

    net = nn.Sequential(
        nn.Sequential(lin(6, 5), nn.Tanh()),
        lin(5, 5),
        nn.ReLU(),
        nn.Sequential(lin(5, 4), nn.ReLU(), lin(4, 2)),
    )
    with torch.no_grad():
        for prm in net.parameters():
            prm.copy_(torch.randn(prm.shape, generator=g) * 0.7 + 0.2)
    return net


def ex1(my_l2_penalty):
    net = _penalty_net(1041)
    prm = {name: p.detach() for name, p in net.named_parameters()}
    layers = ("0.0", "1", "3.0", "3.2")  # the nn.Linear layers, in net.modules() order
    Ws = [prm[f"{k}.weight"] for k in layers]
    bs = [prm[f"{k}.bias"] for k in layers]
    sq_w = sum(torch.linalg.matrix_norm(W) ** 2 for W in Ws)  # Frobenius norms, squared
    sq_b = sum(torch.linalg.vector_norm(b) ** 2 for b in bs)
    norms = sum(torch.linalg.matrix_norm(W) for W in Ws)
    pen = my_l2_penalty(net)
    if pen is not None and not (isinstance(pen, torch.Tensor) and pen.requires_grad):
        raise dn.ExerciseFeedback(
            f"my_l2_penalty (hidden inputs) returned a {type(pen).__name__} that autograd cannot "
            "differentiate: .item(), float() or .detach() cut it off from the weights, so adding it "
            "to the loss would change no gradient -- return the tensor expression"
        )
    dn.check_answer(
        pen,
        sq_w / 2,
        name="my_l2_penalty (hidden inputs)",
        rtol=1e-5,
        mistakes=[
            (
                sq_w,
                "twice the penalty: the 1/2 is missing (it makes the penalty's gradient lambda * w)",
            ),
            (
                (sq_w + sq_b) / 2,
                "the biases are included: penalise the weights of each nn.Linear only (m.weight, not m.bias)",
            ),
            (
                sq_w + sq_b,
                "the biases are included and the 1/2 is missing: half the squared weights only",
            ),
            (sq_w.sqrt(), "that is the norm of all the weights, not its square: no square root"),
            (
                sq_w.sqrt() / 2,
                "that is half the norm of all the weights, not half its square: no square root",
            ),
            (norms, "that is a sum of the layers' norms, not of their squares: no square root"),
            (
                norms / 2,
                "that is half a sum of the layers' norms, not of their squares: no square root",
            ),
            (
                sum(W.abs().sum() for W in Ws) / 2,
                "that sums |w|, the L1 penalty: square the weights instead",
            ),
            (
                sum(W.abs().sum() for W in Ws),
                "that sums |w|, the L1 penalty: square the weights instead (and halve)",
            ),
            (
                Ws[1].pow(2).sum() / 2,
                "only the top-level layers: `for m in net` (or net.children()) does not look inside the nested "
                "nn.Sequential; net.modules() visits every module, nested ones included",
            ),
            (
                Ws[0].pow(2).sum() / 2,
                "only the first layer's weights: add up every nn.Linear of the network",
            ),
            (
                Ws[-1].pow(2).sum() / 2,
                "only the last layer's weights (overwritten in the loop instead of added up?): add up every "
                "nn.Linear of the network",
            ),
            (
                sum(W.pow(2).mean() for W in Ws) / 2,
                "a mean per layer, not a sum: add up every squared entry",
            ),
            (
                torch.cat([W.flatten() for W in Ws]).pow(2).mean() / 2,
                "a mean over the weights, not a sum: add up every squared entry",
            ),
        ],
        hint="half the sum of the squares of every weight entry, over all the nn.Linear layers (nested ones "
        "too); biases not included",
    )


def ex2(ridge_closed_form):
    # more weights than examples (like the book's 200 and 20), another lambda
    g = torch.Generator().manual_seed(1042)
    n, d, lam = 12, 20, 0.05
    X = torch.randn(n, d, generator=g, dtype=torch.float64)
    y = X @ torch.randn(d, 1, generator=g, dtype=torch.float64) + 0.1 * torch.randn(
        n, 1, generator=g, dtype=torch.float64
    )

    def ridge(strength):  # least squares on the augmented system [X; sqrt(strength) I] w = [y; 0]
        A = torch.cat([X, strength**0.5 * torch.eye(d, dtype=X.dtype)])
        b = torch.cat([y, torch.zeros(d, 1, dtype=X.dtype)])
        return torch.linalg.lstsq(A, b, driver="gelsd").solution

    dn.check_answer(
        ridge_closed_form(X, y, lam),
        ridge(n * lam),
        name="ridge_closed_form (hidden inputs)",
        rtol=1e-4,
        atol=1e-6,
        mistakes=[
            (
                ridge(lam),
                "you solved (X^T X + lam I) w = X^T y: the loss is a *mean* over n examples, so the penalty "
                "enters as n * lam.",
            ),
            (
                ridge(2 * n * lam),
                "a factor 2 too much: the penalty lam/2 |w|^2 has gradient lam * w.",
            ),
            (
                ridge(n * lam / 2),
                "a factor 2 too little: the penalty lam/2 |w|^2 has gradient lam * w.",
            ),
        ],
        hint="set X^T (X w - y) / n + lam * w = 0 and solve for w",
    )


def ex4(my_sgd_weight_decay_step):
    # a vector instead of a matrix, a smaller learning rate and a larger decay than the public check
    g = torch.Generator().manual_seed(1044)
    w, grad = torch.randn(10, generator=g), torch.randn(10, generator=g)
    lr, wd = 0.05, 3.0
    param = nn.Parameter(w.clone())
    param.grad = grad.clone()
    torch.optim.SGD([param], lr=lr, weight_decay=wd).step()
    dn.check_answer(
        my_sgd_weight_decay_step(w.clone(), grad.clone(), lr, wd),
        param.detach(),
        name="my_sgd_weight_decay_step (hidden inputs)",
        rtol=1e-5,
        atol=1e-6,
        mistakes=[
            (
                w - lr * (grad + wd / 2 * w),
                "the decay is half too small: weight_decay=wd adds wd * w to the gradient (the gradient of the "
                "penalty (wd/2)|w|^2), no 1/2",
            ),
            (
                w - lr * (grad + 2 * wd * w),
                "the decay is twice too large: weight_decay=wd adds wd * w to the gradient, not 2 * wd * w",
            ),
            (
                w - lr * grad - wd * w,
                "the decay is not scaled by the learning rate: a step multiplies w by 1 - lr * wd, not by 1 - wd",
            ),
            (
                (1 - lr) * w - lr * grad,
                "wd is forgotten in the decay: a step multiplies w by 1 - lr * wd, not by 1 - lr",
            ),
            (
                (1 - lr * wd * wd) * w - lr * grad,
                "wd is used twice (lr * wd * wd): weight_decay=wd adds wd * w to the gradient, once",
            ),
            (
                w - lr * (grad - wd * w),
                "the decay has the wrong sign: it grows w; weight decay pulls w towards 0",
            ),
            (
                w + lr * (grad + wd * w),
                "the step goes uphill: SGD subtracts lr times the gradient (decay included)",
            ),
            (
                w - lr * (1 + wd) * grad,
                "you decayed the gradient (wd * grad) instead of the weights (wd * w)",
            ),
            (
                w - lr * (1 - lr * wd) * grad,
                "you multiplied the gradient by the decay factor 1 - lr * wd; it multiplies the weights",
            ),
            (
                (1 - lr * wd) * (w - lr * grad),
                "you decayed after the gradient step, which shrinks the step too: the optimiser computes both "
                "from the old weights",
            ),
            (w - lr * grad, "that is a step without weight decay"),
            ((1 - lr * wd) * w, "that is the decay alone: the gradient step is missing"),
        ],
        hint="weight_decay=wd adds wd * w to the gradient; then the usual step, with lr (the §1 update)",
    )
