"""Write the student edition of the notebooks (``make student`` -> build/student/).

The repository is the instructor edition.  The student edition is the same
notebooks with every cell tagged ``solution`` removed, and the outputs of the
exercise stubs and of their check cells cleared (a saved "Correct: ..." would
give the answer away).  Everything else keeps its outputs, so the lesson reads as
rendered.  Executed, each check cell then stops with "not answered yet" until the
learner fills in the stub above it (``tests/test_exercise_cells.py``).
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def is_check(cell) -> bool:
    return cell.cell_type == "code" and "dn.check_" in cell.source


def student_version(nb):
    """A copy of ``nb`` without solution cells, exercise and check outputs cleared."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if "solution" not in tags(c)]
    seen_exercise = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "exercise" in tags(cell):
            seen_exercise = True
        if "exercise" in tags(cell) or (seen_exercise and is_check(cell)):
            cell.outputs = []
            cell.execution_count = None
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("build/student"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        student = student_version(nb)
        removed = len(nb.cells) - len(student.cells)
        target = args.out / path.name
        tmp = target.with_suffix(".ipynb.tmp")
        nbformat.write(student, tmp)
        tmp.replace(target)  # never leave a half-written notebook behind
        print(f"{target}: {removed} solution cell(s) removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
