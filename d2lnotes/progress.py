"""Progress bars for long runs that stay out of saved notebooks and nbval comparisons.

A bar is a ``tqdm.auto`` bar: a widget in Jupyter, text on stderr elsewhere.  It
closes itself when done (``leave=False``); ``make notebooks`` strips any bar from the
saved outputs and the nbval ``conftest.py`` drops bars before comparing, both with
:func:`is_progress_bar_output`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["PROGRESS_MIN_STEPS", "is_progress_bar_output", "progress_bar", "wants_progress"]

#: ``progress=None`` ("auto") shows a bar for runs of at least this many optimiser steps.
PROGRESS_MIN_STEPS = 10_000

_BAR = re.compile(r"\d+%\|")


def wants_progress(progress: bool | None, total_steps: int) -> bool:
    """Resolve a ``progress`` argument: ``True``/``False`` as given, ``None`` = auto by size.

    Auto depends only on the amount of work, never on timing, so the same cell shows
    (or does not show) a bar on every machine.
    """
    if progress is None:
        return total_steps >= PROGRESS_MIN_STEPS
    return bool(progress)


def progress_bar(iterable: Iterable, enabled: bool = False, desc: str | None = None) -> Iterable:
    """Wrap ``iterable`` in a ``tqdm.auto`` bar when ``enabled``."""
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=desc, leave=False)


def is_progress_bar_output(output: Mapping) -> bool:
    """True for a notebook output that is a tqdm widget (its text form is ``... 0%|...``)."""
    data = output.get("data", {}) or {}
    if "application/vnd.jupyter.widget-view+json" not in data:
        return False
    text = data.get("text/plain", "")
    if isinstance(text, list):
        text = "".join(text)
    return bool(_BAR.search(text))
