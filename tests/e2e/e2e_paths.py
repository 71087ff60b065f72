"""Paths and the screenshot helper shared by the browser tests."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"


def screenshot(page, name: str) -> None:
    """Save a screenshot for README when D2LNOTES_SCREENSHOTS names a folder (make screenshots)."""
    folder = os.environ.get("D2LNOTES_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))
