"""Exercises work for learners: without the solution cells, every check cell fails helpfully.

For each notebook: every cell tagged ``exercise`` (the learner's stub) is followed by a
cell tagged ``solution`` and then by a check cell calling ``dn.check_*``.  The notebook
is executed with the solution cells removed (the student's view): each check cell must
raise ``ExerciseFeedback`` saying the answer is missing, and no other cell may fail.  In the
same run, wrong implementations catalogued in ``tests/grading_cases`` (3 per exercise; all with
``D2LNOTES_ALL_MISTAKES=1``) are put through the
visible check cell and must get feedback (``ExerciseFeedback``), not pass and not crash.
With the solutions (the committed notebook) nbval already runs every check.
"""

import importlib.util
import json
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest

from d2lnotes import nbtools

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "scripts"))
from student_edition import main as write_student_edition  # noqa: E402


_tags = nbtools.cell_tags
_is_check = nbtools.is_check_cell


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


def _catalogued_mistakes(stem: str) -> dict[int, list[str]]:
    """Exercise number -> sources of its catalogued wrong implementations (tests/grading_cases)."""
    path = ROOT / "tests" / "grading_cases" / f"{stem}.py"
    if not path.exists():
        return {}
    spec = importlib.util.spec_from_file_location(f"_cases_{stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {int(ex[2:]): [src for src, _ in items] for ex, items in module.MISTAKES.items()}


_TRY_MISTAKE = """\
import json as _json
try:
    exec(compile({mistake!r}, "<catalogued mistake>", "exec"), globals())
    exec(compile({check!r}, "<check cell>", "exec"), globals())
    _verdict = "passed"
except Exception as _error:
    _verdict = f"{{type(_error).__name__}}: {{_error}}"
print("MISTAKE-RESULT " + _json.dumps([{number}, {index}, _verdict]))
"""


# Each probe re-runs a check cell (some draw a million weights or check gradients by finite
# differences), so by default 3 catalogued mistakes per exercise, spread over the catalogue, go
# through the visible check; D2LNOTES_ALL_MISTAKES=1 puts every one through (about 15 minutes
# more).  Every catalogued mistake always goes through the hidden tests (test_hidden_checks.py).
PROBES_PER_EXERCISE = None if os.environ.get("D2LNOTES_ALL_MISTAKES") == "1" else 3


def _spread(n: int) -> list[int]:
    """Indices of the catalogue to probe: all, or PROBES_PER_EXERCISE spread from first to last."""
    k = PROBES_PER_EXERCISE
    if k is None or n <= k:
        return list(range(n))
    return sorted({round(i * (n - 1) / (k - 1)) for i in range(k)})


def _with_mistakes_after_checks(nb, stem: str) -> int:
    """After each exercise's check cell, add one cell per catalogued mistake that defines the wrong
    implementation, runs the visible check cell on it and prints the verdict.  Returns how many."""
    mistakes = _catalogued_mistakes(stem)
    cells, number, added = [], 0, 0
    for cell in nb.cells:
        cells.append(cell)
        if "exercise" in _tags(cell):
            number += 1
        elif _is_check(cell) and number and cell.source and mistakes.get(number):
            catalogue = mistakes.pop(number)
            for index in _spread(len(catalogue)):
                source = catalogue[index]
                code = _TRY_MISTAKE.format(
                    mistake=source, check=cell.source, number=number, index=index
                )
                probe = nbformat.v4.new_code_cell(code)
                probe.metadata["tags"] = ["mistake-probe"]
                cells.append(probe)
                added += 1
    nb.cells = cells
    return added


@pytest.mark.parametrize("path", _with_exercises(), ids=lambda p: p.name)
def test_student_edition_fails_helpfully(path):
    """The student edition runs, every check cell says "not answered yet", and every catalogued
    mistake (tests/grading_cases) fails the visible check cell with feedback, not a crash."""
    nb = nbtools.student_version(nbformat.read(path, 4))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    added = _with_mistakes_after_checks(nb, path.stem)
    nbtools.execute_notebook(nb, path.parent, timeout=600, allow_errors=True)
    verdicts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("output_type") == "stream" else ""
            for line in text.splitlines():
                if line.startswith("MISTAKE-RESULT "):
                    verdicts.append(json.loads(line.removeprefix("MISTAKE-RESULT ")))
    assert len(verdicts) == added
    for number, index, verdict in verdicts:
        where = f"exercise {number}, catalogued mistake {index}"
        assert verdict.startswith("ExerciseFeedback: "), f"{where}: the check cell gave {verdict!r}"
        assert "not answered yet" not in verdict, f"{where}: {verdict}"
    checks = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if (
            _is_check(cell)
            and "mistake-probe" not in _tags(cell)
            and any("exercise" in _tags(c) for c in nb.cells[:i])
        ):
            checks += 1
            assert errors, f"check cell {i} passed without an answer"
            assert errors[0].ename == "ExerciseFeedback", f"cell {i}: {errors[0].ename}"
            assert "not answered yet" in errors[0].evalue, errors[0].evalue
        else:
            assert not errors, f"cell {i} failed: {errors[0].ename}: {errors[0].evalue}"
    assert checks > 0


def test_student_edition_files_hold_no_solutions(tmp_path):
    assert write_student_edition([str(p) for p in NOTEBOOKS] + ["--out", str(tmp_path)]) == 0
    for path in NOTEBOOKS:
        original = nbformat.read(path, 4)
        student = nbformat.read(tmp_path / path.name, 4)
        solutions = [c.source for c in original.cells if "solution" in _tags(c)]
        assert not any("solution" in _tags(c) for c in student.cells)
        sources = [c.source for c in student.cells]
        assert not any(sol in sources for sol in solutions)
        assert len(student.cells) == len(original.cells) - len(solutions)
        seen_exercise = False
        for cell in student.cells:
            if "exercise" in _tags(cell):
                seen_exercise = True
            if cell.cell_type == "code" and (
                "exercise" in _tags(cell) or (seen_exercise and _is_check(cell))
            ):
                assert cell.outputs == [], "a check cell's saved output would reveal the answer"
        # the lesson itself keeps its rendered outputs
        assert sum(bool(c.get("outputs")) for c in student.cells if c.cell_type == "code") > 0
    assert not list(tmp_path.glob("*.tmp"))


ENGLISH_FRAMING = ("not answered yet", "not quite", "Hint:", "Correct:", "expected shape")


@pytest.mark.parametrize("stem", ["06_backprop"])
def test_the_chinese_student_edition_answers_in_chinese(stem, monkeypatch):
    """The Chinese student edition runs the same checks, and every check cell and every one of the
    chapter's catalogued mistakes gets its feedback in Chinese (d2lnotes.i18n at run time)."""
    import translations  # scripts/translations.py

    monkeypatch.setattr(sys.modules[__name__], "PROBES_PER_EXERCISE", None)  # all of them
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    nb = nbtools.student_version(translations.translate_notebook(path))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    added = _with_mistakes_after_checks(nb, stem)
    assert added >= 10
    nbtools.execute_notebook(nb, path.parent, timeout=600, allow_errors=True)
    messages = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") == "ExerciseFeedback":
                messages.append(output["evalue"])
            for line in (output.get("text", "") or "").splitlines():
                if line.startswith("MISTAKE-RESULT "):
                    verdict = json.loads(line.removeprefix("MISTAKE-RESULT "))[2]
                    assert verdict.startswith("ExerciseFeedback: "), verdict
                    messages.append(verdict.removeprefix("ExerciseFeedback: "))
    assert len(messages) >= added + 2
    for message in messages:
        assert re.search(r"[\u4e00-\u9fff]", message), f"not in Chinese: {message}"
        framing = [words for words in ENGLISH_FRAMING if words in message]
        assert not framing, f"English left in: {framing}: {message}"
