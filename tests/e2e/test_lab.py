"""JupyterLab started the way ``make lab`` starts it (127.0.0.1, token auth on), driven in headless
Chromium: open a notebook, run all its cells from the Run menu, read an expected output."""

from __future__ import annotations

import json
import os
import re
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

from d2lnotes.i18n import translate
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


# The editions: the English notebook as committed; the Chinese one as `make lab LANG=zh_CN`
# generates it (build/zh_CN/notebooks, from the catalogs)
SOURCES = {"en": ROOT / "notebooks", "zh_CN": ROOT / "build" / "zh_CN" / "notebooks"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def committed(edition: str) -> dict:
    return json.loads((SOURCES[edition] / NOTEBOOK).read_text(encoding="utf-8"))


def expected_outputs(edition: str) -> list[tuple[str, Tolerance]]:
    """The committed stdout of each code cell that has one, in order, with the tolerance the
    cell declares (README, "How the notebooks are tested"; exact when it declares none)."""
    out = []
    for c in committed(edition)["cells"]:
        if c["cell_type"] != "code":
            continue
        tol = cell_tolerance(c["metadata"], device="cpu") or Tolerance()
        out += [("".join(o["text"]), tol) for o in c["outputs"] if o.get("name") == "stdout"]
    return out


@pytest.fixture(params=["en", "zh_CN"])
def lab(request, tmp_path):
    """`make lab` (English) or `make lab LANG=zh_CN` on a copy of one notebook with its outputs
    cleared: whatever output the page shows comes from this run, and autosave cannot touch the
    committed (or generated) file."""
    edition = request.param
    root = tmp_path / "notebooks"
    root.mkdir()
    if edition == "zh_CN":  # what make lab LANG=zh_CN opens: generate it as it would
        subprocess.run(
            ["make", "--no-print-directory", "zh-notebooks"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={**os.environ, "MAKEFLAGS": ""},
        )
    nb = committed(edition)
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
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}", f"LAB_DIR={root}"]
        + (["LANG=zh_CN"] if edition == "zh_CN" else []),
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
        yield base, token, edition
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_lab_requires_the_token(lab):
    base, token, _ = lab
    assert status(f"{base}/api/contents") == 403, "the server must not answer without the token"
    assert status(f"{base}/api/contents?token={token}") == 200


def test_run_all_cells_in_jupyterlab(context, lab):
    base, token, edition = lab
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
    code_cells = sum(c["cell_type"] == "code" for c in committed(edition)["cells"])
    assert page.locator(".jp-CodeCell").count() == code_cells
    shown = page.locator(STDOUT).all_inner_texts()
    assert page.locator(PROBLEMS).count() == 0, "no cell may show a warning or an error"
    expected = expected_outputs(edition)
    assert len(shown) == len(expected), "every cell that printed should print again"
    # The same rules as nbval's comparison: exact, or within the cell's declared tolerance.
    for (saved, tol), text in zip(expected, shown):
        assert compare_text(saved.strip(), text.strip(), tol) is None, (saved, text)
    assert any("after 300 steps" in text for text in shown)
    if edition == "zh_CN":
        # the lesson reads in Chinese, and the check cells answer in Chinese as they run: the
        # backward-pass check's confirmation, translated at run time, is the generated one
        headings = page.locator(".jp-MarkdownOutput h2").all_inner_texts()
        assert headings and all(CJK.search(h) for h in headings), headings
        english = (
            "Correct: every gradient of my_backward agrees with autograd and with finite "
            "differences."
        )
        chinese = translate(english, "zh_CN")
        assert CJK.search(chinese) and any(chinese in text for text in shown), shown
        screenshot(page, "jupyterlab-zh_CN")
        return
    screenshot(page, "jupyterlab")
    assert context.request_log.external == [], "JupyterLab should load nothing from the internet"
