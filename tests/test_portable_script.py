"""scripts/test_portable.py: a kernel that fails to start is retried, a failing cell never is."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import test_portable  # noqa: E402

DIED = "RuntimeError: Kernel died before replying to kernel_info"


def _report(tmp_path, cases):
    body = "".join(
        f'<testcase classname="notebooks.{nb}" name="Cell {i}">{problem}</testcase>'
        for nb, i, problem in cases
    )
    path = tmp_path / "report.xml"
    path.write_text(f'<testsuites><testsuite name="pytest">{body}</testsuite></testsuites>')
    return path


def test_only_kernel_start_errors_name_their_notebooks(tmp_path):
    error = f'<error message="failed on setup">{DIED}</error>'
    report = _report(tmp_path, [("08_init.ipynb", 0, error), ("08_init.ipynb", 1, error),
                                ("01_act.ipynb", 0, "")])  # fmt: skip
    assert test_portable.kernel_start_failures(report) == (["notebooks/08_init.ipynb"], False)


def test_a_failing_cell_is_never_retried(tmp_path):
    died = f'<error message="failed on setup">{DIED}</error>'
    differs = '<failure message="Cell outputs differ">0.83 != 0.84</failure>'
    report = _report(tmp_path, [("08_init.ipynb", 0, died), ("05_drop.ipynb", 3, differs)])
    assert test_portable.kernel_start_failures(report) == (["notebooks/08_init.ipynb"], True)
    other_error = '<error message="failed on setup">NameError: x</error>'
    report = _report(tmp_path, [("05_drop.ipynb", 3, other_error)])
    assert test_portable.kernel_start_failures(report) == ([], True)
