"""Grade the notebooks a class returned (``make grade SUBMISSIONS=folder`` -> build/grades/).

``SUBMISSIONS`` holds one folder per student, named after the student, with the chapter notebooks
that student returned (any subset, under their usual file names, e.g. ``06_backprop.ipynb``).

How a notebook is graded
------------------------
otter-grader (``otter run``, no containers) executes the notebook top to bottom and runs one
test file per exercise.  We generate those test files from the committed (instructor) notebooks:

* the **public** case is the exercise's check cell from the instructor's notebook, run in the
  learner's namespace right after the learner's own check cell ran;
* the **hidden** case (implement-it exercises only) is ``exN`` from ``grading/hidden/<stem>.py``:
  the same checks on inputs the public check does not use.

Each case is worth half of the exercise's point; an exercise without a hidden test is worth its
public check alone.  The scores go to ``build/grades/grades.csv`` (one row per student, one column
per exercise of every chapter anyone returned, and a total); what each student got wrong, in the
checks' own words, to ``build/grades/feedback/<student>.md``; and everything that went wrong with
a submission (not a notebook, a time or memory limit, an error in a cell) to
``build/grades/report.txt``.  Hidden tests show their message, never their code or inputs.

Isolation (README, "Grading returned notebooks"): every returned notebook is read into memory
before anything runs; each is written to a fresh scratch folder outside the repository only when
its own run starts, and graded there in its own process (and Jupyter kernel) with a wall-clock
limit and an address-space limit.  When a run ends or times out, every process that carries its
marker in the environment is killed (the kernel and anything the notebook started, which
``killpg`` would miss), and its scratch folder, otter's temporary files included, is removed.  The
submissions folder is fingerprinted whenever a run ends and any change is reported.  otter runs
the tests inside the learner's kernel, so a notebook could rewrite the checks themselves: each
test case first compares d2lnotes' checking functions with a fresh copy compiled from their files
and fails, reported as tampering, if they were replaced.  This is not a sandbox: the code runs as
you and can read or write anything you can through absolute paths (the hidden tests included) --
run ``make grade`` in a throw-away container or VM for a class you do not trust.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from d2lnotes import nbtools  # noqa: E402

NOTEBOOK_NAME = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")


# --------------------------------------------------------------------------- the autograders


@dataclass
class Exercise:
    """Exercise ``number`` of a chapter: its check cell and, if it has one, its hidden test."""

    chapter: str  # notebook stem, e.g. "06_backprop"
    number: int
    title: str
    check_source: str
    hidden: bool

    @property
    def key(self) -> str:
        return f"ex{self.number}"

    @property
    def column(self) -> str:
        return f"{self.chapter[:2]}.{self.number}"


def _title(cells, index: int, number: int) -> str:
    """How the notebook itself names exercise ``number`` (its stub is ``cells[index]``).

    From the nearest markdown cell above: its ``**Exercise 2 — the bias gradient.**`` marker, else
    its first heading; then the name the stub asks for, e.g. "Exercise 2 — the bias gradient
    (`grad_b`)".  A notebook may number its exercises differently from the grader's positional
    ``NN.k`` columns (a mid-chapter exercise without a number), so the feedback shows both.
    """
    label = f"exercise {number}"
    for cell in reversed(cells[:index]):
        if cell.cell_type == "markdown":
            marker = re.search(r"\*\*(Exercise[^*—-]*?)\s*[—-]+\s*(.+?)\.?\*\*", cell.source)
            heading = re.search(r"^#+\s*(.+)$", cell.source, flags=re.M)
            if marker:
                label = f"{marker.group(1).strip()} — {marker.group(2).strip()}"
            elif heading:
                label = heading.group(1).strip()
            break
    name = re.search(r"^(?:def|class)\s+(\w+)|^(\w+)\s*=", cells[index].source, flags=re.M)
    return f"{label} (`{name.group(1) or name.group(2)}`)" if name else label


def hidden_names(chapter: str, hidden_dir: Path) -> set[str]:
    """The ``exN`` functions defined in ``grading/hidden/<chapter>.py`` (read, not imported)."""
    path = hidden_dir / f"{chapter}.py"
    if not path.exists():
        return set()
    return set(re.findall(r"^def (ex\d+)\(", path.read_text(), flags=re.M))


def exercises_of(notebook: Path, hidden_dir: Path) -> list[Exercise]:
    """The exercises of one instructor notebook, in order."""
    cells = nbformat.read(notebook, as_version=4).cells
    hidden = hidden_names(notebook.stem, hidden_dir)
    found = []
    for i, cell in enumerate(cells):
        if "exercise" not in nbtools.cell_tags(cell):
            continue
        number = len(found) + 1
        check = cells[i + 2]
        if "solution" not in nbtools.cell_tags(cells[i + 1]) or not nbtools.is_check_cell(check):
            raise ValueError(f"{notebook.name}: exercise {number} is not stub, solution, check")
        found.append(
            Exercise(
                notebook.stem,
                number,
                _title(cells, i, number),
                check.source,
                f"ex{number}" in hidden,
            )
        )
    unknown = hidden - {e.key for e in found}
    if unknown:
        raise ValueError(f"grading/hidden/{notebook.stem}.py tests exercises it lacks: {unknown}")
    return found


TAMPERED = "tampering:"
# what the checks rely on, compared with a fresh copy before every test case
TRUSTED = {
    "d2lnotes.exercises": ["check_answer", "check_choice", "_close", "_as_array", "_entry"],
    "d2lnotes.gradcheck": ["check_gradients", "GradReport.ok", "GradReport.first_bad"],
}

_TEST_FILE = '''\
"""{chapter}, exercise {number}: {title} (generated by scripts/grade.py)."""

import inspect

from otter.test_files import test_case

OK_FORMAT = False
name = {key!r}
points = {points!r}

PUBLIC = {public!r}
HIDDEN = {hidden_source!r}


def _untampered():
    """Refuse to grade if the notebook replaced the checking machinery (the tests run in its
    kernel): each function is compared with a fresh copy compiled from d2lnotes' own files."""
    import importlib.util
    import sys

    for module_name, names in {TRUSTED!r}.items():
        live_module = sys.modules.get(module_name)
        if live_module is None:
            continue
        package, _, leaf = module_name.rpartition(".")  # in the package: relative imports work
        fresh_name = f"{{package}}._fresh_{{leaf}}"
        spec = importlib.util.spec_from_file_location(fresh_name, live_module.__file__)
        fresh = importlib.util.module_from_spec(spec)
        sys.modules[fresh_name] = fresh  # dataclasses look their module up while it runs
        try:
            spec.loader.exec_module(fresh)
        finally:
            sys.modules.pop(fresh_name, None)
        for dotted in names:
            live, new = live_module, fresh
            for part in dotted.split("."):
                live, new = getattr(live, part, None), getattr(new, part, None)
            live, new = getattr(live, "fget", live), getattr(new, "fget", new)
            code = getattr(live, "__code__", None)
            if code is None or code.co_code != new.__code__.co_code:
                what = f"{{module_name}}.{{dotted}}"
                raise AssertionError({TAMPERED!r} + f" the notebook replaced {{what}}")
    package = sys.modules.get("d2lnotes")
    exercises = sys.modules.get("d2lnotes.exercises")
    if package is not None and exercises is not None:
        for name in ("check_answer", "check_choice", "ExerciseFeedback"):
            if getattr(package, name, None) is not getattr(exercises, name, None):
                raise AssertionError({TAMPERED!r} + f" the notebook replaced dn.{{name}}")


def _feedback(error):
    """Only the check's own words: never the hidden test's code or inputs."""
    lines = f"{{type(error).__name__}}: {{error}}".splitlines() or [type(error).__name__]
    return AssertionError(lines[0][:500])


@test_case(name="public check", points={public_points!r}, hidden=False)
def public(env):
    try:
        _untampered()
        exec(compile(PUBLIC, "check cell", "exec"), dict(env))
    except Exception as error:
        raise _feedback(error) from None
'''

_HIDDEN_CASE = """

@test_case(name="hidden test", points={hidden_points!r}, hidden=True)
def hidden(env):
    namespace = {{"__name__": "hidden_tests"}}
    exec(compile(HIDDEN, "hidden tests", "exec"), namespace)
    test = namespace[{key!r}]
    missing = [p for p in inspect.signature(test).parameters if p not in env]
    if missing:
        raise NameError(f"{{', '.join(missing)}} is not defined")
    try:
        _untampered()
        test(**{{p: env[p] for p in inspect.signature(test).parameters}})
    except Exception as error:
        raise _feedback(error) from None
"""


def test_file_source(exercise: Exercise, hidden_source: str) -> str:
    source = _TEST_FILE.format(
        TRUSTED=TRUSTED,
        TAMPERED=TAMPERED,
        chapter=exercise.chapter,
        number=exercise.number,
        title=exercise.title,
        key=exercise.key,
        points=1.0,
        public=exercise.check_source,
        hidden_source=hidden_source if exercise.hidden else "",
        public_points=0.5 if exercise.hidden else 1.0,
    )
    if exercise.hidden:
        source += _HIDDEN_CASE.format(hidden_points=0.5, key=exercise.key)
    return source


def build_autograder(notebook: Path, hidden_dir: Path, out: Path) -> tuple[Path, list[Exercise]]:
    """Write ``out/<stem>.zip`` (otter's autograder: tests/ and otter_config.json)."""
    exercises = exercises_of(notebook, hidden_dir)
    hidden_path = hidden_dir / f"{notebook.stem}.py"
    hidden_source = hidden_path.read_text() if hidden_path.exists() else ""
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{notebook.stem}.zip"
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        zf.writestr("otter_config.json", json.dumps({"lang": "python", "print_summary": False}))
        for exercise in exercises:
            zf.writestr(f"tests/{exercise.key}.py", test_file_source(exercise, hidden_source))
    tmp.replace(target)  # never leave a half-written autograder behind
    return target, exercises


# --------------------------------------------------------------------------- one submission


def prepare_submission(source: Path, target: Path, exercises: list[Exercise]) -> list[str]:
    """Copy a returned notebook for otter: each exercise's tests run right after its check cell.

    An exercise's check cell is found by its content (the student edition has the instructor's
    check cells verbatim), so moved, copied or added cells change nothing; otter runs the tests
    named in a cell's ``metadata.otter.tests`` right after that cell.  An exercise whose check
    cell was changed or deleted is graded at the end of the notebook instead.  Raises
    ``ValueError`` for a file that is not a readable notebook.  Returns notes for the report.
    """
    try:
        nb = nbformat.read(source, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # corrupt JSON, not a notebook, wrong schema
        raise ValueError(f"not a readable notebook ({type(error).__name__}: {error})") from None
    notes = []
    for cell in nb.cells:
        cell.metadata.pop("otter", None)  # only the grader decides where tests run
    for exercise in exercises:
        want = exercise.check_source.strip()
        anchor = next(
            (c for c in nb.cells if c.cell_type == "code" and c.source.strip() == want), None
        )
        if anchor is None:
            notes.append(
                f"exercise {exercise.column}'s check cell was changed or removed: "
                "graded at the end of the notebook"
            )
            continue
        anchor.metadata.setdefault("otter", {}).setdefault("tests", []).append(exercise.key)
    # otter starts the kernel the notebook names: always this environment's Python
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["kernelspec"] = kernel
    for cell in nb.cells:  # a saved output is not graded; drop it so nothing stale is read
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, target)
    return notes


MARKER = "D2LNOTES_GRADING_RUN"


def _kill_marked(marker: str) -> None:
    """SIGKILL every process whose environment carries ``MARKER=marker``: the worker, otter's
    kernel (which jupyter_client starts in a session of its own, out of reach of ``killpg``) and
    whatever the notebook started, even if it was re-parented."""
    needle = f"{MARKER}={marker}".encode()
    for _ in range(3):  # a process may fork while we look
        found = False
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    os.kill(int(entry.name), signal.SIGKILL)
                    found = True
            except (OSError, ProcessLookupError):
                continue
        if not found:
            return


def _limit_memory(gigabytes: float):
    limit = int(gigabytes * 2**30)

    def apply():
        os.setsid()  # its own process group: killed as a whole on timeout
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def run_otter(
    notebook: Path, autograder: Path, *, timeout: float, memory_gb: float
) -> tuple[dict | None, str]:
    """Grade one prepared notebook in its own process, in the notebook's folder.

    Returns (results, problem): results maps ``exN`` to {score, possible, cases: [{name,
    hidden, passed, message}]}; problem is "" or one line for the report.
    """
    out = notebook.parent / "otter-results.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        str(autograder),
        str(notebook),
        str(out),
    ]
    marker = f"{os.getpid()}-{notebook.parent.name}"
    tmp = notebook.parent / "tmp"  # otter's own scratch folder: removed with ours
    tmp.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "PYTHONPATH": "",
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
        "TMPDIR": str(tmp),
        MARKER: marker,
    }
    # output to a file, not a pipe: a process the notebook leaves behind would hold a pipe open
    log_path = notebook.parent / "worker.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            command,
            cwd=notebook.parent,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            preexec_fn=_limit_memory(memory_gb),
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_marked(marker)
            proc.wait()
            return None, f"stopped after the time limit of {timeout:g} s (a loop or a sleep?)"
        finally:
            _kill_marked(marker)  # the kernel runs in a session of its own; and what it started
    log = log_path.read_bytes()
    text = log.decode(errors="replace")
    if proc.returncode != 0 or not out.exists():
        memory = "MemoryError" in text or "Cannot allocate memory" in text
        why = f"the memory limit of {memory_gb:g} GiB" if memory else "an error in the grader"
        last = [line for line in text.strip().splitlines() if line.strip()][-1:] or ["no output"]
        return None, f"grading failed ({why}): {last[0][:200]}"
    return json.loads(out.read_text()), ""


def worker(autograder: Path, notebook: Path, out: Path) -> int:
    """Inside the limited process: ``otter run`` on one notebook, results as JSON."""
    import contextlib
    import io

    from otter.run import main as otter_run

    _kernels_on_unix_sockets()
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        results = otter_run(
            str(notebook), autograder=str(autograder), output_dir=None, no_logo=True
        )
    summary = {}
    if results.has_catastrophic_failure():
        raise RuntimeError(str(results._catastrophic_error))
    for name, test_file in results.results.items():
        summary[name] = {
            "score": float(test_file.score),
            "possible": float(test_file.possible),
            "cases": [
                {
                    "name": r.test_case.name,
                    "hidden": bool(r.test_case.hidden),
                    "passed": bool(r.passed),
                    "message": _message(r.message) if not r.passed else "",
                }
                for r in test_file.test_case_results
            ],
        }
    errors = []
    for cell in results.notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") != "ExerciseFeedback":
                errors.append(f"{output['ename']}: {output['evalue']}"[:200])
    summary["_cell_errors"] = errors
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(summary))
    tmp.replace(out)
    return 0


def _kernels_on_unix_sockets() -> None:
    """Make otter's kernel talk over Unix sockets in this run's scratch folder, not TCP ports.

    jupyter_client picks five free TCP ports, frees them and lets the kernel bind them: two
    notebooks graded at once can pick the same port, and then one kernel dies before replying to
    ``kernel_info`` or a client talks to the other run's kernel until the time limit (seen in CI,
    with ``GRADE_JOBS=2``).  Socket files in a folder of the run's own cannot collide."""
    import tempfile

    from jupyter_client import AsyncKernelManager
    from nbconvert.preprocessors import ExecutePreprocessor
    from traitlets import default

    class UnixSocketKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self):
            return "ipc"

        @default("ip")
        def _ip_default(self):  # a path prefix: the kernel binds <prefix>-1 ... <prefix>-5
            return str(Path(tempfile.mkdtemp(prefix="kernel-")) / "k")

    original = ExecutePreprocessor.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.kernel_manager_class = UnixSocketKernelManager

    ExecutePreprocessor.__init__ = __init__


def _message(text: str | None) -> str:
    """The last line of otter's failure text: our ``_feedback`` line ('ExerciseFeedback: ...')."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    line = lines[-1] if lines else "failed"
    while line.startswith("AssertionError: "):
        line = line.removeprefix("AssertionError: ")
    return line.removeprefix("ExerciseFeedback: ")


# --------------------------------------------------------------------------- the class


@dataclass
class Student:
    name: str
    scores: dict = field(default_factory=dict)  # column -> points
    feedback: list = field(default_factory=list)  # markdown lines


MAX_NOTEBOOK_BYTES = 64 * 2**20  # a chapter notebook with outputs is under 10 MB


def fingerprint(folder: Path) -> dict[str, str]:
    """Path -> content hash of every file under ``folder`` (symlinks not followed; a file too large
    to hash quickly is identified by its size and modification time)."""
    prints = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            key = str(path.relative_to(folder))
            try:
                info = path.lstat()
                if not stat.S_ISREG(info.st_mode):
                    prints[key] = f"not a regular file, mode {info.st_mode:o}"
                elif info.st_size > MAX_NOTEBOOK_BYTES:
                    prints[key] = f"{info.st_size} bytes, modified {info.st_mtime_ns}"
                else:
                    digest = hashlib.sha256()
                    with path.open("rb") as f:
                        for chunk in iter(lambda: f.read(2**20), b""):
                            digest.update(chunk)
                    prints[key] = digest.hexdigest()
            except OSError as error:
                prints[key] = f"unreadable ({error.strerror})"
    return prints


def grade_class(
    submissions: Path,
    out: Path,
    *,
    notebooks: list[Path],
    hidden_dir: Path,
    timeout: float,
    memory_gb: float,
    jobs: int = 1,
    log=print,
) -> list[Student]:
    if jobs < 1:
        raise SystemExit(f"jobs={jobs}: run at least one notebook at a time")
    if not submissions.is_dir():
        raise SystemExit(f"SUBMISSIONS={submissions}: not a folder")
    chapters = {p.name: p for p in notebooks}
    students = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not students:
        raise SystemExit(f"{submissions}: no student folders (one folder per student)")
    for stale in ("grades.csv", "report.txt"):  # never leave a previous class's results behind
        (out / stale).unlink(missing_ok=True)
    shutil.rmtree(out / "feedback", ignore_errors=True)
    report: list[str] = []
    # 1. read every returned notebook into memory first: no run can change what is graded
    returned: dict[str, dict[str, bytes]] = {}
    for folder in students:
        files = {}
        for path in sorted(folder.iterdir()):
            if path.name.startswith("."):
                continue
            if path.name not in chapters:
                report.append(f"{folder.name}: ignored {path.name} (not a chapter notebook name)")
            elif not path.is_file() or path.is_symlink():
                report.append(f"{folder.name}/{path.name}: not a regular file; 0 points")
            elif path.stat().st_size > MAX_NOTEBOOK_BYTES:
                report.append(f"{folder.name}/{path.name}: larger than 64 MiB; 0 points")
            else:
                files[path.name] = path.read_bytes()
        returned[folder.name] = files
    graded = sorted({name for files in returned.values() for name in files})
    autograders = {
        name: build_autograder(chapters[name], hidden_dir, out / "autograders") for name in graded
    }
    columns = [e.column for name in graded for e in autograders[name][1]]
    # 2. grade: each notebook written to a fresh scratch folder just before its own process runs
    jobs_list = [
        (f"{folder.name}/{name}", name, returned[folder.name][name], *autograders[name])
        for folder in students
        for name in graded
        if name in returned[folder.name]
    ]
    outcomes, changes = _run_all(jobs_list, submissions, timeout, memory_gb, jobs, log)
    # 3. scores, feedback and report, in a fixed order whatever order the runs finished in
    results = []
    for folder in students:
        student = Student(folder.name, dict.fromkeys(columns, 0.0))
        for name in graded:
            key = f"{folder.name}/{name}"
            exercises = autograders[name][1]
            student.feedback.append(f"\n## {name}\n")
            if key not in outcomes:
                student.feedback.append("Not returned (or not a regular file): 0 points.")
                continue
            result, problem, notes = outcomes[key]
            report.extend(f"{key}: {note}" for note in notes)
            if result is None:
                report.append(f"{key}: {problem}; 0 points")
                student.feedback.append(f"Could not be graded: {problem}. 0 points.")
                continue
            for error in result.pop("_cell_errors", []):
                report.append(f"{key}: a cell raised {error}")
            for exercise in exercises:
                got = result.get(exercise.key)
                score = got["score"] if got else 0.0
                student.scores[exercise.column] = score
                head = f"- {exercise.column}, {exercise.title}: {score:g} of 1"
                student.feedback.append(head)
                for case in (got or {}).get("cases", []):
                    if not case["passed"]:
                        student.feedback.append(f"  - {case['name']}: {case['message']}")
                        if case["message"].startswith(TAMPERED):
                            report.append(f"{key}: {exercise.column}: {case['message']}")
        results.append(student)
    report.extend(changes)
    write_outputs(out, columns, results, report)
    return results


KERNEL_START_FAILED = "Kernel died before replying to kernel_info"


def _grade_one(name: str, data: bytes, zip_path: Path, exercises, timeout, memory_gb):
    """(result, problem, notes) for one returned notebook, graded in a fresh scratch folder."""
    job_dir = Path(tempfile.mkdtemp(prefix="d2lnotes-grading-"))
    try:
        copy = job_dir / name
        copy.write_bytes(data)
        try:
            notes = prepare_submission(copy, copy, exercises)
        except ValueError as error:
            return None, str(error), []
        result, problem = run_otter(copy, zip_path, timeout=timeout, memory_gb=memory_gb)
        if KERNEL_START_FAILED in problem:  # before any of the notebook's code ran: once more
            result, problem = run_otter(copy, zip_path, timeout=timeout, memory_gb=memory_gb)
        return result, problem, notes
    except Exception as error:  # never let one notebook stop the class
        return None, f"grading failed ({type(error).__name__}: {error})", []
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)


def _run_all(jobs_list, submissions: Path, timeout: float, memory_gb: float, jobs: int, log):
    """Grade every returned notebook, ``jobs`` at a time.

    Returns ({key: (result, problem, notes)}, report lines about changed files).  The
    submissions folder is fingerprinted whenever a run ends; a change is attributed to the runs
    active since the previous fingerprint (exactly one run when ``jobs`` is 1).
    """
    import threading
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    lock = threading.Lock()
    active: set[str] = set()
    suspects: set[str] = set()

    def one(key, name, data, zip_path, exercises):
        with lock:
            active.add(key)
            suspects.add(key)
        log(f"grading {key}")
        try:
            return _grade_one(name, data, zip_path, exercises, timeout, memory_gb)
        finally:
            with lock:
                active.discard(key)

    outcomes, changes = {}, []
    before = fingerprint(submissions)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        pending = {pool.submit(one, *job): job[0] for job in jobs_list}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                outcomes[pending.pop(future)] = future.result()
            after = fingerprint(submissions)
            with lock:
                blamed = sorted(suspects)
                suspects.clear()
                suspects.update(active)
            if after != before:
                changed = sorted(
                    k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
                )
                who = blamed[0] if len(blamed) == 1 else "one of " + ", ".join(blamed)
                changes.append(
                    f"changed files in the submissions folder: {', '.join(changed)}, while {who} "
                    "ran (grades use the copies read before grading)"
                )
                before = after
    return outcomes, changes


def write_outputs(
    out: Path, columns: list[str], students: list[Student], report: list[str]
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    feedback = out / "feedback"
    if feedback.exists():
        shutil.rmtree(feedback)
    feedback.mkdir()
    tmp = out / "grades.csv.tmp"
    with tmp.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", *columns, "total"])
        for s in students:
            values = [s.scores[c] for c in columns]
            writer.writerow([s.name, *(f"{v:g}" for v in values), f"{sum(values):g}"])
    tmp.replace(out / "grades.csv")
    for s in students:
        total = sum(s.scores.values())
        text = f"# Feedback for {s.name}\n\nTotal: {total:g} of {len(columns)}\n" + "\n".join(
            s.feedback
        )
        (feedback / f"{s.name}.md").write_text(text + "\n")
    (out / "report.txt").write_text(
        "\n".join(report) + "\n"
        if report
        else "Every returned notebook was graded without problems.\n"
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        return worker(*map(Path, argv[1:4]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submissions", type=Path, help="one folder per student")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "grades")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per notebook")
    parser.add_argument("--memory-gb", type=float, default=16, help="address space per notebook")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks graded at the same time")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--hidden", type=Path, default=ROOT / "grading" / "hidden")
    args = parser.parse_args(argv)
    notebooks = sorted(args.notebooks.glob("*.ipynb"))
    students = grade_class(
        args.submissions.resolve(),
        args.out,
        notebooks=notebooks,
        hidden_dir=args.hidden,
        timeout=args.timeout,
        memory_gb=args.memory_gb,
        jobs=args.jobs,
    )
    print(
        f"{len(students)} students graded: {args.out / 'grades.csv'}, {args.out / 'feedback'}/, "
        f"{args.out / 'report.txt'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
