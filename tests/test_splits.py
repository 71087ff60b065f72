import pytest
import torch

import d2lnotes as dn


def test_train_val_split_partitions_the_examples():
    X = torch.arange(10.0).reshape(10, 1)
    y = torch.arange(10)
    (Xt, yt), (Xv, yv) = dn.train_val_split(X, y, val_size=3, seed=0)
    assert len(yt) == 7 and len(yv) == 3
    assert sorted(torch.cat([yt, yv]).tolist()) == list(range(10))
    assert torch.equal(Xt[:, 0].long(), yt) and torch.equal(Xv[:, 0].long(), yv)
    (_, yt2), (_, yv2) = dn.train_val_split(X, y, val_size=3, seed=0)
    assert torch.equal(yv, yv2)
    (_, yt3), (_, yv3) = dn.train_val_split(X, y, val_size=0.5, seed=1)
    assert len(yv3) == 5 and not torch.equal(yv3[:3], yv)


@pytest.mark.parametrize(
    "val_size, err, match",
    [
        (0, ValueError, "empty split"),
        (10, ValueError, "empty split"),
        (0.0, ValueError, r"\(0, 1\)"),
        (1.0, ValueError, r"\(0, 1\)"),
        (0.01, ValueError, "empty split"),
        ("3", TypeError, "int or a float"),
    ],
)
def test_train_val_split_rejects_empty_splits(val_size, err, match):
    with pytest.raises(err, match=match):
        dn.train_val_split(torch.ones(10, 2), torch.ones(10), val_size)


def test_train_val_split_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same number of examples"):
        dn.train_val_split(torch.ones(10, 2), torch.ones(9), 2)


def test_stack_datasets_layout():
    sets = [(torch.full((4, 2), float(i)), torch.full((4, 1), 10.0 + i)) for i in range(3)]
    X, y = dn.stack_datasets(sets, repeat=2)
    assert X.shape == (4, 6, 2) and y.shape == (4, 6)
    assert X[0, :, 0].tolist() == [0, 0, 1, 1, 2, 2]  # model m sees data set m // repeat
    assert y[0].tolist() == [10, 10, 11, 11, 12, 12]


def test_stack_datasets_rejects_bad_input():
    with pytest.raises(ValueError, match="at least one"):
        dn.stack_datasets([])
    with pytest.raises(ValueError, match="equal shapes"):
        dn.stack_datasets([(torch.ones(4, 2), torch.ones(4)), (torch.ones(5, 2), torch.ones(5))])
    with pytest.raises(TypeError, match="pair"):
        dn.stack_datasets([torch.ones(4, 2)])
    with pytest.raises(ValueError, match="repeat"):
        dn.stack_datasets([(torch.ones(4, 2), torch.ones(4))], repeat=0)
    with pytest.raises(ValueError, match=r"\(n,\) or \(n, 1\)"):
        dn.stack_datasets([(torch.ones(4, 2), torch.ones(4, 2))])
