"""JupyterLab started the way ``make lab`` starts it (127.0.0.1, token auth on), driven in headless
Chromium: open a notebook, run all its cells from the Run menu, read an expected output."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from e2e_paths import ROOT, screenshot

from d2lnotes.nbtools import Tolerance, cell_tolerance, compare_text

NOTEBOOK = "06_backprop.ipynb"  # the quickest chapter: about 7 s on a 2-core CPU
STDOUT = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stdout']"
PROBLEMS = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"  # + errors


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


def status(url: str) -> int:
    """HTTP status of a GET (0 while nothing listens)."""
    try:
        with DIRECT.open(url, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, ConnectionError):
        return 0


COMMITTED = json.loads((ROOT / "notebooks" / NOTEBOOK).read_text())
CODE_CELLS = sum(c["cell_type"] == "code" for c in COMMITTED["cells"])


def expected_outputs() -> list[tuple[str, Tolerance]]:
    """The committed stdout of each code cell that has one, in order, with the tolerance the
    cell declares (README, "How the notebooks are tested"; exact when it declares none)."""
    out = []
    for c in COMMITTED["cells"]:
        if c["cell_type"] != "code":
            continue
        tol = cell_tolerance(c["metadata"], device="cpu") or Tolerance()
        out += [("".join(o["text"]), tol) for o in c["outputs"] if o.get("name") == "stdout"]
    return out


@pytest.fixture
def lab(tmp_path):
    """`make lab` on a copy of one notebook with its outputs cleared: whatever output the page
    shows comes from this run, and autosave cannot touch the committed file."""
    root = tmp_path / "notebooks"
    root.mkdir()
    nb = json.loads((ROOT / "notebooks" / NOTEBOOK).read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    (root / NOTEBOOK).write_text(json.dumps(nb))
    # Learner settings are left alone; this test's own settings folder turns off JupyterLab's
    # windowing (cells far from the viewport are otherwise not in the page to be read)
    settings = tmp_path / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    news = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"  # and its news prompt
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port, token = free_port(), secrets.token_hex(16)
    args = (
        f"--no-browser --ServerApp.port={port} --ServerApp.port_retries=0 --ServerApp.token={token}"
    )
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}", f"LAB_DIR={root}"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "MAKEFLAGS": "", "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings")},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while status(f"{base}/api/status?token={token}") != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                log_tail = (tmp_path / "lab.log").read_text()[-3000:]
                pytest.fail(f"make lab did not start:\n{log_tail}")
            time.sleep(0.5)
        yield base, token
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_lab_requires_the_token(lab):
    base, token = lab
    assert status(f"{base}/api/contents") == 403, "the server must not answer without the token"
    assert status(f"{base}/api/contents?token={token}") == 200


def test_run_all_cells_in_jupyterlab(context, lab):
    base, token = lab
    page = context.new_page()
    page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
    page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
    page.get_by_text("Kernel status: Idle").first.wait_for(state="attached", timeout=60_000)
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")  # JupyterLab may ask, as it
    try:  # may ask a learner
        dialog.wait_for(timeout=5_000)
        dialog.get_by_role("button", name="Select").click()
    except PlaywrightTimeout:
        pass

    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

    # Done when every code cell shows an execution count (they start empty: outputs were cleared).
    page.wait_for_function(
        """() => { const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
                   return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent)); }""",
        timeout=120_000,
        polling=500,
    )
    assert page.locator(".jp-CodeCell").count() == CODE_CELLS
    shown = page.locator(STDOUT).all_inner_texts()
    assert page.locator(PROBLEMS).count() == 0, "no cell may show a warning or an error"
    expected = expected_outputs()
    assert len(shown) == len(expected), "every cell that printed should print again"
    # The same rules as nbval's comparison: exact, or within the cell's declared tolerance.
    for (committed, tol), text in zip(expected, shown):
        assert compare_text(committed.strip(), text.strip(), tol) is None, (committed, text)
    assert any("after 300 steps: training loss" in text for text in shown)
    screenshot(page, "jupyterlab")
    assert context.request_log.external == [], "JupyterLab should load nothing from the internet"
