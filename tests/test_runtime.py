import random

import numpy as np
import pytest
import torch

import d2lnotes as dn
from d2lnotes import runtime


def test_seed_everything_repeats_all_generators():
    g = runtime.seed_everything(123)
    a = (random.random(), np.random.rand(), torch.rand(1).item(), torch.rand(1, generator=g).item())
    g = runtime.seed_everything(123)
    b = (random.random(), np.random.rand(), torch.rand(1).item(), torch.rand(1, generator=g).item())
    assert a == b


@pytest.mark.parametrize("bad", [-1, 1.5, "0", True])
def test_seed_everything_rejects_bad_seed(bad):
    with pytest.raises(ValueError, match="seed"):
        runtime.seed_everything(bad)


def test_set_threads_argument_env_and_default(monkeypatch):
    before = torch.get_num_threads()
    try:
        assert runtime.set_threads(1) == 1
        monkeypatch.setenv("D2LNOTES_THREADS", "2")
        assert runtime.set_threads() == 2
        monkeypatch.delenv("D2LNOTES_THREADS")
        assert runtime.set_threads() == 1  # DEFAULT_THREADS
        monkeypatch.setenv("D2LNOTES_THREADS", "many")
        with pytest.raises(ValueError, match="D2LNOTES_THREADS"):
            runtime.set_threads()
        with pytest.raises(ValueError, match="num_threads"):
            runtime.set_threads(-2)
    finally:
        torch.set_num_threads(before)


def test_get_device_precedence(monkeypatch):
    monkeypatch.setenv("D2LNOTES_DEVICE", "cpu")
    assert runtime.get_device() == torch.device("cpu")
    assert runtime.get_device("cpu") == torch.device("cpu")
    monkeypatch.delenv("D2LNOTES_DEVICE")
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert runtime.get_device().type == expected


def test_get_device_refuses_missing_or_unknown(monkeypatch):
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            runtime.get_device("cuda")
        monkeypatch.setenv("D2LNOTES_DEVICE", "cuda:0")
        with pytest.raises(RuntimeError, match="CUDA"):
            runtime.get_device()
    with pytest.raises(ValueError, match="device"):
        runtime.get_device("tpu-please")


def test_notebook_setup_outside_ipython_returns_device():
    before = torch.get_num_threads()
    try:
        dev = dn.notebook_setup(seed=3, threads=1, device="cpu")
        assert dev == torch.device("cpu")
        assert torch.get_num_threads() == 1
        # seeded: the next draw is the same as after seed_everything(3)
        x = torch.rand(1).item()
        runtime.seed_everything(3)
        assert torch.rand(1).item() == x
    finally:
        torch.set_num_threads(before)
