"""Hidden tests for notebooks/07_numerical_stability.ipynb: the implement-it exercises on other inputs.

Exercise N's test is ``exN``; its parameters are the learner's names (grading/README.md).
The expected values come from torch's own functions (clip_grad_norm_, nn.BatchNorm2d), and so do the
signatures of the known mistakes.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import d2lnotes as dn


def _clip_vector(out, grads, name):
    # (clipped list, total norm) -> one vector: the clipped entries in order, then the norm -- after checking the layout
    if out is None:
        return None
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise dn.ExerciseFeedback(f"{name}: return a pair (list of clipped tensors, total norm)")
    clipped, total_norm = out
    if isinstance(total_norm, (list, tuple)) and not isinstance(clipped, (list, tuple)):
        raise dn.ExerciseFeedback(
            f"{name}: you returned (total norm, clipped tensors); return them in the order "
            "(clipped, total_norm)"
        )
    if not (
        isinstance(clipped, (list, tuple)) and all(isinstance(t, torch.Tensor) for t in clipped)
    ):
        kind = (
            f"one tensor of shape {tuple(clipped.shape)}"
            if isinstance(clipped, torch.Tensor)
            else type(clipped).__name__
        )
        raise dn.ExerciseFeedback(
            f"{name}: `clipped` must be a list of tensors, one per tensor of grads, in their shapes; "
            f"yours is {kind}"
        )
    shapes, wanted = [tuple(t.shape) for t in clipped], [tuple(gr.shape) for gr in grads]
    if shapes != wanted:
        raise dn.ExerciseFeedback(
            f"{name}: the clipped tensors must keep the shapes of the tensors in grads, {wanted}; "
            f"yours have {shapes}"
        )
    if any(t.data_ptr() == gr.data_ptr() for t, gr in zip(clipped, grads)):
        raise dn.ExerciseFeedback(
            f"{name}: `clipped` holds tensors of grads themselves (or views of them); return new "
            "tensors, also when nothing needs clipping"
        )
    if torch.as_tensor(total_norm).numel() != 1:
        raise dn.ExerciseFeedback(
            f"{name}: total_norm must be one number, the norm of all entries together"
        )
    return torch.cat(
        [t.detach().double().flatten() for t in clipped]
        + [torch.as_tensor(total_norm).detach().double().reshape(1)]
    )


def _clipped_by_torch(grads, max_norm):
    # torch.nn.utils.clip_grad_norm_ on parameters that hold copies of the gradients: (clipped entries, total norm)
    params = [torch.zeros_like(gr, requires_grad=True) for gr in grads]
    for p, gr in zip(params, grads):
        p.grad = gr.clone()
    total_norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return torch.cat([p.grad.double().flatten() for p in params]).numpy(), total_norm.item()


def _clip_mistakes(grads, max_norm):
    # the signatures of the known mistakes, from torch's own clipping functions: in the clipped entries
    # (all numbers but the last) or in the returned norm (the last number)
    right, norm = _clipped_by_torch(grads, max_norm)
    as_given = torch.cat([gr.double().flatten() for gr in grads]).numpy()
    norms = [torch.linalg.vector_norm(gr.double()).item() for gr in grads]
    params = [torch.zeros_like(gr, requires_grad=True) for gr in grads]
    for p, gr in zip(params, grads):
        p.grad = gr.clone()
    torch.nn.utils.clip_grad_value_(params, max_norm)
    by_value = torch.cat([p.grad.double().flatten() for p in params]).numpy()
    one_by_one = np.concatenate([_clipped_by_torch([gr], max_norm)[0] for gr in grads])

    def entries(values):
        # matches answers whose clipped entries are `values`, unless those are the right ones
        if np.allclose(values, right, rtol=1e-4, atol=1e-7):
            return lambda a: False
        return lambda a: (
            a[:-1].shape == values.shape and np.allclose(a[:-1], values, rtol=1e-4, atol=1e-7)
        )

    def length(a):
        return float(np.linalg.norm(a[:-1]))

    def same_direction(a):
        return length(a) > 0 and float(a[:-1] @ as_given) / (length(a) * norm) > 1 - 1e-6

    return [
        # dividing by the squared norm is clipping at max_norm / norm; adding the norms, at max_norm * norm / sum(norms)
        (
            lambda a: (
                np.isclose(a[-1], norm**2, rtol=1e-4)
                or entries(_clipped_by_torch(grads, max_norm / norm)[0])(a)
            ),
            "you used the squared norm, the sum of squares without its square root: ||g|| = sqrt(sum of all squared entries).",
        ),
        (
            lambda a: (
                np.isclose(a[-1], sum(norms), rtol=1e-4)
                or entries(_clipped_by_torch(grads, max_norm * norm / sum(norms))[0])(a)
            ),
            "you added the tensors' norms; the global norm is the square root of the sum of their SQUARED norms.",
        ),
        (
            lambda a: np.isclose(a[-1], norm / math.sqrt(as_given.size), rtol=1e-4),
            "your norm is the root MEAN square of the entries; the norm is the square root of their SUM of squares.",
        ),
        (
            lambda a: (
                norm < max_norm and same_direction(a) and np.isclose(length(a), max_norm, rtol=1e-4)
            ),
            "the gradient is already shorter than max_norm, so it must stay as it is: the factor is "
            "min(1, max_norm / ||g||) -- you scaled it UP to length max_norm.",
        ),
        (
            entries(by_value),
            "you clipped each entry to [-max_norm, max_norm] (clipping by value, clip_grad_value_): clipping by "
            "norm rescales the whole gradient and keeps its direction.",
        ),
        (
            entries(one_by_one),
            "you clipped each tensor by its own norm: clipping by the global norm scales ALL tensors by one "
            "factor, max_norm / ||g||, with ||g|| the norm of all their entries together.",
        ),
        (
            entries(as_given),
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
        grads_in = [gr.clone() for gr in grads]
        answer = my_clip_grad_norm(grads_in, max_norm)
        if not all(torch.equal(a, b) for a, b in zip(grads_in, grads)):
            raise dn.ExerciseFeedback(
                f"{name}: the tensors in grads changed (an in-place operation such as mul_ or *=?); "
                "leave them as they are and return new tensors"
            )
        expected, total = _clipped_by_torch(grads, max_norm)
        dn.check_answer(
            _clip_vector(answer, grads_in, name),
            np.append(expected, total),
            name=name,
            rtol=1e-5,
            atol=1e-7,
            mistakes=_clip_mistakes(grads, max_norm),
            hint="||g|| = sqrt(sum_i ||g_i||^2) over all tensors together; every g_i is multiplied by "
            "min(1, max_norm / ||g||)",
        )


def _call_bn(my_batchnorm2d, name, *args, **kwargs):
    # the learner's function, with feedback for the shapes that do not broadcast
    try:
        return my_batchnorm2d(*args, **kwargs)
    except RuntimeError as err:
        if "must match the size" not in str(err):
            raise
        raise dn.ExerciseFeedback(
            f"{name}: {err}. Broadcasting lines up the LAST dimensions: a tensor of shape (C,) meets W "
            "of an (N, C, H, W) tensor, not C -- per-channel tensors need the shape (1, C, 1, 1); and one "
            "statistic per channel pools dims 0, 2 and 3."
        ) from None


def _bn_vector(out, X, name):
    # (Y, running mean, running variance) -> one vector: Y's entries, then the two running estimates -- after checking the shapes
    if out is None:
        return None
    if not (isinstance(out, (tuple, list)) and len(out) == 3):
        raise dn.ExerciseFeedback(
            f"{name}: return a triple (Y, new running mean, new running variance)"
        )
    out = [torch.as_tensor(t).detach().double() for t in out]
    if out[0].shape != X.shape:
        raise dn.ExerciseFeedback(
            f"{name}: Y must have X's shape {tuple(X.shape)}; yours has {tuple(out[0].shape)}"
        )
    C = X.shape[1]
    for label, t in [("running mean", out[1]), ("running variance", out[2])]:
        if t.shape == (C,):
            continue
        if t.numel() == X[0].numel():
            raise dn.ExerciseFeedback(
                f"{name}: your new {label} has shape {tuple(t.shape)}, one number per position (c, h, w), "
                "from averaging over the batch alone; batch normalisation for images pools each channel "
                "over the batch AND all positions: one number per channel."
            )
        if t.numel() == C:
            raise dn.ExerciseFeedback(
                f"{name}: return the new {label} with shape ({C},), as nn.BatchNorm2d keeps it; yours "
                f"has shape {tuple(t.shape)}"
            )
        raise dn.ExerciseFeedback(
            f"{name}: the new {label} must hold one number per channel, shape ({C},); yours has "
            f"shape {tuple(t.shape)}"
        )
    return torch.cat([t.flatten() for t in out])


def _bn2d_by_torch(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    # nn.BatchNorm2d (in float64) with these parameters and running estimates: (Y, new running mean, new running variance)
    bn = nn.BatchNorm2d(X.shape[1], eps=eps, momentum=momentum).double().train(training)
    with torch.no_grad():
        for buffer, value in [
            (bn.weight, gamma),
            (bn.bias, beta),
            (bn.running_mean, running_mean),
            (bn.running_var, running_var),
        ]:
            buffer.copy_(value)
        return bn(X.double()), bn.running_mean.clone(), bn.running_var.clone()


def _bn2d_mistakes(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    # the signatures of the known mistakes, in Y (the first N C H W numbers) or in the running estimates
    # (the last 2 C), from torch's own normalisation functions
    X, gamma, beta, mean0, var0 = (t.double() for t in (X, gamma, beta, running_mean, running_var))
    N, C, H, W = X.shape
    n, size = N * H * W, X.numel()
    right = torch.cat(
        [t.flatten() for t in _bn2d_by_torch(X, gamma, beta, mean0, var0, training, momentum, eps)]
    ).numpy()
    # momentum 1: the batch's own statistics, with the unbiased variance
    _, batch_mean, batch_var = _bn2d_by_torch(X, gamma, beta, mean0, var0, True, 1.0, eps)
    biased = batch_var * (n - 1) / n

    def normalised_with(mean, var, eps, gamma=gamma, beta=beta):
        # Y when each channel is normalised with the given statistics (F.batch_norm in evaluation mode)
        return F.batch_norm(X, mean, var, gamma, beta, training=False, eps=eps)

    def each_position(v):
        # a per-channel (C,) tensor repeated over the H x W positions: shape (C, H, W)
        return v.repeat_interleave(H * W).reshape(C, H, W)

    def close(a, b):
        return a.shape == b.shape and np.allclose(a, b, rtol=1e-4, atol=1e-6)

    def Y_is(*candidates):
        # matches answers whose Y is one of the candidates, unless that candidate is the right Y
        wrong = [
            Y.flatten().numpy() for Y in candidates if not close(Y.flatten().numpy(), right[:size])
        ]
        return lambda a: any(close(a[:size], Y) for Y in wrong)

    def running_is(mean, var):
        # matches answers whose running estimates are (mean, var), unless those are the right ones
        values = torch.cat([mean, var]).numpy()
        return lambda a: not close(values, right[size:]) and close(a[size:], values)

    if training:
        _, reversed_mean, reversed_var = _bn2d_by_torch(
            X, gamma, beta, mean0, var0, True, 1 - momentum, eps
        )
        _, mean_01, var_01 = _bn2d_by_torch(X, gamma, beta, mean0, var0, True, 0.1, eps)
        right_mean = torch.from_numpy(right[size : size + C])
        right_var = torch.from_numpy(right[size + C :])
        return [
            (
                Y_is(F.instance_norm(X, weight=gamma, bias=beta, eps=eps)),
                "you took each example's own statistics per channel, over H and W only (that is instance "
                "normalisation); batch normalisation pools the whole batch too: dims 0, 2 and 3.",
            ),
            (
                Y_is(
                    F.layer_norm(X, (C, H, W), each_position(gamma), each_position(beta), eps=eps)
                ),
                "you took each example's statistics over all its channels and positions, dims 1, 2 and 3 "
                "(that is layer normalisation); batch normalisation takes each channel's over the batch "
                "and the positions, dims 0, 2 and 3.",
            ),
            (
                Y_is(normalised_with(X.mean().expand(C), X.var(unbiased=False).expand(C), eps)),
                "you took one mean and one variance of the whole tensor; batch normalisation keeps one "
                "per channel, over dims 0, 2 and 3.",
            ),
            (
                Y_is(
                    F.batch_norm(
                        X.reshape(N, -1),
                        None,
                        None,
                        each_position(gamma).flatten(),
                        each_position(beta).flatten(),
                        training=True,
                        eps=eps,
                    ).reshape(X.shape)
                ),
                "you averaged over the batch alone (dim 0): one statistic per position; batch "
                "normalisation for images pools each channel over the batch AND all positions, dims 0, "
                "2 and 3.",
            ),
            (
                Y_is(normalised_with(mean0, var0, eps)),
                "in training mode normalise with the batch's own mean and variance; the running "
                "estimates are for evaluation mode.",
            ),
            (
                Y_is(normalised_with(batch_mean, batch_var, eps)),
                "you normalised with the unbiased variance (dividing by n - 1); PyTorch normalises with "
                "the biased one (dividing by n) and uses the unbiased one only for the running variance.",
            ),
            (
                Y_is(normalised_with(batch_mean, (biased.sqrt() + eps) ** 2, 0.0)),
                "eps belongs inside the square root, sqrt(var + eps), not sqrt(var) + eps (the difference "
                "shows on a nearly constant channel).",
            ),
            (
                Y_is(normalised_with(batch_mean, biased, 0.0)),
                "eps is missing: divide by sqrt(var + eps) (it matters for a nearly constant channel).",
            ),
            (
                Y_is(normalised_with(batch_mean, biased, 1e-5)),
                "you used eps = 1e-5 instead of the eps argument.",
            ),
            (
                Y_is(normalised_with(batch_mean, biased, eps, gamma=beta, beta=gamma)),
                "gamma scales and beta shifts: you swapped them.",
            ),
            (
                running_is(reversed_mean, reversed_var - (1 - momentum) * batch_var / n),
                "that is the book's update (d2l's batch_norm): its momentum is the weight of the OLD "
                "estimate (0.9 there) and its running variance follows the biased batch variance. Here, "
                "as in PyTorch, m is the weight of the NEW batch statistic, (1 - m) * running + m * "
                "batch, and the running variance follows the unbiased variance (dividing by n - 1, "
                "n = N H W).",
            ),
            (
                running_is(reversed_mean, reversed_var),
                "the momentum is reversed: m is the weight of the NEW batch statistic, (1 - m) * running "
                "+ m * batch (the book's momentum = 0.9 is the weight of the old estimate).",
            ),
            (
                running_is(mean_01, var_01 - 0.1 * batch_var / n),
                "that is the book's update with its fixed momentum (0.9 on the old estimate) and the "
                "biased variance: use the momentum argument m as the weight of the NEW batch statistic, "
                "and the unbiased batch variance (dividing by n - 1, n = N H W) for the running variance.",
            ),
            (
                running_is(mean0, var0),
                "training mode also moves the running estimates towards the batch's statistics; yours "
                "are unchanged.",
            ),
            (
                running_is(right_mean, right_var - momentum * batch_var / n),
                "the running variance follows the UNBIASED batch variance (dividing by n - 1), PyTorch's "
                "convention; yours follows the biased one.",
            ),
            (
                running_is(right_mean, right_var + momentum * (biased * N / (N - 1) - batch_var)),
                "the n in the running variance's n / (n - 1) is the number of values per channel, N H W, "
                "not the batch size N.",
            ),
            (
                running_is(mean_01, var_01),
                "you used momentum = 0.1 instead of the momentum argument.",
            ),
        ]
    return [
        (
            Y_is(
                normalised_with(batch_mean, biased, eps),
                normalised_with(batch_mean, batch_var, eps),
            ),
            "in evaluation mode normalise with the running estimates, not the batch's statistics (an "
            "example's output must not depend on its batch-mates).",
        ),
        (
            Y_is(normalised_with(mean0, (var0.sqrt() + eps) ** 2, 0.0)),
            "eps belongs inside the square root, sqrt(running_var + eps), not sqrt(running_var) + eps "
            "(the difference shows where the running variance is tiny).",
        ),
        (
            Y_is(normalised_with(mean0, var0, 0.0)),
            "eps is missing: divide by sqrt(running_var + eps).",
        ),
        (
            Y_is(normalised_with(mean0, var0, 1e-5)),
            "you used eps = 1e-5 instead of the eps argument.",
        ),
        (
            Y_is(normalised_with(mean0, (var0 + eps) ** 2, 0.0)),
            "running_var is a variance: divide by the square root of running_var + eps.",
        ),
        (
            lambda a: a.size == size + 2 * C and not close(a[size:], right[size:]),
            "in evaluation mode the running estimates stay as they are (and Y uses them as they are): "
            "yours changed.",
        ),
    ]


def ex8(my_batchnorm2d):
    # other sizes (6 examples, 4 channels of 3 x 5), another momentum and eps, passed by keyword
    g = torch.Generator().manual_seed(1708)
    N, C, H, W = 6, 4, 3, 5
    spread, shift = [0.2, 4.0, 1.5, 2e-3], [-3.0, 1.0, 0.5, 0.0]  # channel 4: nearly constant

    def images():
        return torch.stack(
            [torch.randn(N, H, W, generator=g) * s + m for s, m in zip(spread, shift)], dim=1
        )

    X_train, X_eval = images(), images()
    gamma, beta = torch.rand(C, generator=g) * 2 + 0.2, torch.randn(C, generator=g) * 2
    running_mean = torch.randn(C, generator=g) * 2
    running_var = torch.tensor([2.5, 0.3, 1.1, 1e-6])
    for training, X in [(True, X_train), (False, X_eval)]:
        args = (X, gamma, beta, running_mean, running_var)
        name = f"my_batchnorm2d (hidden inputs, training={training})"
        passed = [t.clone() for t in args]
        answer = _call_bn(my_batchnorm2d, name, *passed, training, momentum=0.3, eps=1e-3)
        for arg_name, before, after in zip(
            ["X", "gamma", "beta", "running_mean", "running_var"], args, passed
        ):
            if not torch.equal(before, after):
                raise dn.ExerciseFeedback(
                    f"{name}: your function changed its argument {arg_name} in place (mul_, add_, +=, "
                    "...); leave the arguments as they are and return new tensors"
                )
        expected = torch.cat(
            [t.flatten() for t in _bn2d_by_torch(*args, training, momentum=0.3, eps=1e-3)]
        )
        dn.check_answer(
            _bn_vector(answer, X, name),
            expected,
            name=name,
            rtol=1e-4,
            atol=1e-6,
            mistakes=_bn2d_mistakes(*args, training, momentum=0.3, eps=1e-3),
            hint="per channel: mean and biased variance over dims 0, 2, 3 for Y in training; running = "
            "(1 - m) running + m batch, with the unbiased variance of the N H W values; evaluation: Y "
            "from the running estimates, which stay as they are",
        )
