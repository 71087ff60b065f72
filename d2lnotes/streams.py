"""Independent random streams, one per purpose, from one seed.

Data, initial weights, minibatch order and dropout masks must not share a random stream: two
generators seeded alike draw the same numbers, and then (say) the initial weights *are* the first
training input.  (An expert read found exactly that in the weight-decay notebook:
``torch.normal`` and ``torch.randn`` on two ``Generator().manual_seed(seed)`` gave the same vector.)

:func:`stream_seed` derives an integer seed for a named purpose from the notebook's seed by hashing
both, so different purposes get unrelated streams and the same purpose always gets the same one;
:func:`stream` returns a fresh CPU :class:`torch.Generator` seeded that way.  Used in every chapter
as, e.g.::

    X, y = dn.synthetic_data(w, b, 20, seed=dn.stream_seed(SEED, "train data"))
    w0 = torch.randn(200, 1, generator=dn.stream(SEED, "init"))
    dn.train(..., seed=dn.stream_seed(SEED, "batches"))
"""

from __future__ import annotations

import hashlib
import re

import torch

__all__ = ["stream", "stream_seed"]

_PURPOSE = re.compile(r"^[a-z0-9][a-z0-9 _\-.]*$")


def stream_seed(seed: int, purpose: str) -> int:
    """A seed in ``[0, 2**63)`` for ``purpose`` (e.g. ``"init"``, ``"train data"``, ``"batches"``,
    ``"masks"``), derived from ``seed`` by SHA-256.  Different purposes give unrelated seeds.

    Taught in: 00 §1 (seeds the global generator before the book's d2l.synthetic_data draws
    the data).
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if not isinstance(purpose, str) or not _PURPOSE.match(purpose):
        raise ValueError(
            f"purpose must be a lower-case name such as 'init' or 'train data', got {purpose!r}"
        )
    digest = hashlib.sha256(f"d2lnotes:{seed}:{purpose}".encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


def stream(seed: int, purpose: str) -> torch.Generator:
    """A fresh CPU generator for ``purpose``: make data and initial weights on the CPU with it,
    then move them to the device (so CPU and CUDA runs start from identical tensors).

    Taught in: 00 §2 (a CPU generator of its own for the initial weights).
    """
    return torch.Generator().manual_seed(stream_seed(seed, purpose))
