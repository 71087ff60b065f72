"""The set-up cell that lets every chapter run on Google Colab (``make colab``).

Each notebook opens with the same code cell (cell id ``colab-setup``). Off Colab it does nothing and
prints nothing. On Colab it installs what Colab lacks -- this package, from the repository named in
``pyproject.toml`` (``[tool.d2lnotes] repository``, ``branch``), and the book's ``d2l==0.17.6`` --
both with ``--no-deps``, so Colab's own torch, numpy and matplotlib are never replaced (d2l 0.17.6
pins numpy 1.21 and matplotlib 3.5), then any other requirement of d2lnotes that is missing, by
name only (JupyterLab aside: Colab has its own front end). Fashion-MNIST needs nothing here:
``dn.load_fashion_mnist`` downloads and verifies it on first use when Debian's package is absent.

    python scripts/colab.py NOTEBOOK...          write the cell (from the current setting) into each
    python scripts/colab.py --check NOTEBOOK...  exit 1, naming them, if a notebook's cell is stale

The same setting gives the course site its launch buttons (``build_site.py``).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CELL_ID = "colab-setup"
BOOK_D2L = "d2l==0.17.6"
NOT_ON_COLAB = ("jupyterlab",)  # requirements Colab does without (it has its own front end)

TEMPLATE = """\
# Google Colab set-up (elsewhere this cell does nothing): installs what Colab lacks, d2lnotes
# and the book's d2l 0.17.6, without replacing Colab's torch, numpy or matplotlib.
# The data are downloaded on first use.
import sys

# From pyproject.toml's [tool.d2lnotes]; `make colab` writes them here.
REPOSITORY, BRANCH = {repository!r}, {branch!r}

if "google.colab" in sys.modules:
    import importlib
    import importlib.metadata as metadata
    import os
    import re
    import subprocess

    def pip_install(*args):
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *args], check=True)

    def installed(name):
        try:
            return bool(metadata.version(name))
        except metadata.PackageNotFoundError:
            return False

    if not installed("d2lnotes"):
        source = os.environ.get("D2LNOTES_SOURCE") or (
            REPOSITORY and f"git+{{REPOSITORY}}@{{BRANCH}}"
        )
        if not source:
            raise RuntimeError(
                "these notebooks name no repository to install d2lnotes from: set "
                "[tool.d2lnotes] repository in pyproject.toml and run `make colab`, "
                "or pip install d2lnotes yourself and rerun this cell"
            )
        pip_install("--no-deps", source)  # its other requirements: checked one by one below
    if not installed("d2l"):
        # d2l's own pins (numpy 1.21, matplotlib 3.5) would break Colab: no dependencies
        pip_install("--no-deps", {book_d2l!r})
    wanted = [re.match(r"[A-Za-z0-9_.-]+", r).group() for r in metadata.requires("d2lnotes") or []
              if "extra ==" not in r]
    missing = [name for name in wanted if name not in {not_on_colab!r} and not installed(name)]
    if missing:
        pip_install(*missing)
    importlib.invalidate_caches()
"""


def setting(pyproject: Path = ROOT / "pyproject.toml") -> tuple[str, str]:
    """``(repository URL, branch)`` from ``[tool.d2lnotes]``; the URL is "" when unset.

    Raises ``ValueError`` unless the URL is ``https://...`` without a trailing slash or ``.git``.
    """
    table = tomllib.loads(pyproject.read_text()).get("tool", {}).get("d2lnotes", {})
    repository = str(table.get("repository", "")).strip()
    branch = str(table.get("branch", "main")).strip() or "main"
    if repository and (
        not repository.startswith("https://")
        or repository.endswith(("/", ".git"))
        or " " in repository
    ):
        raise ValueError(
            f"[tool.d2lnotes] repository = {repository!r} in pyproject.toml: give the repository's "
            "https:// address, e.g. https://github.com/OWNER/d2lnotes (no trailing / or .git)"
        )
    return repository, branch


def cell_source(repository: str, branch: str) -> str:
    return TEMPLATE.format(
        repository=repository, branch=branch, book_d2l=BOOK_D2L, not_on_colab=NOT_ON_COLAB
    )


def setup_cell(nb):
    """The notebook's set-up cell, or None."""
    return next((c for c in nb.cells if c.get("id") == CELL_ID), None)


def stamp(path: Path, source: str) -> bool:
    """Write the set-up cell into ``path`` (as its first code cell); True if the file changed."""
    nb = nbformat.read(path, as_version=4)
    cell = setup_cell(nb)
    if cell is not None and cell.source == source:
        return False
    if cell is None:
        cell = nbformat.v4.new_code_cell(source)
        cell["id"] = CELL_ID
        first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
        nb.cells.insert(first_code, cell)
    cell.source = source
    cell.outputs, cell.execution_count = [], None
    nbformat.validate(nb)
    tmp = path.with_name(path.name + ".tmp")
    nbformat.write(nb, tmp)
    tmp.replace(path)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale set-up cells")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        print(f"no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    source = cell_source(*setting())
    if args.check:
        stale = [
            str(p)
            for p in args.notebooks
            if getattr(setup_cell(nbformat.read(p, as_version=4)), "source", None) != source
        ]
        if stale:
            print(
                "stale Colab set-up cell (run `make colab`): " + ", ".join(stale), file=sys.stderr
            )
            return 1
        return 0
    for p in args.notebooks:
        print(f"{p}: {'updated' if stamp(p, source) else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
