"""The built course site and slides in headless Chromium: every chapter page shows its title,
rendered math and figures, and no request leaves the machine (``make site`` first)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from e2e_paths import ROOT, screenshot

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def chapter_title(path: Path) -> str:
    first = json.loads(path.read_text())["cells"][0]
    return "".join(first["source"]).splitlines()[0].lstrip("# ").strip()


def has_widgets(path: Path) -> bool:
    return "widgets" in json.loads(path.read_text())["metadata"]


def wait_for_mathjax3(page) -> int:
    page.wait_for_function(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20_000
    )
    return page.evaluate(
        "() => MathJax.startup.promise.then("
        "() => document.querySelectorAll('mjx-container').length)"
    )


def loaded_images(page, selector: str) -> int:
    page.wait_for_load_state("load")
    return page.evaluate(f"""() => [...document.querySelectorAll({selector!r})]
        .filter(img => img.complete && img.naturalWidth > 0).length""")


def test_the_site_lists_every_chapter(context, site_url):
    page = context.new_page()
    page.goto(f"{site_url}/index.html")
    page.wait_for_url(re.compile(r"intro\.html$"))
    nav = page.locator("nav.bd-links").inner_text()
    for path in NOTEBOOKS:
        assert chapter_title(path)[:25] in nav, f"{path.stem} missing from the navigation"
    links = page.locator("a[href^='slides/']").evaluate_all("els => els.map(e => e.href)")
    assert len(links) == len(NOTEBOOKS), "one slide deck per chapter on the home page"
    assert context.request_log.external == []
    assert context.request_log.failed == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_page(context, site_url, path):
    page = context.new_page()
    page.goto(f"{site_url}/notebooks/{path.stem}.html")
    title = page.locator("main h1").first.inner_text()
    assert chapter_title(path) in title
    formulas = page.locator(".math").count()  # what Sphinx marked as math
    assert formulas >= 3, "the chapter's formulas should reach the page"
    assert wait_for_mathjax3(page) >= formulas, "every formula should be typeset by MathJax"
    assert page.locator("mjx-merror").count() == 0, "a formula failed to render"
    assert loaded_images(page, ".cell_output img") >= 1, "at least one figure should display"
    if has_widgets(path):  # saved widget state is drawn by the vendored widget renderer
        page.wait_for_selector(".jupyter-widgets", state="attached", timeout=10_000)
    if path.stem.startswith("07"):
        page.locator("img").nth(4).scroll_into_view_if_needed()
        screenshot(page, "site-chapter")
    html = page.content()  # no repository is set in this build: no launch or issue buttons
    assert "colab.research.google.com" not in html and "issues/new" not in html
    assert context.request_log.external == [], "pages must not load anything from the internet"
    assert context.request_log.failed == []


def test_search_finds_a_chapter(context, site_url):
    page = context.new_page()
    page.goto(f"{site_url}/search.html?q=dropout")
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=15_000)
    assert "05_dropout" in " ".join(results.evaluate_all("els => els.map(e => e.innerHTML)"))
    assert context.request_log.external == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_slides(context, site_url, path):
    page = context.new_page()
    page.goto(f"{site_url}/slides/{path.stem}.slides.html")
    page.wait_for_selector(".reveal.ready", timeout=20_000)  # reveal.js initialised
    assert page.locator(".reveal .slides > section").count() >= 3, "headings should start slides"
    assert page.locator(".reveal .slides section section").count() >= 10, "and sub-slides"
    page.wait_for_function(
        "() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
        " && document.querySelectorAll('.MathJax_CHTML').length > 0",
        timeout=20_000,
    )
    assert loaded_images(page, ".reveal img") >= 1
    if path.stem.startswith("04"):
        screenshot(page, "slides")
    assert context.request_log.external == [], "slides must not load anything from the internet"
    assert context.request_log.failed == []


def test_the_api_reference_page(context, site_url):
    import d2lnotes

    page = context.new_page()
    page.goto(f"{site_url}/api.html")
    assert "API reference" in page.locator("main h1").first.inner_text()
    text = page.locator("main").inner_text()
    for name in d2lnotes.__all__:
        assert f"dn.{name}" in text, f"dn.{name} missing from the API page"
    assert "API reference" in page.locator("nav.bd-links").inner_text()
    assert context.request_log.external == []
    assert context.request_log.failed == []
