"""Independent random streams: the bug class of two purposes on one seed."""

import itertools

import pytest
import torch

import d2lnotes as dn

PURPOSES = ["train data", "test data", "validation data", "init", "batches", "masks", "split"]


def test_same_purpose_same_stream_and_cpu_generator():
    a = torch.randn(5, generator=dn.stream(3, "init"))
    b = torch.randn(5, generator=dn.stream(3, "init"))
    assert torch.equal(a, b)
    assert dn.stream(3, "init").device.type == "cpu"
    assert 0 <= dn.stream_seed(3, "init") < 2**63


def test_no_two_purposes_or_seeds_share_a_stream():
    """Fails if any two (seed, purpose) pairs map to the same stream, or if a purpose's stream
    equals the plain ``manual_seed(seed)`` stream (the coupling found in the weight-decay
    chapter)."""
    seeds = {(s, p): dn.stream_seed(s, p) for s in range(50) for p in PURPOSES}
    assert len(set(seeds.values())) == len(seeds)
    for s in range(50):
        plain = torch.randn(200, generator=torch.Generator().manual_seed(s))
        draws = {p: torch.randn(200, generator=dn.stream(s, p)) for p in PURPOSES}
        for p, q in itertools.combinations(PURPOSES, 2):
            cos = torch.nn.functional.cosine_similarity(draws[p], draws[q], dim=0)
            assert abs(cos) < 0.35, (s, p, q)  # independent 200-vectors: |cos| ~ 0.07
        for p in PURPOSES:
            assert abs(torch.nn.functional.cosine_similarity(draws[p], plain, dim=0)) < 0.35


def test_initial_weights_are_not_the_first_training_input():
    X, _ = dn.synthetic_data(torch.ones(200) * 0.01, 0.05, 20, seed=dn.stream_seed(0, "train data"))
    w = torch.normal(0, 1, size=(200,), generator=dn.stream(0, "init"))
    cos = torch.nn.functional.cosine_similarity(X, w.expand_as(X), dim=1)
    assert cos.abs().max() < 0.35
    # the bug this prevents: two generators seeded alike
    X_bad, _ = dn.synthetic_data(torch.ones(200) * 0.01, 0.05, 20, seed=0)
    w_bad = torch.normal(0, 1, size=(200,), generator=torch.Generator().manual_seed(0))
    assert torch.nn.functional.cosine_similarity(X_bad[0], w_bad, dim=0) > 0.9


@pytest.mark.parametrize(
    "seed, purpose", [(-1, "init"), (1.5, "init"), (True, "init"), (0, ""), (0, "Init"), (0, 3)]
)
def test_bad_input_is_named(seed, purpose):
    with pytest.raises(ValueError, match="seed|purpose"):
        dn.stream_seed(seed, purpose)
