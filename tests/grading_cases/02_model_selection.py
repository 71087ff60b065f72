"""Wrong answers to chapter 2's implement-it exercises, each with the message its hidden test gives."""

MISTAKES = {
    "ex6": [
        (
            "def my_kfold_indices(n, k, i):\n    return torch.arange(n), torch.arange(i, n, k)",
            "leaks into training",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    idx = torch.arange(n)\n"
            "    return idx[idx != i], torch.arange(i, n, k)",
            "leaks into training",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    size = n // k\n"
            "    val = torch.arange(i * size, (i + 1) * size)\n"
            "    train = torch.cat([torch.arange(j * size, (j + 1) * size) for j in range(k) if j != i])\n"
            "    return train, val",
            "folds of n // k examples each leave the rest out",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    size = n // k\n"
            "    val = torch.arange(i * size, (i + 1) * size)\n"
            "    idx = torch.arange(n)\n"
            "    return idx[(idx < i * size) | (idx >= (i + 1) * size)], val",
            "folds of n // k examples each leave the rest out",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    val = torch.arange(i + 1, n, k)\n"
            "    idx = torch.arange(n)\n"
            "    return idx[~torch.isin(idx, val)], val",
            "example 0 is in no validation fold",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    val = torch.arange(i, n - 1, k)\n"
            "    idx = torch.arange(n)\n"
            "    return idx[~torch.isin(idx, val)], val",
            "stops one short",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    val = torch.arange(i - 1, n, k)\n"
            "    idx = torch.arange(n)\n"
            "    return idx[~torch.isin(idx, val)], val",
            "outside 0..n-1",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    val = torch.arange(i + 1, n + 1, k)\n"
            "    idx = torch.arange(n)\n"
            "    return idx[~torch.isin(idx, val)], val",
            "outside 0..n-1",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    size = -(-n // k)\n"
            "    val = torch.arange(i * size, min((i + 1) * size + 1, n))\n"
            "    idx = torch.arange(n)\n"
            "    return idx[~torch.isin(idx, val)], val",
            "two validation folds",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    size = -(-n // k)\n"
            "    val = torch.arange(i * size, min((i + 1) * size, n))\n"
            "    idx = torch.arange(n)\n"
            "    return idx[~torch.isin(idx, val)], val",
            "differ by more than one",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    size = n // k\n"
            "    val = torch.arange(i * size, n if i == k - 1 else (i + 1) * size)\n"
            "    idx = torch.arange(n)\n"
            "    return idx[~torch.isin(idx, val)], val",
            "differ by more than one",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    val = torch.tensor_split(torch.arange(n), k)[i]\n"
            "    idx = torch.arange(n)\n"
            "    return idx[~torch.isin(idx, val)], val",
            "contiguous blocks",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    val = torch.arange(i, n, k)\n"
            "    idx = torch.arange(n)\n"
            "    train = idx[idx % k != i]\n"
            "    return torch.cat([train, train[:1]]), val",
            "appears twice",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    val = torch.arange(i, n, k)\n"
            "    idx = torch.arange(n)\n"
            "    return idx[(idx % k < i)], val",
            "not all the examples outside",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    idx = torch.arange(n)\n"
            "    return idx[idx % k != (i + 1) % k], idx[idx % k == (i + 1) % k]",
            "fold i is not the examples",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    idx = torch.arange(n)\n"
            "    return idx[idx % k == i], idx[idx % k != i]",
            "parts are swapped",
        ),
        (
            "def my_kfold_indices(n, k, i):\n    return torch.arange(i, n, k)",
            "got one tensor of",
        ),
        (
            "def my_kfold_indices(n, k, i):\n    return list(range(i, n, k))",
            "got one list of",
        ),
        (
            "def my_kfold_indices(n, k, i):\n"
            "    idx = torch.arange(n)\n"
            "    return {'train': idx[idx % k != i], 'val': idx[idx % k == i]}",
            "got a dict",
        ),
    ],
    "ex7": [
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    return torch.tensor([float(loss(fit(X[tr], y[tr])(X[va]), y[va])) for tr, va in folds])",
            "these are the fold losses",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    return sum(float(loss(fit(X[tr], y[tr])(X[va]), y[va])) for tr, va in folds) / k",
            "averaged the fold losses equally",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    return np.mean([loss(fit(X[tr], y[tr])(X[va]), y[va]).item() for tr, va in folds])",
            "averaged the fold losses equally",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    return sum(len(tr) * float(loss(fit(X[tr], y[tr])(X[va]), y[va])) for tr, va in folds) / sum(len(tr) for tr, _ in folds)",
            "size of its training part",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    return sum(len(va) * float(loss(fit(X[tr], y[tr])(X[va]), y[va])) for tr, va in folds)",
            "divide it by n",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    return sum(len(va) * float(loss(fit(X[tr], y[tr])(X[va]), y[va])) for tr, va in folds) / k",
            "divided the sum of size x loss by k",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    return sum(float(loss(fit(X[tr], y[tr])(X[va]), y[va])) for tr, va in folds)",
            "sum of the fold losses",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    model = fit(X, y)\n"
            "    return sum(len(va) * float(loss(model(X[va]), y[va])) for tr, va in folds) / len(X)",
            "trained on all the data",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    return sum(float(loss(fit(X, y)(X[va]), y[va])) for tr, va in folds) / k",
            "trained on all the data",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    total = 0.0\n"
            "    for tr, va in folds:\n"
            "        model = fit(X[tr], y[tr])\n"
            "        total += float(loss(model(X[tr]), y[tr]))\n"
            "    return total / k",
            "these are training losses",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    return sum(len(va) * float(loss(fit(X[tr], y[tr])(X[tr]), y[tr])) for tr, va in folds) / len(X)",
            "these are training losses",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    return sum(len(va) * float(loss(fit(X[va], y[va])(X[tr]), y[tr])) for tr, va in folds) / len(X)",
            "are swapped",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    return sum(float(loss(fit(X[va], y[va])(X[tr]), y[tr])) for tr, va in folds) / k",
            "are swapped",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    model = fit(X[folds[0][0]], y[folds[0][0]])\n"
            "    return sum(len(va) * float(loss(model(X[va]), y[va])) for tr, va in folds) / len(X)",
            "fit was called 1 time(s)",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    return sum(len(va) * float(loss(fit(X[tr], y[tr])(X[va]), y[va])) for tr, va in folds[:-1]) / sum(len(va) for _, va in folds[:-1])",
            "fit was called 3 time(s)",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    folds = dn.kfold_indices(len(X), k)\n"
            "\n"
            "    total = 0.0\n"
            "    for tr, va in folds:\n"
            "        rows = torch.cat([tr, va[:1]])\n"
            "        total += len(va) * float(loss(fit(X[rows], y[rows])(X[va]), y[va]))\n"
            "    return total / len(X)",
            "scored on rows it was fitted to",
        ),
        (
            "def my_cv_error(fit, loss, X, y, k):\n"
            "    n = len(X)\n"
            "    total = 0.0\n"
            "    for va in torch.tensor_split(torch.arange(n), k):\n"
            "        tr = torch.tensor([j for j in range(n) if j not in va])\n"
            "        total += len(va) * float(loss(fit(X[tr], y[tr])(X[va]), y[va]))\n"
            "    return total / n",
            "did not get the training parts of dn.kfold_indices",
        ),
    ],
}
