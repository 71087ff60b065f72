"""Hidden tests for notebooks/07_numerical_stability.ipynb: the implement-it exercises on other inputs.

Exercise N's test is ``exN``; its parameters are the learner's names (grading/README.md).
"""

import numpy as np
import torch
from torch import nn

import d2lnotes as dn


def _clip_vector(out, name):
    # (clipped list, total norm) -> one vector: the clipped entries in order, then the norm
    if out is None:
        return None
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise dn.ExerciseFeedback(f"{name}: return a pair (list of clipped tensors, total norm)")
    clipped, total_norm = out
    return torch.cat(
        [torch.as_tensor(t).detach().double().flatten() for t in clipped]
        + [torch.as_tensor(total_norm).detach().double().reshape(1)]
    )


def _torch_clipped(grads, max_norm):
    # torch.nn.utils.clip_grad_norm_ on parameters that hold copies of the gradients
    params = [torch.zeros_like(gr, requires_grad=True) for gr in grads]
    for p, gr in zip(params, grads):
        p.grad = gr.clone()
    total_norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return _clip_vector(([p.grad for p in params], total_norm), "torch")


def _clip_mistakes(grads, max_norm):
    # the signatures of the known mistakes: their clipped entries (all but the last number) or their norm
    flat = torch.cat([gr.flatten() for gr in grads]).double().numpy()
    norm = float(np.sqrt((flat**2).sum()))
    own = np.concatenate(
        [
            gr.double().flatten().numpy() * min(1.0, max_norm / gr.double().norm().item())
            for gr in grads
        ]
    )
    norm_sum = sum(gr.double().norm().item() for gr in grads)
    right = flat * min(1.0, max_norm / norm)

    def entries(values):
        # matches answers whose clipped entries are `values`, unless those are the right ones
        if np.allclose(values, right, rtol=1e-4, atol=1e-7):
            return lambda a: False
        return lambda a: (
            a[:-1].shape == values.shape and np.allclose(a[:-1], values, rtol=1e-4, atol=1e-7)
        )

    return [
        (
            lambda a: (
                np.isclose(a[-1], norm**2, rtol=1e-4)
                or entries(flat * min(1.0, max_norm / norm**2))(a)
            ),
            "you used the squared norm, the sum of squares without its square root: "
            "||g|| = sqrt(sum of all squared entries).",
        ),
        (
            lambda a: (
                np.isclose(a[-1], norm_sum, rtol=1e-4)
                or entries(flat * min(1.0, max_norm / norm_sum))(a)
            ),
            "you added the tensors' norms; the global norm is the square root of the sum of their SQUARED norms.",
        ),
        (
            entries(flat * max_norm / norm),
            "the gradient is already shorter than max_norm, so it must stay as it is: the factor is "
            "min(1, max_norm / ||g||) -- you scaled it UP to length max_norm.",
        ),
        (
            entries(flat.clip(-max_norm, max_norm)),
            "you clipped each entry to [-max_norm, max_norm] (clipping by value, clip_grad_value_): clipping by "
            "norm rescales the whole gradient and keeps its direction.",
        ),
        (
            entries(own),
            "you clipped each tensor by its own norm: clipping by the global norm scales ALL tensors by one "
            "factor, max_norm / ||g||, with ||g|| the norm of all their entries together.",
        ),
        (
            entries(flat),
            "the gradients came back unchanged, but their total norm is above max_norm: scale them down (is the "
            "comparison reversed?).",
        ),
        (
            lambda a: (
                norm > max_norm
                and np.allclose(a[:-1], right, rtol=1e-4, atol=1e-7)
                and np.isclose(a[-1], max_norm, rtol=1e-4)
            ),
            "the clipped gradients are right, but the norm you return is the one after clipping; return the "
            "norm before clipping, as clip_grad_norm_ does.",
        ),
    ]


def ex7(my_clip_grad_norm):
    # other shapes (four tensors, one of them 3-d and one a single number) and other thresholds
    g = torch.Generator().manual_seed(1707)
    grads = [
        torch.randn(5, generator=g) * 3,
        torch.randn(3, 4, generator=g),
        torch.randn(2, 2, 3, generator=g) * 0.2,
        torch.randn(1, generator=g) * 4,
    ]
    for max_norm in (0.5, 100.0):  # below and above the gradient's norm (about 10)
        name = f"my_clip_grad_norm (hidden inputs, max_norm={max_norm:g})"
        answer = my_clip_grad_norm([gr.clone() for gr in grads], max_norm)
        dn.check_answer(
            _clip_vector(answer, name),
            _torch_clipped(grads, max_norm),
            name=name,
            rtol=1e-5,
            atol=1e-7,
            mistakes=_clip_mistakes(grads, max_norm),
            hint="||g|| = sqrt(sum_i ||g_i||^2) over all tensors together; every g_i is multiplied by "
            "min(1, max_norm / ||g||)",
        )


def _bn_vector(out, name):
    # (Y, running mean, running variance) -> one vector: Y's entries, then the two running estimates
    if out is None:
        return None
    if not (isinstance(out, (tuple, list)) and len(out) == 3):
        raise dn.ExerciseFeedback(
            f"{name}: return a triple (Y, new running mean, new running variance)"
        )
    return torch.cat([torch.as_tensor(t).detach().double().flatten() for t in out])


def _torch_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum, eps):
    bn = nn.BatchNorm1d(X.shape[1], eps=eps, momentum=momentum).to(X.dtype).train(training)
    with torch.no_grad():
        for buffer, value in [
            (bn.weight, gamma),
            (bn.bias, beta),
            (bn.running_mean, running_mean),
            (bn.running_var, running_var),
        ]:
            buffer.copy_(value)
        return _bn_vector((bn(X), bn.running_mean, bn.running_var), "torch")


def _bn_mistakes(X, gamma, beta, running_mean, running_var, training, momentum, eps):
    # the signatures of the known mistakes, in Y (the first n d numbers) or in the running estimates (the last 2 d)
    X, gamma, beta, mean0, var0 = (t.double() for t in (X, gamma, beta, running_mean, running_var))
    n, d = X.shape
    mu, var_b, var_u = X.mean(0), X.var(0, unbiased=False), X.var(0, unbiased=True)
    right = _torch_batchnorm(X, gamma, beta, mean0, var0, training, momentum, eps).numpy()

    def close(a, b):
        return a.shape == b.shape and np.allclose(a, b, rtol=1e-4, atol=1e-6)

    def Y_is(*candidates):
        # matches answers whose Y is one of the candidates, unless that candidate is the right Y
        wrong = [
            Y.flatten().numpy()
            for Y in candidates
            if not close(Y.flatten().numpy(), right[: n * d])
        ]
        return lambda a: any(close(a[: n * d], Y) for Y in wrong)

    def running_is(mean, var):
        # matches answers whose running estimates are (mean, var), unless those are the right ones
        values = torch.cat([mean, var]).numpy()
        return lambda a: not close(values, right[n * d :]) and close(a[n * d :], values)

    rows = [
        gamma * (X - X.mean(1, keepdim=True)) / torch.sqrt(X.var(1, unbiased=u, keepdim=True) + eps)
        + beta
        for u in (False, True)
    ]
    if training:
        return [
            (
                Y_is(*rows),
                "you took the statistics over dim 1, each example's own features (that is layer "
                "normalisation); batch normalisation averages each feature over the batch, dim 0.",
            ),
            (
                Y_is(gamma * (X - mean0) / torch.sqrt(var0 + eps) + beta),
                "in training mode normalise with the batch's own mean and variance; the running estimates are "
                "for evaluation mode.",
            ),
            (
                Y_is(gamma * (X - mu) / torch.sqrt(var_u + eps) + beta),
                "you normalised with the unbiased variance (dividing by n - 1); PyTorch normalises with the "
                "biased one (dividing by n) and uses the unbiased one only for the running variance.",
            ),
            (
                Y_is(gamma * (X - mu) / (torch.sqrt(var_b) + eps) + beta),
                "eps belongs inside the square root, sqrt(var + eps), not sqrt(var) + eps (the difference shows "
                "on a nearly constant feature).",
            ),
            (
                Y_is(gamma * (X - mu) / torch.sqrt(var_b) + beta),
                "eps is missing: divide by sqrt(var + eps) (it matters for a nearly constant feature).",
            ),
            (
                Y_is(gamma * (X - mu) / torch.sqrt(var_b + 1e-5) + beta),
                "you used eps = 1e-5 instead of the eps argument.",
            ),
            (
                Y_is(beta * (X - mu) / torch.sqrt(var_b + eps) + gamma),
                "gamma scales and beta shifts: you swapped them.",
            ),
            (
                running_is(
                    momentum * mean0 + (1 - momentum) * mu, momentum * var0 + (1 - momentum) * var_u
                ),
                "the momentum is reversed: m is the weight of the NEW batch statistic, (1 - m) * running + "
                "m * batch (the book's momentum = 0.9 is the weight of the old estimate).",
            ),
            (
                running_is(mean0, var0),
                "training mode also moves the running estimates towards the batch's statistics; yours are "
                "unchanged.",
            ),
            (
                running_is(
                    (1 - momentum) * mean0 + momentum * mu, (1 - momentum) * var0 + momentum * var_b
                ),
                "the running variance follows the UNBIASED batch variance (dividing by n - 1), PyTorch's "
                "convention; yours follows the biased one.",
            ),
            (
                running_is(0.9 * mean0 + 0.1 * mu, 0.9 * var0 + 0.1 * var_u),
                "you used momentum = 0.1 instead of the momentum argument.",
            ),
        ]
    return [
        (
            Y_is(*[gamma * (X - mu) / torch.sqrt(v + eps) + beta for v in (var_b, var_u)]),
            "in evaluation mode normalise with the running estimates, not the batch's statistics (an "
            "example's output must not depend on its batch-mates).",
        ),
        (
            Y_is(gamma * (X - mean0) / (torch.sqrt(var0) + eps) + beta),
            "eps belongs inside the square root, sqrt(running_var + eps), not sqrt(running_var) + eps (the "
            "difference shows where the running variance is tiny).",
        ),
        (
            Y_is(gamma * (X - mean0) / torch.sqrt(var0) + beta),
            "eps is missing: divide by sqrt(running_var + eps).",
        ),
        (
            Y_is(gamma * (X - mean0) / torch.sqrt(var0 + 1e-5) + beta),
            "you used eps = 1e-5 instead of the eps argument.",
        ),
        (
            Y_is(gamma * (X - mean0) / (var0 + eps) + beta),
            "running_var is a variance: divide by the square root of running_var + eps.",
        ),
        (
            lambda a: a.size == (n + 2) * d and not close(a[n * d :], right[n * d :]),
            "in evaluation mode the running estimates stay as they are (and Y uses them as they are): yours "
            "changed.",
        ),
    ]


def ex8(my_batchnorm):
    # other sizes (16 examples, 3 features), another momentum and eps, passed by keyword
    g = torch.Generator().manual_seed(1708)
    n, d = 16, 3
    spread, shift = (
        torch.tensor([0.2, 4.0, 2e-3]),
        torch.tensor([-3.0, 1.0, 0.0]),
    )  # feature 3: nearly constant
    X_train = torch.randn(n, d, generator=g) * spread + shift
    X_eval = torch.randn(n, d, generator=g) * spread + shift
    gamma, beta = torch.rand(d, generator=g) * 2 + 0.2, torch.randn(d, generator=g) * 2
    running_mean = torch.randn(d, generator=g) * 2
    running_var = torch.tensor([2.5, 0.3, 1e-6])
    for training, X in [(True, X_train), (False, X_eval)]:
        args = (X, gamma, beta, running_mean, running_var, training)
        name = f"my_batchnorm (hidden inputs, training={training})"
        answer = my_batchnorm(*(t.clone() for t in args[:5]), training, momentum=0.3, eps=1e-3)
        dn.check_answer(
            _bn_vector(answer, name),
            _torch_batchnorm(*args, momentum=0.3, eps=1e-3),
            name=name,
            rtol=1e-4,
            atol=1e-6,
            mistakes=_bn_mistakes(*args, momentum=0.3, eps=1e-3),
            hint="training: mean and biased variance over dim 0 for Y; running = (1 - m) running + m batch, "
            "with the unbiased variance; evaluation: Y from the running estimates, which stay as they are",
        )
