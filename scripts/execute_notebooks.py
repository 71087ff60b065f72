"""Re-execute notebooks top to bottom and save them with their outputs (``make notebooks``).

Runs each notebook in its own folder with the current Python environment's kernel,
keeps widget state (so rendered notebooks show widgets), drops progress-bar outputs
(they record timing, not results) and prints how long each notebook took.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

TQDM = re.compile(r"^\s*\d+%\|")


def is_progress_bar(output) -> bool:
    data = output.get("data", {})
    text = data.get("text/plain", "")
    return "application/vnd.jupyter.widget-view+json" in data and bool(TQDM.match(text))


def execute(path: Path, timeout: int = 900) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not is_progress_bar(o)]
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return elapsed


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: execute_notebooks.py NOTEBOOK.ipynb [...]", file=sys.stderr)
        return 2
    for p in paths:
        path = Path(p)
        if not path.is_file():
            print(f"no such notebook: {path}", file=sys.stderr)
            return 2
        print(f"executing {path} ...", flush=True)
        print(f"  saved in {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
