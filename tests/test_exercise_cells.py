"""Exercises work for learners: without the solution cells, every check cell fails helpfully.

For each notebook: every cell tagged ``exercise`` (the learner's stub) is followed by a
cell tagged ``solution`` and then by a check cell calling ``dn.check_*``.  The notebook
is executed with the solution cells removed (the student's view): each check cell must
raise ``ExerciseFeedback`` saying the answer is missing, and no other cell may fail.
With the solutions (the committed notebook) nbval already runs every check.
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def _tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def _is_check(cell):
    return cell.cell_type == "code" and "dn.check_" in cell.source


def _with_exercises():
    return [
        nb for nb in NOTEBOOKS if any("exercise" in _tags(c) for c in nbformat.read(nb, 4).cells)
    ]


@pytest.mark.parametrize("path", _with_exercises(), ids=lambda p: p.name)
def test_exercise_solution_check_triples(path):
    cells = nbformat.read(path, 4).cells
    for i, cell in enumerate(cells):
        if "exercise" in _tags(cell):
            assert "..." in cell.source, f"cell {i}: an exercise stub should hold `...`"
            assert "solution" in _tags(cells[i + 1]), f"cell {i + 1} should be the solution"
            assert _is_check(cells[i + 2]), f"cell {i + 2} should check the answer"
        if "solution" in _tags(cell):
            assert "exercise" in _tags(cells[i - 1]), f"solution cell {i} has no exercise stub"


@pytest.mark.parametrize("path", _with_exercises(), ids=lambda p: p.name)
def test_student_edition_fails_helpfully(path):
    nb = nbformat.read(path, 4)
    nb.cells = [c for c in nb.cells if "solution" not in _tags(c)]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    checks = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if _is_check(cell) and any("exercise" in _tags(c) for c in nb.cells[:i]):
            checks += 1
            assert errors, f"check cell {i} passed without an answer"
            assert errors[0].ename == "ExerciseFeedback", f"cell {i}: {errors[0].ename}"
            assert "not answered yet" in errors[0].evalue, errors[0].evalue
        else:
            assert not errors, f"cell {i} failed: {errors[0].ename}: {errors[0].evalue}"
    assert checks > 0
