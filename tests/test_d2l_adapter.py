"""The book's own d2l 0.17.6, adapted: offline Fashion-MNIST, PNG, no workers; and our faster
or deterministic helpers give the same results as the book's functions on the same inputs."""

import urllib.request
import warnings

import pytest
import torch
import torchvision
from d2l import torch as d2l
from matplotlib_inline import backend_inline
from torch import nn

import d2lnotes as dn
from d2lnotes.d2l_adapter import provide_fashion_mnist
from d2lnotes.datasets import FASHION_MNIST


def _no_network(*args, **kwargs):
    raise AssertionError("the adapted d2l tried to download")


@pytest.fixture(scope="module")
def fmnist():
    return dn.load_fashion_mnist()


@pytest.fixture
def adapted(tmp_path, monkeypatch):
    """d2l adapted from inside a notebooks/ folder, as in Jupyter, with the network cut."""
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)
    saved = {name: getattr(d2l, name) for name in ("use_svg_display", "get_dataloader_workers")}
    yield dn.adapt_d2l(d2l)
    for name, fn in saved.items():
        setattr(d2l, name, fn)


def test_the_books_loader_reads_our_verified_files_offline(adapted, tmp_path, fmnist):
    raw = tmp_path / "data" / "FashionMNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(
        spec.name for spec in FASHION_MNIST.files.values()
    )  # no temporary files left
    train_iter, test_iter = d2l.load_data_fashion_mnist(256)
    assert train_iter.num_workers == 0 and test_iter.num_workers == 0
    assert len(train_iter.dataset) == 60_000 and len(test_iter.dataset) == 10_000
    X, y = next(iter(test_iter))  # the test loader does not shuffle
    assert X.shape == (256, 1, 28, 28) and X.dtype == torch.float32
    assert torch.equal(X, fmnist.test_images[:256]) and torch.equal(y, fmnist.test_labels[:256])
    X, y = next(iter(d2l.load_data_fashion_mnist(32, resize=64)[1]))
    assert X.shape == (32, 1, 64, 64)


def test_provide_replaces_a_corrupt_file_and_keeps_good_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(urllib.request, "urlopen", _no_network)
    raw = provide_fashion_mnist(tmp_path)
    labels = raw / "t10k-labels-idx1-ubyte"
    images = raw / "train-images-idx3-ubyte"
    good_mtime = images.stat().st_mtime_ns
    labels.write_bytes(labels.read_bytes()[:100])  # truncated
    provide_fashion_mnist(tmp_path)
    assert labels.stat().st_size == 10_008 and images.stat().st_mtime_ns == good_mtime
    data = torchvision.datasets.FashionMNIST(tmp_path, train=False, download=False)
    assert len(data) == 10_000
    assert not list(raw.glob("*.part"))


def test_adapt_draws_png_and_uses_no_workers(adapted, monkeypatch):
    formats = []
    monkeypatch.setattr(backend_inline, "set_matplotlib_formats", lambda *f: formats.append(f))
    d2l.set_figsize((3, 2))  # the book's helper calls use_svg_display()
    assert formats == [("png",)]
    assert d2l.get_dataloader_workers() == 0


def test_adapt_rejects_what_is_not_the_books_module():
    with pytest.raises(TypeError, match="from d2l import torch as d2l"):
        dn.adapt_d2l(torch)
    with pytest.raises(TypeError, match="from d2l import torch as d2l"):
        dn.adapt_d2l("d2l")
    with pytest.raises(TypeError, match="data_root must be a path"):
        provide_fashion_mnist(3)


def test_adapt_rejects_another_d2l_version(monkeypatch):
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "version", lambda name: "1.0.3")
    with pytest.raises(RuntimeError, match="d2l==0.17.6"):
        dn.adapt_d2l(d2l)


def _classification(n=300, seed=0):
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 4, generator=gen)
    y = (X[:, 0] - X[:, 1] + 0.3 * torch.randn(n, generator=gen) > 0).long()
    return X, y


def test_the_books_training_epoch_runs_without_a_warning(adapted):
    X, y = _classification()
    net = nn.Linear(4, 2)
    with warnings.catch_warnings(record=True) as caught:
        d2l.train_epoch_ch3(
            net,
            d2l.load_array((X, y), 50),
            nn.CrossEntropyLoss(reduction="none"),
            torch.optim.SGD(net.parameters(), lr=0.1),
        )
    assert not [w for w in caught if "requires_grad" in str(w.message)]


def test_evaluate_accuracy_equals_the_books():
    X, y = _classification()
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    loader = d2l.load_array((X, y), 64, is_train=False)
    ours = dn.evaluate_accuracy(net, loader)
    assert ours == d2l.evaluate_accuracy(net, loader)
    assert ours == dn.evaluate_accuracy(net, (X, y)) == dn.evaluate_accuracy(net, (X, y), 7)
    assert 0 < ours < 1


def test_evaluate_loss_equals_the_books():
    X, _ = _classification()
    y = X @ torch.tensor([1.0, -2.0, 0.5, 0.0]) + 0.1
    net = nn.Linear(4, 1)
    book = d2l.evaluate_loss(net, d2l.load_array((X, y), 64, False), nn.MSELoss(reduction="none"))
    ours = dn.evaluate_loss(net, (X, y.reshape(-1, 1)), nn.MSELoss())
    assert ours == pytest.approx(float(book), rel=1e-6)


def test_synthetic_data_equals_the_books_with_the_same_seed():
    w, b = torch.tensor([2.0, -3.4]), 4.2
    torch.manual_seed(7)
    X_book, y_book = d2l.synthetic_data(w, b, 1000)
    X, y = dn.synthetic_data(w, b, 1000, seed=7)
    assert torch.equal(X, X_book)
    torch.testing.assert_close(y, y_book, rtol=0, atol=1e-6)


def test_load_array_gives_the_books_batches_in_order():
    X, y = _classification(n=130)
    book = list(d2l.load_array((X, y), 50, is_train=False))
    ours = list(dn.load_array((X, y), 50, is_train=False))
    assert len(book) == len(ours) == 3
    for (Xb, yb), (Xo, yo) in zip(book, ours, strict=True):
        assert torch.equal(Xb, Xo) and torch.equal(yb, yo)


def test_train_takes_the_books_step(adapted):
    """One full-batch epoch: ``dn.train(lr=...)`` and the book's ``train_epoch_ch3`` with
    ``torch.optim.SGD`` on a per-example loss end at the same weights."""
    X, y = _classification(n=64)
    torch.manual_seed(1)
    book_net = nn.Linear(4, 2)
    our_net = nn.Linear(4, 2)
    our_net.load_state_dict(book_net.state_dict())
    d2l.train_epoch_ch3(
        book_net,
        [(X, y)],
        nn.CrossEntropyLoss(reduction="none"),
        torch.optim.SGD(book_net.parameters(), lr=0.3),
    )
    dn.train(our_net, nn.CrossEntropyLoss(), (X, y), num_epochs=1, batch_size=64, lr=0.3)
    for p, q in zip(book_net.parameters(), our_net.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=0, atol=1e-7)


def test_adapt_without_fashion_mnist_writes_nothing(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert dn.adapt_d2l(d2l, fashion_mnist=False) is d2l
    assert d2l.get_dataloader_workers() == 0
    assert not (tmp_path / "data").exists()


def test_the_books_animator_shows_one_figure_updated_in_place(adapted, monkeypatch):
    """nbval ignores clear_output: the adapted display shows each figure once, then updates it."""
    from IPython import display as ipython_display

    calls = []

    class Handle:
        def update(self, obj):
            calls.append(("update", obj))

    def fake_display(obj, *args, display_id=None, **kwargs):
        calls.append(("display", obj, display_id))
        return Handle() if display_id else None

    monkeypatch.setattr(ipython_display, "display", fake_display)
    animator = d2l.Animator(xlim=[1, 3], legend=["loss"])
    for epoch in range(1, 4):
        animator.add(epoch, (1.0 / epoch,))
    assert [c[0] for c in calls] == ["display", "update", "update"]
    assert calls[0][1] is animator.fig and calls[0][2] is True
    d2l.display.display("text")  # anything else goes straight through
    assert calls[-1] == ("display", "text", None)
