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
            "    total = torch.cat([g.flatten() for g in grads]).pow(2).mean().sqrt()\n"
            "    return [g * min(1.0, max_norm / total.item()) for g in grads], total",
            "root MEAN square",
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
        (
            "def my_clip_grad_norm(grads, max_norm):\n"
            "    total = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
            "    for g in grads:\n"
            "        g.mul_(min(1.0, max_norm / total.item()))\n"
            "    return grads, total",
            "the tensors in grads changed",
        ),
        (
            "def my_clip_grad_norm(grads, max_norm):\n"
            "    total = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
            "    if total > max_norm:\n"
            "        return [g * (max_norm / total) for g in grads], total\n"
            "    return grads, total",
            "tensors of grads themselves",
        ),
        (
            "def my_clip_grad_norm(grads, max_norm):\n"
            "    total = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
            "    return torch.cat([g.flatten() for g in grads]) * min(1.0, max_norm / total.item()), total",
            "must be a list of tensors",
        ),
        (
            "def my_clip_grad_norm(grads, max_norm):\n"
            "    total = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
            "    return [g.flatten() * min(1.0, max_norm / total.item()) for g in grads], total",
            "must keep the shapes",
        ),
        (
            "def my_clip_grad_norm(grads, max_norm):\n"
            "    total = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
            "    return total, [g * min(1.0, max_norm / total.item()) for g in grads]",
            "in the order (clipped, total_norm)",
        ),
    ],
    "ex8": [
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma * (X - mean) / torch.sqrt(var + eps) + beta, running_mean, running_var",
            "Broadcasting lines up the LAST dimensions",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s = (1, -1, 1, 1)\n"
            "    if training:\n"
            "        n = X.numel() // X.shape[1]\n"
            "        mean, var = X.mean(dim=(0, 2, 3), keepdim=True), X.var(dim=(0, 2, 3), unbiased=False, keepdim=True)\n"
            "        running_mean = (1 - momentum) * running_mean.view(s) + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var.view(s) + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean.view(s), running_var.view(s)\n"
            "    return gamma.view(s) * (X - mean) / torch.sqrt(var + eps) + beta.view(s), running_mean, running_var",
            "as nn.BatchNorm2d keeps it",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s = (1, -1, 1, 1)\n"
            "    if training:\n"
            "        n = X.shape[0]\n"
            "        mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean.view(-1, 1, 1) + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var.view(-1, 1, 1) + momentum * var * n / (n - 1)\n"
            "        return gamma.view(s) * (X - mean) / torch.sqrt(var + eps) + beta.view(s), running_mean, running_var\n"
            "    return gamma.view(s) * (X - running_mean.view(s)) / torch.sqrt(running_var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "one number per position",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return (gamma.view(s) * (X - X.mean(0)) / torch.sqrt(X.var(0, unbiased=False) + eps) + beta.view(s)) if training else gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "averaged over the batch alone",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return (gamma.view(s) * (X - X.mean((2, 3), keepdim=True)) / torch.sqrt(X.var((2, 3), unbiased=False, keepdim=True) + eps) + beta.view(s)) if training else gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "instance normalisation",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return (gamma.view(s) * (X - X.mean((1, 2, 3), keepdim=True)) / torch.sqrt(X.var((1, 2, 3), unbiased=False, keepdim=True) + eps) + beta.view(s)) if training else gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "layer normalisation",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return (gamma.view(s) * (X - X.mean()) / torch.sqrt(X.var(unbiased=False) + eps) + beta.view(s)) if training else gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "of the whole tensor",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    old_mean, old_var = running_mean, running_var\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return (gamma.view(s) * (X - old_mean.view(s)) / torch.sqrt(old_var.view(s) + eps) + beta.view(s)) if training else gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "the running estimates are for evaluation mode",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3))\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "normalised with the unbiased variance",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "yours follows the biased one",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * X.shape[0] / (X.shape[0] - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "not the batch size N",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / (torch.sqrt(var.view(s)) + eps) + beta.view(s), running_mean, running_var",
            "sqrt(var + eps), not sqrt(var) + eps",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s)) + beta.view(s), running_mean, running_var",
            "eps is missing: divide by sqrt(var + eps)",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + 1e-5) + beta.view(s), running_mean, running_var",
            "instead of the eps argument",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return beta.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + gamma.view(s), running_mean, running_var",
            "swapped them",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = momentum * running_mean + (1 - momentum) * mean\n"
            "        running_var = momentum * running_var + (1 - momentum) * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "momentum is reversed",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = momentum * running_mean + (1 - momentum) * mean\n"
            "        running_var = momentum * running_var + (1 - momentum) * var\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "the book's update (d2l's batch_norm)",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = 0.9 * running_mean + 0.1 * mean\n"
            "        running_var = 0.9 * running_var + 0.1 * var\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "the book's update with its fixed momentum",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = 0.9 * running_mean + 0.1 * mean\n"
            "        running_var = 0.9 * running_var + 0.1 * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "instead of the momentum argument",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = running_mean\n"
            "        running_var = running_var\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "yours are unchanged",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "not the batch's statistics",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / (torch.sqrt(var.view(s) + eps) if training else var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "the square root of running_var + eps",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / (torch.sqrt(var.view(s) + eps) if training else torch.sqrt(var.view(s)) + eps) + beta.view(s), running_mean, running_var",
            "sqrt(running_var + eps), not sqrt(running_var) + eps",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + (eps if training else 0.0)) + beta.view(s), running_mean, running_var",
            "eps is missing: divide by sqrt(running_var + eps)",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    batch_mean, batch_var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "    new_mean = (1 - momentum) * running_mean + momentum * batch_mean\n"
            "    new_var = (1 - momentum) * running_var + momentum * batch_var * n / (n - 1)\n"
            "    mean, var = (batch_mean, batch_var) if training else (running_mean, running_var)\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), new_mean, new_var",
            "stay as they are",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean.mul_(1 - momentum).add_(momentum * mean)\n"
            "        running_var.mul_(1 - momentum).add_(momentum * var * n / (n - 1))\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "changed its argument running_mean in place",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X.sub_(mean.view(s))) / torch.sqrt(var.view(s) + eps) + beta.view(s), running_mean, running_var",
            "changed its argument X in place",
        ),
        (
            "def my_batchnorm2d(X, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):\n"
            "    s, n = (1, -1, 1, 1), X.numel() // X.shape[1]\n"
            "    if training:\n"
            "        mean, var = X.mean(dim=(0, 2, 3)), X.var(dim=(0, 2, 3), unbiased=False)\n"
            "        running_mean = (1 - momentum) * running_mean + momentum * mean\n"
            "        running_var = (1 - momentum) * running_var + momentum * var * n / (n - 1)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    return gamma.view(s) * (X - mean.view(s)) / torch.sqrt(var.view(s) + eps) + beta.view(s)",
            "return a triple",
        ),
    ],
}
