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
import sys
from pathlib import Path

import nbformat

from d2lnotes.nbtools import student_version


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
