"""The Colab set-up cell (scripts/colab.py): in every notebook, current, silent off Colab, and
working in a fresh environment that has only what Colab ships preinstalled."""

from __future__ import annotations

import functools
import http.server
import importlib.metadata as metadata
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import colab  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# What a Colab runtime has preinstalled, of what these notebooks use (with their own requirements).
COLAB_PREINSTALLED = [
    "torch",
    "torchvision",
    "numpy",
    "matplotlib",
    "pandas",
    "scipy",
    "ipywidgets",
]
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
REAL_VERSION = metadata.version


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_opens_with_the_current_setup_cell(path):
    nb = nbformat.read(path, as_version=4)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.get("id") == colab.CELL_ID, "the set-up cell must be the first code cell"
    assert first_code.source == colab.cell_source(*colab.setting()), (
        "stale Colab set-up cell: run `make colab`"
    )
    assert first_code.outputs == [], "off Colab the set-up cell prints nothing"


def write_pyproject(tmp_path, body: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(body)
    return path


def test_the_setting_is_read_and_checked(tmp_path):
    assert colab.setting(write_pyproject(tmp_path, "[project]\nname = 'x'\n")) == ("", "main")
    good = '[tool.d2lnotes]\nrepository = "https://github.com/o/d2lnotes"\nbranch = "dev"\n'
    assert colab.setting(write_pyproject(tmp_path, good)) == (
        "https://github.com/o/d2lnotes",
        "dev",
    )
    for bad in ("github.com/o/d2lnotes", "https://github.com/o/d2lnotes.git", "https://x/ y"):
        with pytest.raises(ValueError, match="repository"):
            colab.setting(write_pyproject(tmp_path, f'[tool.d2lnotes]\nrepository = "{bad}"\n'))


def test_stamping_inserts_then_updates_the_cell_once(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), nbformat.v4.new_code_cell("SEED = 0")]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert colab.stamp(path, colab.cell_source("", "main"))
    assert not colab.stamp(path, colab.cell_source("", "main")), "a current cell is left alone"
    assert colab.stamp(path, colab.cell_source("https://github.com/o/d2lnotes", "main"))
    cells = nbformat.read(path, as_version=4).cells
    assert [c.get("id") for c in cells[1:2]] == [colab.CELL_ID] and cells[2].source == "SEED = 0"
    assert "REPOSITORY, BRANCH = 'https://github.com/o/d2lnotes', 'main'" in cells[1].source
    assert colab.main(["--check", str(path)]) == 1, "a cell from another setting is stale"
    assert colab.main([str(tmp_path / "missing.ipynb")]) == 2


def run_cell(source: str, monkeypatch, *, on_colab: bool, missing: tuple[str, ...] = ()):
    """Execute the cell here, with pip replaced by a recorder; returns the pip calls."""
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(cmd[3:]))
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)

    def version(name):
        if canonicalize_name(name) in missing:
            raise metadata.PackageNotFoundError(name)
        return REAL_VERSION(name)

    monkeypatch.setattr(metadata, "version", version)
    exec(compile(source, "colab-setup", "exec"), {"__name__": "__main__"})
    return calls


def test_off_colab_the_cell_does_nothing(monkeypatch):
    assert (
        run_cell(colab.cell_source("", "main"), monkeypatch, on_colab=False, missing=("d2lnotes",))
        == []
    )


def test_on_colab_it_installs_only_what_is_missing(monkeypatch):
    source = colab.cell_source("https://github.com/o/d2lnotes", "main")
    monkeypatch.delenv("D2LNOTES_SOURCE", raising=False)
    calls = run_cell(source, monkeypatch, on_colab=True, missing=("d2lnotes", "d2l", "tqdm"))
    assert calls == [
        ["install", "-q", "--no-deps", "git+https://github.com/o/d2lnotes@main"],
        ["install", "-q", "--no-deps", "d2l==0.17.6"],
        ["install", "-q", "tqdm"],
    ]
    assert run_cell(source, monkeypatch, on_colab=True) == [], "nothing again once installed"


def test_on_colab_without_a_repository_it_says_what_to_do(monkeypatch):
    monkeypatch.delenv("D2LNOTES_SOURCE", raising=False)
    with pytest.raises(RuntimeError, match=r"\[tool.d2lnotes\] repository"):
        run_cell(colab.cell_source("", "main"), monkeypatch, on_colab=True, missing=("d2lnotes",))


# ---------------------------------------------------------------------------- a Colab-like machine


def preinstalled_closure(names: list[str]) -> dict[str, metadata.Distribution]:
    """These distributions of this environment and everything they require (extras aside)."""
    found: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement for another platform or Python
        found[name] = dist
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return found


def link_site(dists: dict[str, metadata.Distribution], site: Path) -> None:
    """A site-packages folder holding (as links) exactly these distributions' files."""
    site.mkdir()
    for dist in dists.values():
        base = Path(dist.locate_file(""))
        for top in {Path(f).parts[0] for f in dist.files or [] if not str(f).startswith("..")}:
            if not (site / top).exists() and (base / top).exists():
                (site / top).symlink_to(base / top)


@pytest.fixture
def fashion_mnist_mirror():
    if not DEBIAN_FASHION_MNIST.is_dir():
        pytest.skip("needs Debian's dataset-fashion-mnist to serve as the download mirror")
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(DEBIAN_FASHION_MNIST)
    )
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_the_setup_cell_on_a_colab_like_machine(tmp_path, fashion_mnist_mirror):
    """A fresh virtual environment with only Colab's preinstalled packages (linked from this one), a
    fake ``google.colab``, no Debian data and no network beyond the package index: the cell installs
    d2lnotes (from this checkout) and d2l without touching torch, numpy or matplotlib, a chapter's
    imports work, and Fashion-MNIST is downloaded (from a local mirror) and verified."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    venv_site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    colab_site = tmp_path / "colab-site"
    link_site(preinstalled_closure(COLAB_PREINSTALLED), colab_site)
    fake = tmp_path / "fake" / "google" / "colab"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (venv_site / "colab-preinstalled.pth").write_text(f"{colab_site}\n{tmp_path / 'fake'}\n")
    source = (
        tmp_path / "d2lnotes-src"
    )  # a copy: building the package must not write into the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "d2lnotes", source / "d2lnotes", ignore=shutil.ignore_patterns("__pycache__")
    )
    (tmp_path / "setup_cell.py").write_text(colab.cell_source("", "main"))
    script = tmp_path / "run.py"
    script.write_text(
        textwrap.dedent(f"""
        import dataclasses, json, sys
        from pathlib import Path
        import google.colab  # what Colab's kernel has imported
        exec(compile(Path({str(tmp_path / "setup_cell.py")!r}).read_text(), "colab-setup", "exec"))
        import d2lnotes as dn
        from d2l import torch as d2l
        import d2lnotes.datasets as datasets
        datasets.DEBIAN_ROOT = Path("/nonexistent")  # Colab has no Debian package
        datasets.FASHION_MNIST = dataclasses.replace(datasets.FASHION_MNIST,
                                                     mirrors=({fashion_mnist_mirror!r},))
        data = dn.load_fashion_mnist()
        import torch, numpy, matplotlib
        print(json.dumps({{"train": list(data.train_images.shape),
                          "test": list(data.test_images.shape), "torch": torch.__file__,
                          "numpy": numpy.__file__, "matplotlib": matplotlib.__file__}}))
    """)
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("D2LNOTES_", "VIRTUAL_ENV"))}
    env |= {
        "D2LNOTES_SOURCE": str(source),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PYTHONNOUSERSITE": "1",
        "MPLBACKEND": "Agg",
    }
    done = subprocess.run(
        [python, str(script)], env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["train"] == [60000, 1, 28, 28] and result["test"] == [10000, 1, 28, 28]
    for name in ("torch", "numpy", "matplotlib"):
        assert result[name].startswith(str(colab_site)), f"{name} was reinstalled: {result[name]}"
    installed = {p.name.split("-")[0].lower() for p in venv_site.glob("*.dist-info")}
    assert {"d2lnotes", "d2l"} <= installed
    assert not installed & {"torch", "torchvision", "numpy", "matplotlib", "pandas", "scipy"}, (
        installed
    )
    assert (tmp_path / "cache" / "d2lnotes" / "fashion-mnist").is_dir(), "downloaded into the cache"
    assert not list((tmp_path / "cache").rglob("*.part")), "no half-written download left behind"
