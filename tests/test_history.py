import numpy as np
import pytest

import d2lnotes as dn


def test_history_scalar_and_per_model_metrics():
    h = dn.History()
    h.log(1, train_loss=2.0, per_model=[1.0, 2.0])
    h.log(2, train_loss=1.0, per_model=[0.5, np.inf])
    assert h.epochs == [1, 2]
    np.testing.assert_array_equal(h["train_loss"], [2.0, 1.0])
    assert h["per_model"].shape == (2, 2)
    assert h.last("train_loss") == 1.0
    assert h.diverged("per_model") and not h.diverged("train_loss")
    assert "train_loss" in h and len(h) == 2
    assert repr(h) == "History(epochs=2, last: train_loss=1, per_model=<2 models>)"


def test_history_rejects_inconsistent_logs():
    h = dn.History()
    h.log(1, a=1.0)
    with pytest.raises(ValueError, match="after epoch"):
        h.log(1, a=2.0)
    with pytest.raises(ValueError, match="differ"):
        h.log(2, b=1.0)
    with pytest.raises(ValueError, match="at least one"):
        h.log(3)
    with pytest.raises(KeyError, match="no metric"):
        h["missing"]
