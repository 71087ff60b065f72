"""Wrong answers to chapter 7's implement-it exercises, each with the message its hidden test gives."""

MISTAKES = {
    "ex7": [
        (
            "def my_clip_grad_norm(grads, max_norm):\n"
            "    total = sum((g ** 2).sum() for g in grads)\n"
            "    return [g * min(1.0, max_norm / total.item()) for g in grads], total",
            "squared norm",
        ),
        (
            "def my_clip_grad_norm(grads, max_norm):\n"
            "    total = sum(g.norm() for g in grads)\n"
            "    return [g * min(1.0, max_norm / total.item()) for g in grads], total",
            "added the tensors' norms",
        ),
        (
            "def my_clip_grad_norm(grads, max_norm):\n"
            "    total = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
            "    return [g * (max_norm / total) for g in grads], total",
            "scaled it UP",
        ),
        (
            "def my_clip_grad_norm(grads, max_norm):\n"
            "    total = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
            "    return [g.clamp(-max_norm, max_norm) for g in grads], total",
            "clipping by value",
        ),
        (
            "def my_clip_grad_norm(grads, max_norm):\n"
            "    total = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
            "    return [g * min(1.0, max_norm / g.norm().item()) for g in grads], total",
            "by its own norm",
        ),
        (
            "def my_clip_grad_norm(grads, max_norm):\n"
            "    total = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
            "    return [g * max(1.0, max_norm / total.item()) for g in grads], total",
            "comparison reversed",
        ),
        (
            "def my_clip_grad_norm(grads, max_norm):\n"
            "    total = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
            "    clipped = [g * min(1.0, max_norm / total.item()) for g in grads]\n"
            "    return clipped, torch.sqrt(sum((g ** 2).sum() for g in clipped))",
            "after clipping",
        ),
    ],
    "ex8": [
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=1, keepdim=True), X.var(dim=1, unbiased=False, keepdim=True)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma * (X - mean) / torch.sqrt(var + eps) + beta, running_mean, running_var",
            "over dim 1",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma * (X - mean) / torch.sqrt(var + eps) + beta, running_mean, running_var",
            "unbiased variance (dividing by n - 1)",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma * (X - mean) / (torch.sqrt(var) + eps) + beta, running_mean, running_var",
            "inside the square root",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma * (X - mean) / torch.sqrt(var) + beta, running_mean, running_var",
            "eps is missing",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return beta * (X - mean) / torch.sqrt(var + eps) + gamma, running_mean, running_var",
            "swapped them",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "        running_mean = momentum * running_mean + (1 - momentum) * mean\n"
            "        running_var = momentum * running_var + (1 - momentum) * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma * (X - mean) / torch.sqrt(var + eps) + beta, running_mean, running_var",
            "momentum is reversed",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "        running_mean = running_mean\n"
            "        running_var = running_var\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma * (X - mean) / torch.sqrt(var + eps) + beta, running_mean, running_var",
            "yours are unchanged",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma * (X - mean) / torch.sqrt(var + eps) + beta, running_mean, running_var",
            "follows the biased one",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "    new_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "    new_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    if not training:\n"
            "        new_mean, new_var = running_mean, running_var\n"
            "    return gamma * (X - running_mean) / torch.sqrt(running_var + eps) + beta, new_mean, new_var",
            "for evaluation mode",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    if True:\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean if training else running_mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1) if training else running_var\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma * (X - mean) / torch.sqrt(var + eps) + beta, running_mean, running_var",
            "not the batch's statistics",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    mean, var = (X.mean(dim=0), X.var(dim=0, unbiased=False)) if training else (running_mean, running_var)\n"
            "    return gamma * (X - mean) / (var + eps) + beta if not training else gamma * (X - mean) / torch.sqrt(var + eps) + beta, \\\n"
            "        ((1 - momentum) * running_mean + momentum * mean if training else running_mean), \\\n"
            "        ((1 - momentum) * running_var + momentum * var * n / (n - 1) if training else running_var)",
            "the square root of running_var",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    if training:\n"
            "        n = X.shape[0]\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "        return (gamma * (X - mean) / torch.sqrt(var + eps) + beta, (1 - momentum) * running_mean + momentum * mean,\n"
            "                (1 - momentum) * running_var + momentum * var * n / (n - 1))\n"
            "    return gamma * (X - running_mean) / (torch.sqrt(running_var) + eps) + beta, running_mean, running_var",
            "sqrt(running_var + eps)",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    if True:\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return (gamma * (X - mean) / torch.sqrt(var + eps) + beta) if training else (gamma * (X - running_mean) / torch.sqrt(running_var + eps) + beta), running_mean, running_var",
            "stay as they are",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    if training:\n"
            "        n = X.shape[0]\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "        return (gamma * (X - mean) / torch.sqrt(var + eps) + beta, (1 - momentum) * running_mean + momentum * mean,\n"
            "                (1 - momentum) * running_var + momentum * var * n / (n - 1))\n"
            "    return gamma * (X - running_mean) / torch.sqrt(running_var) + beta, running_mean, running_var",
            "eps is missing: divide by sqrt(running_var",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma * (X - mean) / torch.sqrt(var + 1e-5) + beta, running_mean, running_var",
            "instead of the eps argument",
        ),
        (
            "def my_batchnorm(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    n = X.shape[0]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "        running_mean = 0.9 * running_mean + 0.1 * mean\n"
            "        running_var = 0.9 * running_var + 0.1 * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma * (X - mean) / torch.sqrt(var + eps) + beta, running_mean, running_var",
            "instead of the momentum argument",
        ),
    ],
}
