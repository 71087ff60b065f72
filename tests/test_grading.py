"""``make grade`` on a fake class: every submission gets exactly the score it deserves, offline.

The class returns chapter 6 (the fastest notebook to run).  Built from the student edition:
a correct submission, one per recognised mistake (``tests/grading_cases/06_backprop.py``), an
untouched one, a corrupt file, a JSON file that is not a notebook, one that sleeps forever, one that
tries to allocate far more memory than allowed, and one that overwrites files outside its folder
(a repository file through a relative path, another student's notebook through its absolute path).
"""

from __future__ import annotations

import copy
import csv
import hashlib
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from d2lnotes import nbtools

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import grade  # noqa: E402

STEM = "06_backprop"
NOTEBOOK = ROOT / "notebooks" / f"{STEM}.ipynb"
LEFTOVER = 987653  # a sleep the sleeper starts in a session of its own
TIMEOUT = 75  # seconds per notebook; a graded chapter-6 notebook takes about 20 s here


def _answers(nb, replace: dict[int, str]):
    """The student edition with exercise k's stub replaced by ``replace[k]`` (1-based)."""
    nb = copy.deepcopy(nb)
    stubs = [c for c in nb.cells if "exercise" in nbtools.cell_tags(c)]
    for k, source in replace.items():
        stubs[k - 1].source = source
    return nb


def _mistakes():
    path = ROOT / "tests" / "grading_cases" / f"{STEM}.py"
    spec = importlib.util.spec_from_file_location("cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [(int(ex[2:]), source) for ex, items in module.MISTAKES.items() for source, _ in items]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    original = nbformat.read(NOTEBOOK, 4)
    solutions = {
        k: original.cells[i + 1].source
        for k, i in enumerate(
            (i for i, c in enumerate(original.cells) if "exercise" in nbtools.cell_tags(c)), start=1
        )
    }
    student = nbtools.student_version(original)
    n = len(solutions)
    submissions = tmp_path_factory.mktemp("submissions")
    where = tmp_path_factory.mktemp("rogue") / "cwd.txt"

    def hand_in(name: str, nb=None, raw: str | None = None) -> Path:
        folder = submissions / name
        folder.mkdir()
        path = folder / NOTEBOOK.name
        if raw is not None:
            path.write_text(raw)
        else:
            nbformat.write(nb, path)
        return path

    expected = {}
    alice = hand_in("alice", _answers(student, solutions))
    expected["alice"] = [1.0] * n
    for j, (k, source) in enumerate(_mistakes()):
        hand_in(f"mistake{j:02d}_ex{k}", _answers(student, {**solutions, k: source}))
        expected[f"mistake{j:02d}_ex{k}"] = [0.0 if e == k else 1.0 for e in range(1, n + 1)]
    hand_in("empty", student)
    expected["empty"] = [0.0] * n
    hand_in("corrupt", raw='{"cells": [{"cell_type": "code", "sour')
    expected["corrupt"] = [0.0] * n
    hand_in("not_a_notebook", raw='["this is JSON, but not a notebook"]')
    expected["not_a_notebook"] = [0.0] * n

    sleeper = _answers(student, solutions)  # and leaves a process of its own running
    sleeper.cells.insert(
        3,
        nbformat.v4.new_code_cell(
            "import subprocess, time\n"
            f"subprocess.Popen(['sleep', '{LEFTOVER}'], start_new_session=True)\n"
            "time.sleep(10**6)"
        ),
    )
    hand_in("sleeper", sleeper)
    expected["sleeper"] = [0.0] * n

    hog = _answers(student, solutions)  # MemoryError in one cell; the rest is graded
    hog.cells.insert(3, nbformat.v4.new_code_cell("hog = bytearray(64 * 2**30)"))
    hand_in("hog", hog)
    expected["hog"] = [1.0] * n

    rogue = _answers(student, solutions)
    rogue.cells.insert(
        3,
        nbformat.v4.new_code_cell(
            "from pathlib import Path\n"
            "for target in ['../README.md', '../../README.md', '../d2lnotes/__init__.py',\n"
            f"               '../alice/{NOTEBOOK.name}', {str(alice)!r}]:\n"
            "    try:\n"
            "        Path(target).write_text('overwritten')\n"
            "    except OSError:\n"
            "        pass\n"
            f"Path({str(where)!r}).write_text(str(Path.cwd()))"
        ),
    )
    hand_in("rogue", rogue)
    expected["rogue"] = [1.0] * n

    cheater = copy.deepcopy(student)  # answers nothing, makes every check pass
    cheater.cells.insert(
        3,
        nbformat.v4.new_code_cell(
            "import d2lnotes as dn, d2lnotes.exercises, d2lnotes.gradcheck\n"
            "def _pass(*args, **kwargs):\n"
            "    print('Correct')\n"
            "dn.check_answer = dn.check_choice = _pass\n"
            "d2lnotes.exercises.check_answer = d2lnotes.exercises.check_choice = _pass\n"
            "d2lnotes.gradcheck.GradReport.ok = property(lambda self: True)"
        ),
    )
    hand_in("cheater", cheater)
    expected["cheater"] = [0.0] * n

    dup = _answers(student, solutions)  # a copied stub cell (it keeps its tag) changes nothing
    first = next(i for i, c in enumerate(dup.cells) if "exercise" in nbtools.cell_tags(c))
    dup.cells.insert(first, copy.deepcopy(dup.cells[first]))
    dup.cells[first].id = "copied-stub"
    hand_in("dup", dup)
    expected["dup"] = [1.0] * n

    protected = [ROOT / "README.md", ROOT / "d2lnotes" / "__init__.py", NOTEBOOK]
    scratch_before = set(Path(tempfile.gettempdir()).glob("d2lnotes-grading-*"))
    before = {p: _sha(p) for p in protected}
    out = tmp_path_factory.mktemp("grades")
    grade.grade_class(
        submissions,
        out,
        notebooks=[NOTEBOOK],
        hidden_dir=ROOT / "grading" / "hidden",
        timeout=TIMEOUT,
        memory_gb=8,
        jobs=2,
        log=lambda *_: None,
    )
    with (out / "grades.csv").open() as f:
        rows = list(csv.DictReader(f))
    leftover = subprocess.run(["pgrep", "-f", f"sleep {LEFTOVER}"], capture_output=True, text=True)
    return {
        "rows": {r["student"]: r for r in rows},
        "expected": expected,
        "n": n,
        "out": out,
        "report": (out / "report.txt").read_text(),
        "rogue_cwd": Path(where.read_text()),
        "submissions": submissions,
        "leftover_processes": leftover.stdout.split(),
        "new_scratch": set(Path(tempfile.gettempdir()).glob("d2lnotes-grading-*")) - scratch_before,
        "protected": {p: (before[p], _sha(p)) for p in protected},
    }


def test_every_student_gets_the_expected_score(graded):
    n = graded["n"]
    columns = [f"{STEM[:2]}.{k}" for k in range(1, n + 1)]
    assert set(graded["rows"]) == set(graded["expected"])
    for name, want in graded["expected"].items():
        row = graded["rows"][name]
        got = [float(row[c]) for c in columns]
        assert got == want, f"{name}: {got} != {want}"
        assert float(row["total"]) == sum(want)


def test_the_report_names_each_problem(graded):
    report = graded["report"]
    assert "corrupt/06_backprop.ipynb: not a readable notebook" in report
    assert "not_a_notebook/06_backprop.ipynb: not a readable notebook" in report
    assert "sleeper/06_backprop.ipynb: stopped after the time limit" in report
    assert "hog/06_backprop.ipynb: a cell raised MemoryError" in report
    changed = [line for line in report.splitlines() if line.startswith("changed files")]
    assert len(changed) == 1, report
    assert f"alice/{NOTEBOOK.name}" in changed[0] and f"rogue/{NOTEBOOK.name}" in changed[0]
    for name in ("alice", "empty") + tuple(
        k for k in graded["expected"] if k.startswith("mistake")
    ):
        assert not any(line.startswith(f"{name}/") for line in report.splitlines()), report


def test_nothing_outside_the_scratch_folders_changed(graded):
    # a notebook runs in a scratch folder outside the repository and the submissions folder, so
    # relative paths ("../README.md", "../alice/...") land there; the folder is gone afterwards
    cwd = graded["rogue_cwd"]
    assert ROOT not in cwd.parents and graded["submissions"] not in cwd.parents, cwd
    assert not cwd.exists()
    for path, (before, after) in graded["protected"].items():
        assert before == after, f"{path} was changed by a submission"
    assert not graded["new_scratch"], "scratch folders left behind"
    assert not graded["leftover_processes"], "a process the sleeper started is still running"


def test_tampering_with_the_checks_is_caught_and_reported(graded):
    report = graded["report"]
    assert "cheater/06_backprop.ipynb: 06.1: tampering: the notebook replaced" in report
    feedback = (graded["out"] / "feedback" / "cheater.md").read_text()
    assert "tampering:" in feedback


def test_feedback_speaks_in_the_checks_own_words(graded):
    feedback = graded["out"] / "feedback"
    empty = (feedback / "empty.md").read_text()
    assert "not answered yet" in empty and "hidden test" in empty
    assert "Total: 0 of" in empty
    alice = (feedback / "alice.md").read_text()
    assert f"Total: {graded['n']:g} of {graded['n']}" in alice
    mistakes = [k for k in graded["expected"] if k.startswith("mistake")]
    assert mistakes, "the fake class needs the chapter's recognised mistakes"
    for name in mistakes:
        text = (feedback / f"{name}.md").read_text()
        assert "hidden test:" in text and "def " not in text  # the message, never the test's code


def test_a_missing_submissions_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="not a folder"):
        grade.grade_class(
            tmp_path / "nope",
            tmp_path / "out",
            notebooks=[NOTEBOOK],
            hidden_dir=ROOT / "grading" / "hidden",
            timeout=10,
            memory_gb=1,
        )
    (tmp_path / "empty").mkdir()
    with pytest.raises(SystemExit, match="no student folders"):
        grade.grade_class(
            tmp_path / "empty",
            tmp_path / "out",
            notebooks=[NOTEBOOK],
            hidden_dir=ROOT / "grading" / "hidden",
            timeout=10,
            memory_gb=1,
        )


def test_autograder_zip_is_complete_and_atomic(tmp_path):
    import zipfile

    zip_path, exercises = grade.build_autograder(NOTEBOOK, ROOT / "grading" / "hidden", tmp_path)
    with zipfile.ZipFile(zip_path) as zf:
        names = set(zf.namelist())
    assert names == {"otter_config.json", *(f"tests/ex{e.number}.py" for e in exercises)}
    assert not list(tmp_path.glob("*.tmp"))
    assert any(e.hidden for e in exercises)


def test_one_notebook_cannot_change_a_later_students_grade(tmp_path):
    """Graded one at a time (the default), a notebook that overwrites every scratch copy it can find
    and leaves a process behind to keep doing so cannot touch the next student's copy: that copy
    is written only when its own run starts, and the attacker's processes are killed first."""
    original = nbformat.read(NOTEBOOK, 4)
    student = nbtools.student_version(original)
    solutions = {
        k: original.cells[i + 1].source
        for k, i in enumerate(
            (i for i, c in enumerate(original.cells) if "exercise" in nbtools.cell_tags(c)), start=1
        )
    }
    attack = (
        "import glob, subprocess\n"
        "from pathlib import Path\n"
        "pattern = '/tmp/d2lnotes-grading-*/*.ipynb'\n"
        "for f in glob.glob(pattern):\n"
        "    Path(f).write_text('overwritten')\n"
        "loop = 'while true; do for f in ' + pattern + '; do echo x > $f; done; sleep 0.1; done'\n"
        "subprocess.Popen(['bash', '-c', loop], start_new_session=True)"
    )
    attacker = _answers(student, solutions)
    attacker.cells.insert(3, nbformat.v4.new_code_cell(attack))
    victim = _answers(student, solutions)
    for name, nb in (("attacker", attacker), ("zoe", victim)):
        (tmp_path / "class" / name).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "class" / name / NOTEBOOK.name)
    students = grade.grade_class(
        tmp_path / "class",
        tmp_path / "out",
        notebooks=[NOTEBOOK],
        hidden_dir=ROOT / "grading" / "hidden",
        timeout=TIMEOUT,
        memory_gb=8,
        log=lambda *_: None,
    )
    scores = {s.name: sum(s.scores.values()) for s in students}
    assert scores == {"attacker": len(solutions), "zoe": len(solutions)}, scores
    loops = subprocess.run(["pgrep", "-f", "d2lnotes-grading-"], capture_output=True, text=True)
    assert not loops.stdout.split(), "the attacker's loop is still running"
