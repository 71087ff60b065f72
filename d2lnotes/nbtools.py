"""Notebook tooling for the test suite and ``make notebooks`` -- not part of the learner API.

Three jobs, one module:

* **The output policy** (README, "How the notebooks are tested"): how a freshly computed cell
  output is compared with the committed one.  By default nbval compares text exactly.  A cell whose
  printed numbers legitimately vary between machines (another CPU vendor or instruction set, another
  thread count, CUDA) declares a tolerance in its metadata::

      "metadata": {"d2lnotes": {"tolerance": {"rel": 0.05, "abs": 0.001,
                                              "why": "test accuracy after 60 epochs of SGD"}}}

  A cell that prints quantities of different scales can add line rules, e.g.
  ``"lines": [{"match": "gain", "abs": 0.6}]``: a committed line that the regex matches is compared
  with that rule's tolerance (the first matching rule wins; other lines use the cell's).

  Then every number in the cell's text outputs is parsed and compared numerically
  (``|fresh - committed| <= abs + rel * max(|fresh|, |committed|)``) while the words around the
  numbers must still match exactly (white space aside: columns shift with a number's width).
  ``why`` is required:
  a tolerance is a measured fact about the cell, not a way to silence it.  An optional ``"cuda"``
  entry holds wider tolerances that apply only when the notebooks run on a GPU
  (``D2LNOTES_DEVICE=cuda...``).  See :func:`cell_tolerance` and :func:`outputs_within_tolerance`.
* **Diff-quiet saving** for ``make notebooks``: no timing metadata, widget model ids renumbered
  deterministically (:func:`normalize_widget_ids`), unused widget state pruned, and the machine that
  made the outputs recorded in the notebook metadata (:func:`machine_description`).
* **Output filters**: progress bars are timing, not results (:func:`drop_progress_bars`).
* **Running and classifying**: :func:`run_notebook` (read, execute in the notebook's folder,
  time), :func:`cell_tags`, :func:`is_check_cell` and :func:`student_version` (the learner's
  copy: solution cells removed), used by ``make notebooks``, ``make student``, ``make bench``,
  the site build and the tests alike.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import platform
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


__all__ = [
    "coalesce_streams",
    "cell_tags",
    "is_check_cell",
    "run_notebook",
    "student_version",
    "is_progress_bar_output",
    "MAX_REL_TOLERANCE",
    "Tolerance",
    "ToleranceError",
    "cell_tolerance",
    "compare_text",
    "drop_progress_bars",
    "execute_notebook",
    "finish_for_saving",
    "machine_description",
    "normalize_widget_ids",
    "outputs_note",
    "outputs_within_tolerance",
    "prune_widget_state",
    "replace_note",
    "split_numbers",
]

_BAR = re.compile(r"\d+%\|")


def is_progress_bar_output(output: Mapping) -> bool:
    """True for a notebook output that is a tqdm widget (its text form is ``... 0%|...``)."""
    data = output.get("data", {}) or {}
    if "application/vnd.jupyter.widget-view+json" not in data:
        return False
    text = data.get("text/plain", "")
    if isinstance(text, list):
        text = "".join(text)
    return bool(_BAR.search(text))


METADATA_KEY = "d2lnotes"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: Output keys whose text is compared under a tolerance (the others are compared as nbval does).
TEXT_KEYS = ("text/plain", "text/html", "text/markdown", "text/latex")
#: No cell may declare a larger relative tolerance: beyond this a printed number says little and
#: the claim belongs in an assert (or the value should be printed as a bound).
MAX_REL_TOLERANCE = 0.25

# A number: optional sign (not when glued to a word, as in "784-256"), digits with an optional
# fraction, optional exponent; not part of a word ("W1", "x3") and not a version-like "1.2.3".
_NUMBER = re.compile(r"(?<![\w.])[-\u2212+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?(?!\w|\.\d)")
_SPACE = re.compile(r"\s+")


class ToleranceError(ValueError):
    """A cell's tolerance metadata is malformed."""


@dataclass(frozen=True)
class Tolerance:
    """``|a - b| <= abs + rel * max(|a|, |b|)`` for every number in a cell's text."""

    rel: float = 0.0
    abs: float = 0.0
    why: str = ""
    #: ``(regex, Tolerance)`` rules: a line of committed output that the regex matches (first
    #: rule wins) is compared with that rule's tolerance instead.
    lines: tuple = ()

    def for_line(self, line: str) -> Tolerance:
        for pattern, tol in self.lines:
            if pattern.search(line):
                return tol
        return self

    def accepts(self, a: float, b: float) -> bool:
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if math.isinf(a) or math.isinf(b):
            return a == b
        return abs(a - b) <= self.abs + self.rel * max(abs(a), abs(b))


def _number(value, name: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ToleranceError(f"{where}: tolerance '{name}' must be a finite number, got {value!r}")
    if value < 0:
        raise ToleranceError(f"{where}: tolerance '{name}' must be >= 0, got {value!r}")
    return float(value)


def _parse(spec, where: str, nested: bool) -> tuple[Tolerance, Mapping | None]:
    if not isinstance(spec, Mapping):
        raise ToleranceError(f"{where}: tolerance must be a mapping, got {type(spec).__name__}")
    allowed = {"rel", "abs"} | ({"match"} if nested == "line" else set())
    allowed |= set() if nested else {"why", "cuda", "lines"}
    unknown = set(spec) - allowed
    if unknown:
        raise ToleranceError(
            f"{where}: unknown tolerance key(s) {sorted(unknown)}; allowed: {sorted(allowed)}"
        )
    if not ({"rel", "abs"} & set(spec)):
        raise ToleranceError(f"{where}: a tolerance needs 'rel' and/or 'abs'")
    rel = _number(spec.get("rel", 0.0), "rel", where)
    if rel > MAX_REL_TOLERANCE:
        raise ToleranceError(
            f"{where}: rel={rel} is above the allowed maximum {MAX_REL_TOLERANCE}; print such a "
            "value as a bound or assert the claim instead"
        )
    why = spec.get("why", "")
    if not nested and (not isinstance(why, str) or not why.strip()):
        raise ToleranceError(f"{where}: a tolerance needs a 'why' (what varies, and why)")
    if "lines" in spec and not isinstance(spec["lines"], list):
        raise ToleranceError(f"{where}: 'lines' must be a list of rules")
    lines = []
    for k, rule in enumerate(spec.get("lines", [])):
        line_tol, _ = _parse(rule, f"{where} (lines[{k}])", nested="line")
        pattern = rule.get("match")
        if not isinstance(pattern, str) or not pattern:
            raise ToleranceError(f"{where} (lines[{k}]): a line rule needs a 'match' regex")
        try:
            lines.append((re.compile(pattern), line_tol))
        except re.error as exc:
            raise ToleranceError(f"{where} (lines[{k}]): bad regex {pattern!r}: {exc}") from None
    tol = Tolerance(rel, _number(spec.get("abs", 0.0), "abs", where), why, tuple(lines))
    return tol, spec.get("cuda")


def cell_tolerance(
    metadata: Mapping, device: str | None = None, where: str = "cell"
) -> Tolerance | None:
    """The tolerance a cell declares, or ``None`` (compare exactly).

    ``device`` defaults to the ``D2LNOTES_DEVICE`` environment variable; on a CUDA device the
    cell's ``"cuda"`` entry (if any) replaces ``rel``/``abs``.  Malformed metadata raises
    :class:`ToleranceError` naming the problem.
    """
    spec = (metadata or {}).get(METADATA_KEY, {})
    if not isinstance(spec, Mapping):
        raise ToleranceError(f"{where}: metadata '{METADATA_KEY}' must be a mapping")
    if "tolerance" not in spec:
        return None
    tol, cuda = _parse(spec["tolerance"], where, nested=False)
    if device is None:
        device = os.environ.get("D2LNOTES_DEVICE", "")
    if cuda is not None:
        cuda_tol, _ = _parse(cuda, f"{where} (cuda)", nested=True)
        if str(device).startswith("cuda"):
            return Tolerance(cuda_tol.rel, cuda_tol.abs, tol.why, tol.lines)
    return tol


def split_numbers(text: str) -> tuple[list[str], list[float]]:
    """Split ``text`` into the words between numbers and the numbers themselves.

    >>> split_numbers("loss 0.014 after 300 steps")
    (['loss ', ' after ', ' steps'], [0.014, 300.0])
    """
    words, numbers, last = [], [], 0
    for m in _NUMBER.finditer(text):
        words.append(text[last : m.start()])
        numbers.append(float(m.group().replace("\u2212", "-")))
        last = m.end()
    words.append(text[last:])
    return words, numbers


def compare_text(committed: str, fresh: str, tol: Tolerance) -> str | None:
    """``None`` when ``fresh`` matches ``committed`` under ``tol``, else a one-line reason."""
    if committed == fresh:
        return None
    if tol.lines:
        ref_lines, new_lines = committed.splitlines(), fresh.splitlines()
        if len(ref_lines) != len(new_lines):
            return f"{len(new_lines)} lines where the committed output has {len(ref_lines)}"
        for a, b in zip(ref_lines, new_lines):
            reason = _compare_line(a, b, tol.for_line(a))
            if reason is not None:
                return f"{reason} (in line {a.strip()[:60]!r})"
        return None
    return _compare_line(committed, fresh, tol)


def _compare_line(committed: str, fresh: str, tol: Tolerance) -> str | None:
    ref_words, ref_nums = split_numbers(committed)
    new_words, new_nums = split_numbers(fresh)
    if len(ref_nums) != len(new_nums):
        return f"{len(new_nums)} numbers where the committed output has {len(ref_nums)}"
    # White space is not compared: column alignment shifts with a number's width.
    ref_words = [_SPACE.sub("", w) for w in ref_words]
    new_words = [_SPACE.sub("", w) for w in new_words]
    for a, b in zip(ref_words, new_words):
        if a != b:
            return f"text differs: committed {a!r}, now {b!r}"
    for i, (a, b) in enumerate(zip(ref_nums, new_nums)):
        if not tol.accepts(a, b):
            return (
                f"number {i + 1} is {b!r}, committed {a!r}: outside rel={tol.rel:g}, "
                f"abs={tol.abs:g}"
            )
    return None


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def _keyed(outputs: Sequence[Mapping]):
    """(key, output index, data key or None) for every comparable text value, in order."""
    for i, out in enumerate(outputs):
        if out.get("output_type") == "stream":
            yield ("stream", out.get("name")), i, None
        elif "data" in out:
            for mime in out["data"]:
                if mime in TEXT_KEYS:
                    yield ("data", mime), i, mime


def outputs_within_tolerance(
    fresh: Sequence[Mapping],
    committed: Sequence[Mapping],
    tol: Tolerance,
    sanitize: Callable[[str], str] | None = None,
) -> tuple[list[dict], list[str]]:
    """Replace each fresh text value that matches its committed counterpart under ``tol`` by the
    committed text, so that an exact comparison afterwards (nbval's) passes exactly when the
    tolerance policy does.  Values are paired per stream name or MIME type, in order.

    ``sanitize`` (nbval's sanitizer) is applied to both texts before they are compared.
    Returns the new fresh outputs (``NotebookNode``s, as nbval expects) and a reason for each value
    that did not match (values that cannot be paired are left for nbval to report).
    """
    clean = sanitize or (lambda s: s)
    import nbformat

    fresh = [nbformat.from_dict(copy.deepcopy(dict(o))) for o in fresh]
    pairs: dict[tuple, list] = {}
    for key, i, mime in _keyed(committed):
        pairs.setdefault(key, [[], []])[0].append((i, mime))
    for key, i, mime in _keyed(fresh):
        pairs.setdefault(key, [[], []])[1].append((i, mime))
    reasons = []
    for key, (refs, news) in pairs.items():
        if len(refs) != len(news):
            continue
        for (ri, rmime), (ni, nmime) in zip(refs, news):
            ref = committed[ri]
            ref_text = _text(ref["text"] if rmime is None else ref["data"][rmime])
            out = fresh[ni]
            new_text = _text(out["text"] if nmime is None else out["data"][nmime])
            reason = compare_text(clean(ref_text), clean(new_text), tol)
            if reason is None:
                if nmime is None:
                    out["text"] = ref_text
                else:
                    out["data"] = nbformat.from_dict({**out["data"], nmime: ref_text})
            else:
                reasons.append(f"{key[1]}: {reason}")
    return fresh, reasons


def drop_progress_bars(outputs: Sequence[Mapping]) -> list:
    """The outputs without tqdm widgets (they show timing, not results)."""
    return [o for o in outputs if not is_progress_bar_output(o)]


# --------------------------------------------------------------------------- saving notebooks

_MODEL_REF = re.compile(r"IPY_MODEL_([0-9a-f]+)")


def _output_model_ids(nb) -> list[str]:
    return [
        o["data"][WIDGET_VIEW]["model_id"]
        for cell in nb["cells"]
        if cell["cell_type"] == "code"
        for o in cell.get("outputs", [])
        if WIDGET_VIEW in o.get("data", {})
    ]


def _reachable_models(nb) -> list[str]:
    """Widget models shown by an output, and their children, in a deterministic order."""
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    order: list[str] = []
    todo = list(reversed(_output_model_ids(nb)))
    while todo:
        model_id = todo.pop()
        if model_id in order or model_id not in state:
            continue
        order.append(model_id)
        refs = _MODEL_REF.findall(json.dumps(state[model_id], sort_keys=True))
        todo.extend(reversed(refs))
    return order


def prune_widget_state(nb) -> None:
    """Keep only the widget models that a remaining output shows (and their children)."""
    widgets = nb.get("metadata", {}).get("widgets", {})
    state = widgets.get(WIDGET_STATE, {}).get("state")
    if state is None:
        return
    keep = set(_reachable_models(nb))
    if keep:
        widgets[WIDGET_STATE]["state"] = {k: v for k, v in state.items() if k in keep}
    else:
        del nb["metadata"]["widgets"]


def normalize_widget_ids(nb, salt: str) -> None:
    """Rename every widget model id to one derived from ``salt`` and its position, so that
    re-executing an unchanged notebook saves the same ids (ipywidgets draws random uuids)."""
    order = _reachable_models(nb)
    if not order:
        return
    new = {
        old: hashlib.sha256(f"{salt}:{k}".encode()).hexdigest()[:32] for k, old in enumerate(order)
    }
    widgets = nb["metadata"]["widgets"][WIDGET_STATE]
    text = json.dumps(widgets["state"])
    text = _MODEL_REF.sub(lambda m: "IPY_MODEL_" + new.get(m.group(1), m.group(1)), text)
    state = json.loads(text)
    widgets["state"] = {new.get(k, k): state[k] for k in sorted(state, key=lambda k: new.get(k, k))}
    for cell in nb["cells"]:
        for o in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            view = o.get("data", {}).get(WIDGET_VIEW)
            if view is not None and view.get("model_id") in new:
                view["model_id"] = new[view["model_id"]]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_description() -> dict:
    """What made a notebook's outputs: CPU model, ATen's CPU path, threads, torch version."""
    import torch

    from .runtime import DEFAULT_THREADS

    threads = os.environ.get("D2LNOTES_THREADS", "").strip() or str(DEFAULT_THREADS)
    return {
        "cpu": _cpu_model(),
        "aten_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "threads": int(threads),
        "torch": torch.__version__.split("+")[0],
    }


# --------------------------------------------------------------------------- running notebooks


def execute_notebook(nb, cwd, *, timeout: int = 900, allow_errors: bool = False):
    """Execute ``nb`` (an nbformat notebook, changed in place) top to bottom in a fresh kernel of
    the current environment, with ``cwd`` as its working folder.  Widget state is kept, timing
    metadata is not.  Returns ``nb``."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        record_timing=False,
        store_widget_state=True,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return nb


def run_notebook(path, *, timeout: int = 900, allow_errors: bool = False):
    """Read the notebook at ``path`` and execute it in its own folder (see
    :func:`execute_notebook`).  Returns ``(notebook, seconds)``."""
    import time
    from pathlib import Path

    import nbformat

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such notebook: {path}")
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    execute_notebook(nb, path.parent, timeout=timeout, allow_errors=allow_errors)
    return nb, time.perf_counter() - start


def cell_tags(cell) -> set[str]:
    """The tags of a notebook cell (``exercise``, ``solution``, ``nbval-ignore-output`` ...)."""
    return set(cell.get("metadata", {}).get("tags", []))


def is_check_cell(cell) -> bool:
    """A code cell that checks an answer: it calls ``dn.check_answer`` or ``dn.check_choice``."""
    return cell.cell_type == "code" and "dn.check_" in cell.source


def student_version(nb):
    """The student edition of ``nb``: a copy without the cells tagged ``solution``, with the
    outputs of the exercise stubs and of the check cells after them cleared (a saved
    "Correct: ..." would give the answer away).  Everything else keeps its outputs."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if "solution" not in cell_tags(c)]
    seen_exercise = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "exercise" in cell_tags(cell):
            seen_exercise = True
        if "exercise" in cell_tags(cell) or (seen_exercise and is_check_cell(cell)):
            cell.outputs = []
            cell.execution_count = None
    return nb


def coalesce_streams(outputs: Sequence[Mapping]) -> list:
    """Merge consecutive ``stream`` outputs of the same name (stdout, stderr) into one.

    How a cell's printed text is split into stream messages depends on timing (the kernel
    flushes its buffer every 0.2 s), so a slow and a fast run of the same cell save different
    output lists for the same text; merged, they save the same.  (nbval merges them too
    before it compares.)"""
    merged: list = []
    for out in outputs:
        if (
            out.get("output_type") == "stream"
            and merged
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == out.get("name")
        ):
            previous = copy.deepcopy(merged[-1])
            previous["text"] = _text(previous.get("text", "")) + _text(out.get("text", ""))
            merged[-1] = previous
        else:
            merged.append(out)
    return merged


def finish_for_saving(nb, name: str, machine: Mapping | None = None) -> None:
    """Make an executed notebook diff-quiet: drop progress bars and any timing metadata, merge
    printed text split by timing, prune and renumber widget state deterministically, and record
    the machine that made the outputs."""
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("execution", None)
        if cell["cell_type"] == "code":
            cell["outputs"] = coalesce_streams(drop_progress_bars(cell["outputs"]))
    prune_widget_state(nb)
    normalize_widget_ids(nb, salt=name)
    meta = nb["metadata"].setdefault(METADATA_KEY, {})
    meta["outputs_made_on"] = dict(machine if machine is not None else machine_description())


# --------------------------------------------------------------------------- README's note

NOTE_BEGIN = "<!-- outputs-made-on: generated by make notebooks -->"
NOTE_END = "<!-- /outputs-made-on -->"


def outputs_note(made_on: Mapping[str, Mapping]) -> str:
    """README's note on which machine made the committed outputs, from each notebook's record
    (``{notebook name: machine_description()}``)."""
    groups: dict[str, list[str]] = {}
    for name in sorted(made_on):
        m = made_on[name]
        line = (
            f"{m.get('cpu', '?')}, ATen CPU path {m.get('aten_cpu_capability', '?')}, "
            f"{m.get('threads', '?')} thread(s), torch {m.get('torch', '?')}"
        )
        groups.setdefault(line, []).append(name)
    if not groups:
        return "No notebook records the machine that made its outputs."
    if len(groups) == 1:
        return f"The committed outputs were made by `make notebooks` on: {next(iter(groups))}."
    lines = ["The committed outputs were made by `make notebooks` on:"]
    lines += [f"* {line}: {', '.join(names)}" for line, names in groups.items()]
    return "\n".join(lines)


def replace_note(readme: str, note: str) -> str:
    """``readme`` with the text between :data:`NOTE_BEGIN` and :data:`NOTE_END` replaced."""
    start, end = readme.find(NOTE_BEGIN), readme.find(NOTE_END)
    if start < 0 or end < start:
        raise ValueError(f"README has no {NOTE_BEGIN} ... {NOTE_END} block")
    return readme[: start + len(NOTE_BEGIN)] + "\n" + note + "\n" + readme[end:]
