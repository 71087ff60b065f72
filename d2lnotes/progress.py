"""Progress bars for long runs that stay out of saved notebooks and nbval comparisons.

A bar is a ``tqdm.auto`` bar: a widget in Jupyter, text on stderr elsewhere.  It
closes itself when done (``leave=False``); ``make notebooks`` strips any bar from the
saved outputs and the nbval ``conftest.py`` drops bars before comparing, both with
:func:`d2lnotes.nbtools.is_progress_bar_output`.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["PROGRESS_MIN_STEPS", "progress_bar", "wants_progress"]

#: ``progress=None`` ("auto") shows a bar for runs of at least this many optimiser steps.
PROGRESS_MIN_STEPS = 10_000


def wants_progress(progress: bool | None, total_steps: int) -> bool:
    """Resolve a ``progress`` argument: ``True``/``False`` as given, ``None`` = auto by size.

    Auto depends only on the amount of work, never on timing, so the same cell shows
    (or does not show) a bar on every machine.
    """
    if progress is None:
        return total_steps >= PROGRESS_MIN_STEPS
    return bool(progress)


def progress_bar(iterable: Iterable, enabled: bool = False, desc: str | None = None) -> Iterable:
    """Wrap ``iterable`` in a ``tqdm.auto`` bar when ``enabled``.

    Taught in: 08 §5 (progress over the phase diagram's weight scales).
    """
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=desc, leave=False)
