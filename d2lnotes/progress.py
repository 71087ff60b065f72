"""Progress bars for long runs, off by default so saved notebooks stay clean."""

from __future__ import annotations

from collections.abc import Iterable


def progress_bar(iterable: Iterable, enabled: bool = False, desc: str | None = None) -> Iterable:
    """Wrap ``iterable`` in a ``tqdm.auto`` bar when ``enabled`` (a widget in
    Jupyter, text in a terminal).  The bar is removed when it finishes
    (``leave=False``); ``make notebooks`` also strips any bar from saved
    outputs and the nbval conftest ignores bars, so a long run can show
    progress without changing what the notebook's tests compare.
    """
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=desc, leave=False)
