"""Re-execute notebooks top to bottom and save them with their outputs (``make notebooks``).

Each notebook runs in its own folder with the current Python environment's kernel.  Saving is
diff-quiet (:func:`d2lnotes.nbtools.finish_for_saving`): no timing metadata, widget ids
renumbered deterministically, progress bars dropped, and the machine that made the outputs
recorded, which README's note then states.  A notebook is written only after it executed without
error, through a temporary file, so a failure never leaves a half-written notebook.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from d2lnotes import nbtools

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path, timeout: int = 900) -> float:
    """Execute and re-save one notebook; returns the seconds it took."""
    nb, elapsed = nbtools.run_notebook(path, timeout=timeout)
    nbtools.finish_for_saving(nb, name=path.name)
    nbformat.validate(nb)
    tmp = path.with_name(path.name + ".tmp")
    nbformat.write(nb, tmp)
    tmp.replace(path)
    return elapsed


def update_readme(readme: Path = ROOT / "README.md") -> None:
    made_on = {}
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        meta = nbformat.read(nb_path, as_version=4).metadata.get("d2lnotes", {})
        made_on[nb_path.name] = meta.get("outputs_made_on", {})
    readme.write_text(nbtools.replace_note(readme.read_text(), nbtools.outputs_note(made_on)))


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: execute_notebooks.py NOTEBOOK.ipynb [...]", file=sys.stderr)
        return 2
    for p in paths:
        if not Path(p).is_file():
            print(f"no such notebook: {p}", file=sys.stderr)
            return 2
    for p in paths:
        path = Path(p)
        print(f"executing {path} ...", flush=True)
        print(f"  saved in {execute(path):.1f} s", flush=True)
    update_readme()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
