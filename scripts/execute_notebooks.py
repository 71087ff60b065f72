"""Re-execute notebooks top to bottom and save them with their outputs (``make notebooks``).

Runs each notebook in its own folder with the current Python environment's kernel,
keeps widget state (so rendered notebooks show widgets), drops progress-bar outputs
(they record timing, not results) and prints how long each notebook took.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from d2lnotes.progress import is_progress_bar_output


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MODEL_REF = re.compile(r"IPY_MODEL_([0-9a-f]+)")


def prune_widget_state(nb) -> None:
    """Keep only the widget models that a remaining output shows (and their children)."""
    widgets = nb.metadata.get("widgets", {})
    key = "application/vnd.jupyter.widget-state+json"
    state = widgets.get(key, {}).get("state")
    if state is None:
        return
    todo = [
        o["data"][WIDGET_VIEW]["model_id"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in cell.outputs
        if WIDGET_VIEW in o.get("data", {})
    ]
    keep: set[str] = set()
    while todo:
        model_id = todo.pop()
        if model_id in keep or model_id not in state:
            continue
        keep.add(model_id)
        todo.extend(MODEL_REF.findall(json.dumps(state[model_id])))
    if keep:
        widgets[key]["state"] = {k: v for k, v in state.items() if k in keep}
    else:
        del nb.metadata["widgets"]


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
            cell.outputs = [o for o in cell.outputs if not is_progress_bar_output(o)]
    prune_widget_state(nb)
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
