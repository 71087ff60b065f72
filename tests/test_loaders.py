import pytest
import torch

import d2lnotes as dn


def test_minibatches_cover_every_example_once():
    X = torch.arange(23.0).reshape(23, 1)
    y = torch.arange(23)
    seen = []
    sizes = []
    for Xb, yb in dn.minibatches(X, y, batch_size=5, generator=torch.Generator().manual_seed(0)):
        assert torch.equal(Xb.reshape(-1).long(), yb)  # rows stay aligned
        seen += yb.tolist()
        sizes.append(len(yb))
    assert sorted(seen) == list(range(23))
    assert sizes == [5, 5, 5, 5, 3]
    assert seen != list(range(23))  # shuffled


def test_minibatches_no_shuffle_and_drop_last():
    X = torch.arange(10.0)
    batches = [b for (b,) in dn.minibatches(X, batch_size=4, shuffle=False, drop_last=True)]
    assert [b.tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_minibatches_are_seeded():
    X = torch.arange(50.0)
    a = [b for (b,) in dn.minibatches(X, batch_size=7, generator=torch.Generator().manual_seed(3))]
    b = [b for (b,) in dn.minibatches(X, batch_size=7, generator=torch.Generator().manual_seed(3))]
    assert all(torch.equal(p, q) for p, q in zip(a, b, strict=True))


@pytest.mark.parametrize(
    "tensors, batch_size, match",
    [
        ((torch.ones(3), torch.ones(4)), 2, "same number of examples"),
        ((torch.ones(3),), 0, "batch_size"),
        ((torch.ones(3),), -1, "batch_size"),
        ((), 2, "at least one"),
        ((torch.ones(0),), 2, "no examples"),
        ((torch.tensor(1.0),), 2, "scalar"),
    ],
)
def test_minibatches_reject_bad_input(tensors, batch_size, match):
    with pytest.raises(ValueError, match=match):
        list(dn.minibatches(*tensors, batch_size=batch_size))


def test_array_loader_reshuffles_each_epoch_and_repeats_with_seed():
    X = torch.arange(12.0)
    loader = dn.load_array((X,), batch_size=5, seed=1)
    assert len(loader) == 3
    e1 = torch.cat([b for (b,) in loader])
    e2 = torch.cat([b for (b,) in loader])
    assert sorted(e1.tolist()) == sorted(e2.tolist()) == list(range(12))
    assert not torch.equal(e1, e2)
    again = dn.load_array((X,), batch_size=5, seed=1)
    assert torch.equal(torch.cat([b for (b,) in again]), e1)
    test_loader = dn.load_array((X,), batch_size=5, is_train=False)
    assert torch.equal(torch.cat([b for (b,) in test_loader]), X)
    assert "batch_size=5" in repr(loader) and "0x" not in repr(loader)
    assert len(dn.ArrayLoader((X,), 5, drop_last=True)) == 2


def test_random_minibatches_draw_with_replacement_on_the_cpu():
    X, y = torch.arange(10.0).reshape(10, 1), torch.arange(10)
    batches = list(dn.random_minibatches(X, y, 4, 3, torch.Generator().manual_seed(0)))
    g = torch.Generator().manual_seed(0)
    expected = [torch.randint(0, 10, (4,), generator=g) for _ in range(3)]
    assert len(batches) == 3
    for (Xb, yb), idx in zip(batches, expected):
        assert Xb.shape == (4, 1) and torch.equal(yb, idx) and torch.equal(Xb[:, 0], idx.float())
    assert list(dn.random_minibatches(X, y, 4, 0, torch.Generator())) == []


def test_random_minibatches_refuse_bad_input():
    X, y = torch.zeros(5, 2), torch.zeros(5)
    with pytest.raises(ValueError, match="generator must be a CPU"):
        dn.random_minibatches(X, y, 2, 3, None)
    with pytest.raises(ValueError, match="batch_size"):
        dn.random_minibatches(X, y, 0, 3, torch.Generator())
    with pytest.raises(ValueError, match="num_batches"):
        dn.random_minibatches(X, y, 2, -1, torch.Generator())
    with pytest.raises(ValueError):
        dn.random_minibatches(X, y[:4], 2, 3, torch.Generator())
