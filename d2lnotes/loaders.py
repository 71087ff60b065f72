"""In-memory minibatches: seeded shuffling, no DataLoader worker processes.

The book's ``DataLoader(num_workers=4)`` starts processes, which is slow for
tensors that already sit in memory and breaks in notebooks on Windows.  Here a
minibatch is just an index into tensors that live on the training device.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch

from . import _validate as v

__all__ = ["ArrayLoader", "load_array", "minibatches", "random_minibatches"]


def _check_tensors(tensors: Sequence[torch.Tensor]) -> int:
    if len(tensors) == 0:
        raise ValueError("give at least one tensor")
    for i, t in enumerate(tensors):
        v.tensor(t, f"tensor {i}")
    devices = {t.device for t in tensors}
    if len(devices) > 1:
        raise ValueError(f"tensors are on different devices: {sorted(map(str, devices))}")
    return v.same_length(tensors, [f"tensor {i}" for i in range(len(tensors))])


def minibatches(
    *tensors: torch.Tensor,
    batch_size: int,
    shuffle: bool = True,
    generator: torch.Generator | None = None,
    drop_last: bool = False,
) -> Iterator[tuple[torch.Tensor, ...]]:
    """Yield tuples of minibatches (one slice of each tensor) for one epoch.

    Shapes: each tensor (n, ...) -> each batch (batch_size, ...); the last
    batch is smaller unless ``drop_last``.  The permutation is drawn on the CPU
    from ``generator`` (a fresh unseeded draw if ``None``), so the order is the
    same on every device.

    Taught in: 00 §3 (one shuffled epoch per pass, in the learning-rate and batch-size grid).
    """
    n = _check_tensors(tensors)
    batch_size = v.positive_int(batch_size, "batch_size")
    if generator is not None and generator.device.type != "cpu":
        raise ValueError("generator must be a CPU generator")
    if shuffle:
        order = torch.randperm(n, generator=generator).to(tensors[0].device)
    else:
        order = None
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        if order is None:
            yield tuple(t[start : start + batch_size] for t in tensors)
        else:
            idx = order[start : start + batch_size]
            yield tuple(t[idx] for t in tensors)


def random_minibatches(
    X: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    num_batches: int,
    generator: torch.Generator,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield ``num_batches`` minibatches ``(X[idx], y[idx])``, each drawn independently.

    Shapes: ``X`` (n, ...), ``y`` (n, ...) -> each batch (batch_size, ...).  Each minibatch's
    ``batch_size`` indices are drawn uniformly *with replacement* from ``0 .. n-1`` (an example
    can repeat within a batch; there are no epochs), on the CPU from ``generator``, so every
    device sees the same batches.  For training by a number of steps rather than epochs.

    Taught in: 07 §4 (the symmetry runs, a number of SGD steps on random minibatches).
    """
    n = _check_tensors((X, y))
    batch_size = v.positive_int(batch_size, "batch_size")
    num_batches = v.non_negative_int(num_batches, "num_batches")
    if not isinstance(generator, torch.Generator) or generator.device.type != "cpu":
        raise ValueError("generator must be a CPU torch.Generator, e.g. dn.stream(SEED, 'batches')")
    return _random_batches(X, y, n, batch_size, num_batches, generator)


def _random_batches(X, y, n, batch_size, num_batches, generator):
    for _ in range(num_batches):
        idx = torch.randint(0, n, (batch_size,), generator=generator).to(X.device)
        yield X[idx], y[idx]


class ArrayLoader:
    """A re-iterable minibatch loader over in-memory tensors.

    Each ``for`` loop over it is one epoch; with ``shuffle=True`` every epoch
    gets a new permutation from the loader's own generator seeded with
    ``seed``, so two loaders with the same seed give the same batches in the
    same order.  ``len(loader)`` is the number of batches per epoch.

    Taught in: returned by dn.load_array (see that helper).
    """

    def __init__(
        self,
        tensors: Sequence[torch.Tensor],
        batch_size: int,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        self.tensors = tuple(tensors)
        self.num_examples = _check_tensors(self.tensors)
        self.batch_size = v.positive_int(batch_size, "batch_size")
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.generator = torch.Generator().manual_seed(v.non_negative_int(seed, "seed"))

    def __iter__(self) -> Iterator[tuple[torch.Tensor, ...]]:
        return minibatches(
            *self.tensors,
            batch_size=self.batch_size,
            shuffle=self.shuffle,
            generator=self.generator,
            drop_last=self.drop_last,
        )

    def __len__(self) -> int:
        if self.drop_last:
            return self.num_examples // self.batch_size
        return -(-self.num_examples // self.batch_size)

    def __repr__(self) -> str:
        shapes = ", ".join(str(tuple(t.shape)) for t in self.tensors)
        return (
            f"ArrayLoader({shapes}, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, batches={len(self)})"
        )


def load_array(
    data_arrays: Sequence[torch.Tensor], batch_size: int, is_train: bool = True, seed: int = 0
) -> ArrayLoader:
    """The book's ``load_array`` (shuffle when training), without worker processes.

    Taught in: 04 §2 (the book's data iterator for the weight-decay runs).
    """
    return ArrayLoader(data_arrays, batch_size, shuffle=is_train, seed=seed)
