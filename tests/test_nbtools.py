"""The notebook output policy (d2lnotes.nbtools) and diff-quiet saving."""

import copy
import json
from pathlib import Path

import nbformat
import pytest

from d2lnotes import nbtools
from d2lnotes.nbtools import Tolerance, ToleranceError, cell_tolerance, compare_text

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_split_numbers_keeps_words_and_signs():
    assert nbtools.split_numbers("loss 0.014 after 300 steps") == (
        ["loss ", " after ", " steps"],
        [0.014, 300.0],
    )
    words, nums = nbtools.split_numbers("784-256-10 net, W1 x3 (\u22123.4) -0.5 1.2e-07.")
    assert nums == [784, 256, 10, -3.4, -0.5, 1.2e-07]
    assert "W1 x3" in words[3]  # digits inside names are words, compared exactly
    assert nbtools.split_numbers("version 1.2.3")[1] == []


def test_compare_text_tolerance_and_words():
    tol = Tolerance(rel=0.05)
    assert compare_text("test accuracy 0.829", "test accuracy 0.816", tol) is None
    assert "number 1" in compare_text("test accuracy 0.829", "test accuracy 0.716", tol)
    assert "text differs" in compare_text("test accuracy 0.829", "train accuracy 0.829", tol)
    assert "numbers" in compare_text("a 1 b 2", "a 1 b", tol)
    # column alignment may shift with a number's width
    assert compare_text("  9.5 | 1", " 10.1 | 1", Tolerance(rel=0.1)) is None
    assert compare_text("x 1.0", "x 1.0", Tolerance()) is None
    assert compare_text("x 1.0", "x 1.1", Tolerance()) is not None  # no tolerance: exact
    assert compare_text("a 0.001", "a -0.001", Tolerance(abs=0.01)) is None
    assert compare_text("a 0.001", "a -0.001", Tolerance(rel=0.5)) is not None


def test_tolerance_accepts():
    assert Tolerance(rel=0.1).accepts(100, 109) and not Tolerance(rel=0.1).accepts(100, 112)
    assert Tolerance(abs=1e-3).accepts(0.0, 9e-4) and not Tolerance(abs=1e-3).accepts(0, 2e-3)
    assert not Tolerance(rel=0.1).accepts(float("nan"), 1.0)
    assert not Tolerance(rel=0.1).accepts(float("inf"), 1e300)


def meta(**tol):
    return {"d2lnotes": {"tolerance": tol}}


def test_cell_tolerance_reads_metadata():
    assert cell_tolerance({}) is None and cell_tolerance({"tags": ["x"]}) is None
    tol = cell_tolerance(meta(rel=0.05, why="chaotic training"), device="cpu")
    assert tol == Tolerance(0.05, 0.0, "chaotic training")
    cuda = meta(rel=0.05, why="w", cuda={"rel": 0.2, "abs": 0.01})
    assert cell_tolerance(cuda, device="cpu").rel == 0.05
    assert cell_tolerance(cuda, device="cuda:0") == Tolerance(0.2, 0.01, "w")


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"rel": 0.05}, "'why'"),
        ({"why": "x"}, "'rel' and/or 'abs'"),
        ({"rel": -1, "why": "x"}, ">= 0"),
        ({"rel": "5%", "why": "x"}, "finite number"),
        ({"rel": 0.5, "why": "x"}, "allowed maximum"),
        ({"rel": 0.1, "why": "x", "digits": 3}, "unknown tolerance key"),
        ({"rel": 0.1, "why": "x", "cuda": {"rel": 0.1, "why": "y"}}, "unknown tolerance key"),
    ],
)
def test_bad_tolerance_metadata_is_named(spec, message):
    with pytest.raises(ToleranceError, match=message):
        cell_tolerance({"d2lnotes": {"tolerance": spec}}, device="cuda", where="nb.ipynb cell 3")
    with pytest.raises(ToleranceError, match="must be a mapping"):
        cell_tolerance({"d2lnotes": {"tolerance": 0.1}})


def stdout(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def test_outputs_within_tolerance_replaces_only_matches():
    committed = [
        stdout("acc 0.829\n"),
        {"output_type": "execute_result", "data": {"text/plain": "0.50", "image/png": "AAA"}},
    ]
    fresh = [
        stdout("acc 0.816\n"),
        {"output_type": "execute_result", "data": {"text/plain": "0.70", "image/png": "BBB"}},
    ]
    new, reasons = nbtools.outputs_within_tolerance(fresh, committed, Tolerance(rel=0.05))
    assert new[0]["text"] == "acc 0.829\n"  # within tolerance: nbval then sees equal text
    assert new[1]["data"]["text/plain"] == "0.70" and len(reasons) == 1
    assert new[1]["data"]["image/png"] == "BBB" and fresh[0]["text"] == "acc 0.816\n"
    # nbval reads outputs by attribute: what comes back must still be notebook nodes
    assert new[0].output_type == "stream" and new[1].data["text/plain"] == "0.70"


def test_the_nbval_hook_compares_within_tolerance():
    """conftest.py's hook, run on nbval's own comparison: a cell with a tolerance passes within
    it and fails outside it; the same cell without one is compared exactly."""
    import nbformat
    from nbval.plugin import IPyNbCell

    import conftest

    conftest.pytest_configure(None)

    class Cell:  # what compare_outputs uses of an nbval item
        parent = type("P", (), {"skip_compare": ("metadata",), "sanitize_patterns": {}})()
        colors = type("C", (), {"FAIL": "", "ENDC": "", "OKBLUE": "", "OKGREEN": ""})()
        fspath, cell_num = "nb.ipynb", 3
        sanitize = IPyNbCell.sanitize

        def format_output_compare(self, key, left, right):
            self.comparison_traceback.append(f"{key} differs")

        compare_outputs = IPyNbCell.compare_outputs

        def __init__(self, metadata):
            self.cell = nbformat.from_dict({"metadata": metadata})

    committed = [nbformat.from_dict(stdout("test acc 0.829\n"))]
    close = [nbformat.from_dict(stdout("test acc 0.816\n"))]
    far = [nbformat.from_dict(stdout("test acc 0.716\n"))]
    declared = Cell(meta(abs=0.02, why="chaotic training"))
    assert declared.compare_outputs(close, committed)
    assert not declared.compare_outputs(far, committed)
    assert "declared tolerance" in declared.comparison_traceback[-1]
    assert not Cell({}).compare_outputs(close, committed)


def test_every_notebook_tolerance_is_well_formed_and_bounded():
    """Tolerances parse, say why, and stay below the maximum; ignored outputs are widgets only."""
    declared = 0
    for path in NOTEBOOKS:
        nb = nbformat.read(path, 4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            tol = cell_tolerance(cell.metadata, device="cpu", where=f"{path.name} cell {i}")
            declared += tol is not None
            if "nbval-ignore-output" in cell.metadata.get("tags", []):
                kinds = {k for o in cell.outputs for k in o.get("data", {"<text>": 1})}
                assert nbtools.WIDGET_VIEW in kinds and "<text>" not in kinds, (
                    f"{path.name} cell {i}: only live widgets may skip the comparison; print "
                    "noise as a bound or declare a tolerance instead"
                )
            assert "nbval-skip" not in cell.metadata.get("tags", []) or "exercise" in (
                cell.metadata.get("tags", [])
            ), f"{path.name} cell {i}: nbval-skip is for exercise stubs only"
    assert declared > 0


def widget_nb(ids):
    """A notebook showing a slider inside a box, with the given (random) model ids."""
    box, slider, layout = ids
    state = {
        box: {
            "model_name": "VBoxModel",
            "state": {"children": [f"IPY_MODEL_{slider}"], "layout": f"IPY_MODEL_{layout}"},
        },
        slider: {
            "model_name": "IntSliderModel",
            "state": {"value": 3, "layout": f"IPY_MODEL_{layout}"},
        },
        layout: {"model_name": "LayoutModel", "state": {}},
        "deadbeef" * 4: {"model_name": "LayoutModel", "state": {}},  # no output shows it
    }
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("w")
    cell.id = "cell-1"
    cell.metadata["execution"] = {"iopub.status.busy": "2026-12-01T13:00:00Z"}
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                nbtools.WIDGET_VIEW: {"model_id": box, "version_major": 2},
                "text/plain": "VBox(...)",
            },
        )
    ]
    nb.cells = [cell]
    nb.metadata["widgets"] = {nbtools.WIDGET_STATE: {"state": state, "version_major": 2}}
    return nb


def test_saving_is_diff_quiet():
    machine = {"cpu": "Some CPU", "aten_cpu_capability": "AVX2", "threads": 1, "torch": "2.14.1"}
    a = widget_nb(["a1" * 16, "a2" * 16, "a3" * 16])
    b = widget_nb(["b1" * 16, "b2" * 16, "b3" * 16])
    for nb in (a, b):
        nbtools.finish_for_saving(nb, name="x.ipynb", machine=machine)
    assert nbformat.writes(a) == nbformat.writes(b)
    state = a.metadata["widgets"][nbtools.WIDGET_STATE]["state"]
    assert len(state) == 3 and "deadbeef" * 4 not in state
    shown = a.cells[0].outputs[0]["data"][nbtools.WIDGET_VIEW]["model_id"]
    assert shown in state  # the output and the state were renamed together
    assert set(nbtools._MODEL_REF.findall(json.dumps(state))) == set(state) - {shown}
    assert "execution" not in a.cells[0].metadata
    assert a.metadata["d2lnotes"]["outputs_made_on"] == machine
    c = copy.deepcopy(a)
    nbtools.finish_for_saving(c, name="x.ipynb", machine=machine)  # idempotent
    assert nbformat.writes(c) == nbformat.writes(a)


def test_committed_notebooks_have_no_volatile_metadata():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, 4)
        assert "outputs_made_on" in nb.metadata.get("d2lnotes", {}), path.name
        for cell in nb.cells:
            assert "execution" not in cell.metadata, f"{path.name}: timing metadata saved"


def test_readme_says_which_machine_made_the_outputs():
    made_on = {
        p.name: nbformat.read(p, 4).metadata.get("d2lnotes", {}).get("outputs_made_on", {})
        for p in NOTEBOOKS
    }
    readme = (ROOT / "README.md").read_text()
    note = nbtools.outputs_note(made_on)
    assert nbtools.replace_note(readme, note) == readme, (
        "README's note on the machine that made the outputs is stale; make notebooks rewrites it"
    )
    assert nbtools.outputs_note({"a": {"cpu": "X"}, "b": {"cpu": "Y"}}).count("\n* ") == 2


def test_replace_note_needs_the_markers():
    with pytest.raises(ValueError, match="outputs-made-on"):
        nbtools.replace_note("no markers here", "note")


def test_line_rules_pick_a_tolerance_per_line():
    spec = meta(rel=0.01, why="w", lines=[{"match": "^gain", "abs": 0.6}])
    tol = cell_tolerance(spec, device="cpu")
    committed = "train acc 0.990\ngain [0.7 1.2 -0.1]\n"
    assert compare_text(committed, "train acc 0.989\ngain [1.0 0.8 -0.2]\n", tol) is None
    assert "number 2" in compare_text(committed, "train acc 0.990\ngain [0.7 2.0 -0.1]\n", tol)
    assert "number 1" in compare_text(committed, "train acc 0.950\ngain [0.7 1.2 -0.1]\n", tol)
    assert "lines" in compare_text(committed, "train acc 0.990\n", tol)
    with pytest.raises(ToleranceError, match="'match' regex"):
        cell_tolerance(meta(rel=0.1, why="w", lines=[{"abs": 1}]))
    with pytest.raises(ToleranceError, match="bad regex"):
        cell_tolerance(meta(rel=0.1, why="w", lines=[{"match": "(", "abs": 1}]))


def _masked(nb):
    """The notebook as JSON text with PNG payloads replaced (they differ when floats differ)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if "image/png" in out.get("data", {}):
                out["data"]["image/png"] = "<png>"
    return nbformat.writes(nb)


def test_resaving_an_unchanged_notebook_gives_no_diff(tmp_path):
    """``make notebooks`` on an unchanged notebook: on the machine that made its outputs the file
    comes back byte for byte; elsewhere everything but the figures' pixels and the numbers of
    cells with a declared tolerance must come back unchanged."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from execute_notebooks import execute

    name = "04_weight_decay.ipynb"  # small (about 15 s) and shows widgets
    committed_text = (ROOT / "notebooks" / name).read_text()
    copy_path = tmp_path / name
    copy_path.write_text(committed_text)
    execute(copy_path)
    committed, fresh = nbformat.reads(committed_text, 4), nbformat.read(copy_path, 4)
    if committed.metadata["d2lnotes"]["outputs_made_on"] == nbtools.machine_description():
        assert copy_path.read_text() == committed_text
        return
    for c_cell, f_cell in zip(committed.cells, fresh.cells):
        tol = cell_tolerance(c_cell.metadata, device="cpu") if c_cell.cell_type == "code" else None
        if tol is not None:
            f_cell.outputs, _ = nbtools.outputs_within_tolerance(
                f_cell.outputs, c_cell.outputs, tol
            )
    made_on = committed.metadata["d2lnotes"]["outputs_made_on"]
    fresh.metadata["d2lnotes"]["outputs_made_on"] = made_on
    assert _masked(fresh) == _masked(committed)


def test_student_version_drops_solutions_and_clears_what_would_give_them_away():
    nb = nbformat.v4.new_notebook()
    out = [nbformat.v4.new_output("stream", name="stdout", text="Correct: 2\n")]
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1", outputs=list(out)),
        nbformat.v4.new_code_cell("answer = ...", metadata={"tags": ["exercise"]}, outputs=[]),
        nbformat.v4.new_code_cell("answer = 2", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("dn.check_answer(answer, 2)", outputs=list(out)),
        nbformat.v4.new_markdown_cell("after"),
    ]
    student = nbtools.student_version(nb)
    assert [c.source for c in student.cells] == [
        "x = 1",
        "answer = ...",
        "dn.check_answer(answer, 2)",
        "after",
    ]
    assert student.cells[0].outputs and not student.cells[2].outputs
    assert len(nb.cells) == 5 and nb.cells[3].outputs  # the original is untouched
    assert nbtools.is_check_cell(nb.cells[3]) and not nbtools.is_check_cell(nb.cells[4])
    assert (
        nbtools.cell_tags(nb.cells[2]) == {"solution"} and nbtools.cell_tags(nb.cells[0]) == set()
    )


def test_run_notebook_names_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such notebook: .*nope.ipynb"):
        nbtools.run_notebook(tmp_path / "nope.ipynb")


def test_run_notebook_executes_in_the_notebooks_folder(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os; print(os.path.basename(os.getcwd()))")]
    (tmp_path / "here").mkdir()
    nbformat.write(nb, tmp_path / "here" / "t.ipynb")
    ran, seconds = nbtools.run_notebook(tmp_path / "here" / "t.ipynb", timeout=120)
    assert ran.cells[0].outputs[0].text == "here\n" and seconds > 0


def test_printed_text_split_by_timing_is_saved_as_one_output():
    out = nbformat.v4.new_output
    outputs = [
        out("stream", name="stdout", text="a\n"),
        out("stream", name="stdout", text="b\n"),
        out("stream", name="stderr", text="warn\n"),
        out("display_data", data={"text/plain": "<Figure>"}),
        out("stream", name="stdout", text="c\n"),
        out("stream", name="stdout", text="d\n"),
    ]
    merged = nbtools.coalesce_streams(outputs)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in merged] == [
        ("stream", "stdout", "a\nb\n"),
        ("stream", "stderr", "warn\n"),
        ("display_data", None, None),
        ("stream", "stdout", "c\nd\n"),
    ]
    assert outputs[0].text == "a\n"  # the input is not changed
