"""Hidden tests grade right: every reference solution passes, every stub is "not answered yet", and
every recognised mistake gets its own message.

For each notebook with hidden tests (``grading/hidden/<stem>.py``), exercise N's stub and
solution are the N-th cell tagged ``exercise`` and the cell after it.  Their sources run in a
namespace holding only the usual imports (torch, np, nn, F, math, dn), so an implement-it
solution must stand on its own.  ``tests/grading_cases/<stem>.py`` lists, per exercise, wrong
implementations (``MISTAKES = {"exN": [(source, fragment of the expected message), ...]}``):
each must fail the hidden test with that message.
"""

from __future__ import annotations

import importlib.util
import inspect
import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import d2lnotes as dn
from d2lnotes import nbtools

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = ROOT / "grading" / "hidden"
CASES = Path(__file__).resolve().parent / "grading_cases"


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"_hidden_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hidden_tests(stem: str) -> dict:
    """``{"exN": function}`` of one notebook's hidden tests."""
    module = _load(HIDDEN / f"{stem}.py")
    return {
        name: fn
        for name, fn in vars(module).items()
        if name.startswith("ex") and name[2:].isdigit() and callable(fn)
    }


def exercise_cells(stem: str) -> dict:
    """``{"exN": (stub source, solution source)}`` from the committed notebook."""
    cells = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", 4).cells
    out = {}
    for i, cell in enumerate(cells):
        if "exercise" in nbtools.cell_tags(cell):
            out[f"ex{len(out) + 1}"] = (cell.source, cells[i + 1].source)
    return out


def _namespace(source: str) -> dict:
    ns = {"torch": torch, "np": np, "nn": nn, "F": F, "math": math, "dn": dn}
    exec(compile(source, "<exercise>", "exec"), ns)
    return ns


def _grade(fn, ns: dict) -> None:
    fn(**{p: ns.get(p) for p in inspect.signature(fn).parameters})


STEMS = sorted(p.stem for p in HIDDEN.glob("[0-9]*.py"))
PAIRS = [(stem, ex) for stem in STEMS for ex in sorted(hidden_tests(stem))]


@pytest.mark.parametrize("stem", STEMS)
def test_hidden_tests_name_real_exercises(stem):
    exercises = exercise_cells(stem)
    for ex, fn in hidden_tests(stem).items():
        assert ex in exercises, f"{stem}: a hidden test for {ex}, which the notebook lacks"
        stub, _ = exercises[ex]
        for param in inspect.signature(fn).parameters:
            assert param in stub, f"{stem} {ex}: the stub never defines `{param}`"


@pytest.mark.parametrize(("stem", "ex"), PAIRS, ids=[f"{s}-{e}" for s, e in PAIRS])
def test_solution_passes_and_stub_is_unanswered(stem, ex, capsys):
    fn = hidden_tests(stem)[ex]
    stub, solution = exercise_cells(stem)[ex]
    _grade(fn, _namespace(solution))
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(dn.ExerciseFeedback, match="not answered yet"):
        _grade(fn, _namespace(stub))


def _mistakes():
    cases = []
    for path in sorted(CASES.glob("[0-9]*.py")):
        for ex, items in _load(path).MISTAKES.items():
            for k, (source, fragment) in enumerate(items):
                cases.append(
                    pytest.param(path.stem, ex, source, fragment, id=f"{path.stem}-{ex}-{k}")
                )
    return cases


@pytest.mark.parametrize(("stem", "ex", "source", "fragment"), _mistakes())
def test_recognised_mistake_is_named(stem, ex, source, fragment):
    fn = hidden_tests(stem)[ex]
    with pytest.raises(dn.ExerciseFeedback) as info:
        _grade(fn, _namespace(source))
    assert fragment in str(info.value), str(info.value)


NOTEBOOK_STEMS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))


@pytest.mark.parametrize("stem", NOTEBOOK_STEMS)
def test_every_chapter_makes_learners_write_code_graded_by_hidden_tests(stem):
    """Issue 20: at least two implement-it exercises per chapter (the stub defines a function or a
    class), each with a hidden test."""
    implement = [
        ex
        for ex, (stub, _) in exercise_cells(stem).items()
        if re.search(r"^(def|class) ", stub, flags=re.M)
    ]
    assert len(implement) >= 2, f"{stem}: implement-it exercises {implement}"
    hidden = set(hidden_tests(stem)) if (HIDDEN / f"{stem}.py").exists() else set()
    assert set(implement) <= hidden, f"{stem}: no hidden test for {set(implement) - hidden}"
