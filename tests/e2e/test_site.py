"""The built course site and slides in headless Chromium, in both languages: every chapter page
shows its title, rendered math and figures, the Chinese pages Chinese text, every page links to its
counterpart in the other language, and no request leaves the machine (``make site`` first)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from e2e_paths import ROOT, screenshot

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EDITIONS = {"en": "", "zh_CN": "/zh_CN"}  # edition -> its folder in the site
CJK = re.compile(r"[\u4e00-\u9fff]")
PAGES = [f"notebooks/{p.stem}.html" for p in NOTEBOOKS] + ["intro.html", "api.html"]


def source(path: Path, edition: str) -> Path:
    """The notebook a page was rendered from: the committed one, or the generated Chinese one
    (the site keeps each page's source for download)."""
    if edition == "en":
        return path
    return ROOT / "build" / "site" / "zh_CN" / "_sources" / "notebooks" / path.name


def chapter_title(path: Path) -> str:
    first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
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


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_site_lists_every_chapter(context, site_url, edition):
    page = context.new_page()
    page.goto(f"{site_url}{EDITIONS[edition]}/index.html")
    page.wait_for_url(re.compile(r"intro\.html$"))
    nav = page.locator("nav.bd-links").inner_text()
    for path in NOTEBOOKS:
        title = chapter_title(source(path, edition))
        assert title[:25] in nav, f"{path.stem} missing from the navigation"
        if edition == "zh_CN":
            assert CJK.search(title), f"{path.stem}: the Chinese title is not Chinese: {title}"
    links = page.locator("a[href^='slides/']").evaluate_all("els => els.map(e => e.href)")
    assert len(links) == len(NOTEBOOKS), "one slide deck per chapter on the home page"
    assert context.request_log.external == []
    assert context.request_log.failed == []


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_page(context, site_url, path, edition):
    page = context.new_page()
    page.goto(f"{site_url}{EDITIONS[edition]}/notebooks/{path.stem}.html")
    title = page.locator("main h1").first.inner_text()
    assert chapter_title(source(path, edition)) in title
    if edition == "zh_CN":  # the argument is Chinese: most of the prose's letters are
        prose = " ".join(page.locator("main p, main li").all_inner_texts())
        chinese = len(CJK.findall(prose))
        assert chinese > 1000, f"only {chinese} Chinese characters on the page"
    formulas = page.locator(".math").count()  # what Sphinx marked as math
    assert formulas >= 3, "the chapter's formulas should reach the page"
    assert wait_for_mathjax3(page) >= formulas, "every formula should be typeset by MathJax"
    assert page.locator("mjx-merror").count() == 0, "a formula failed to render"
    assert loaded_images(page, ".cell_output img") >= 1, "at least one figure should display"
    if has_widgets(path):  # saved widget state is drawn by the vendored widget renderer
        page.wait_for_selector(".jupyter-widgets", state="attached", timeout=10_000)
    if path.stem.startswith("07"):
        page.locator("img").nth(4).scroll_into_view_if_needed()
        screenshot(page, "site-chapter" if edition == "en" else "site-chapter-zh_CN")
    html = page.content()  # no repository is set in this build: no launch or issue buttons
    assert "colab.research.google.com" not in html and "issues/new" not in html
    assert context.request_log.external == [], "pages must not load anything from the internet"
    assert context.request_log.failed == []


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("page_path", PAGES)
def test_every_page_links_to_its_counterpart(context, site_url, edition, page_path):
    """The language switch: on every page, one click to the same page in the other language."""
    other = "zh_CN" if edition == "en" else "en"
    page = context.new_page()
    page.goto(f"{site_url}{EDITIONS[edition]}/{page_path}")
    switch = page.locator("a.d2lnotes-language")
    assert switch.count() == 1, "one link to the other language"
    assert switch.inner_text().strip() == {"en": "English", "zh_CN": "中文"}[other]
    switch.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"{EDITIONS[other]}/{page_path}"), page.url
    heading = page.locator("main h1").first.inner_text()
    assert bool(CJK.search(heading)) == (other == "zh_CN"), heading
    assert context.request_log.failed == []


def test_search_finds_a_chinese_term(context, site_url):
    """Sphinx indexes the Chinese pages with jieba, which knows the glossary's terms."""
    for term, stem in (("暂退法", "05_dropout"), ("权重衰减", "04_weight_decay")):
        page = context.new_page()
        page.goto(f"{site_url}/zh_CN/search.html?q={term}")
        results = page.locator("#search-results li")
        results.first.wait_for(timeout=15_000)
        found = " ".join(results.evaluate_all("els => els.map(e => e.innerHTML)"))
        assert stem in found, f"searching {term} should find {stem}"
    assert context.request_log.external == []


def test_search_finds_a_chapter(context, site_url):
    page = context.new_page()
    page.goto(f"{site_url}/search.html?q=dropout")
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=15_000)
    assert "05_dropout" in " ".join(results.evaluate_all("els => els.map(e => e.innerHTML)"))
    assert context.request_log.external == []


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_slides(context, site_url, path, edition):
    page = context.new_page()
    page.goto(f"{site_url}{EDITIONS[edition]}/slides/{path.stem}.slides.html")
    page.wait_for_selector(".reveal.ready", timeout=20_000)  # reveal.js initialised
    assert page.locator(".reveal .slides > section").count() >= 3, "headings should start slides"
    assert page.locator(".reveal .slides section section").count() >= 10, "and sub-slides"
    page.wait_for_function(
        "() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
        " && document.querySelectorAll('.MathJax_CHTML').length > 0",
        timeout=20_000,
    )
    assert loaded_images(page, ".reveal img") >= 1
    if edition == "zh_CN":
        assert len(CJK.findall(page.locator(".reveal .slides").inner_text())) > 200
    if path.stem.startswith("04") and edition == "en":
        screenshot(page, "slides")
    assert context.request_log.external == [], "slides must not load anything from the internet"
    assert context.request_log.failed == []


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_api_reference_page(context, site_url, edition):
    import d2lnotes

    page = context.new_page()
    page.goto(f"{site_url}{EDITIONS[edition]}/api.html")
    heading = page.locator("main h1").first.inner_text()
    assert "API" in heading and bool(CJK.search(heading)) == (edition == "zh_CN")
    text = page.locator("main").inner_text()
    for name in d2lnotes.__all__:
        assert f"dn.{name}" in text, f"dn.{name} missing from the API page"
    assert "API" in page.locator("nav.bd-links").inner_text()
    assert context.request_log.external == []
    assert context.request_log.failed == []
