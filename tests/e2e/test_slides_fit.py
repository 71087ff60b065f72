"""Every slide and sub-slide of every deck fits a 1280×720 projector (``make site`` first).

Each slide is opened in headless Chromium at 1280×720. It fails when any of its content (text,
code, outputs, figures, formulas; speaker notes aside) reaches outside the window, when a code or
output block scrolls sideways, when a figure did not load, or when the deck had to shrink the slide
below ``slides.MIN_FIT_SCALE`` to make it fit (the build's layout should have split it)."""

from __future__ import annotations

import sys

import pytest

from e2e_paths import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import slides  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
VIEWPORT = {"width": 1280, "height": 720}

MEASURE = """async (minScale) => {
  const leaves = [...document.querySelectorAll('.reveal .slides section')]
    .filter(s => !s.querySelector('section'));
  const problems = [];
  let notes = 0, shrunk = 0;
  Reveal.configure({transition: 'none', transitionSpeed: 'fast'});
  for (const s of leaves) {
    const idx = Reveal.getIndices(s);
    delete s.dataset.fitScale;
    Reveal.slide(idx.h, idx.v);
    await d2lnotesFit();
    const where = `slide ${idx.h + 1}.${idx.v + 1} ("${s.innerText.trim().slice(0, 50)}")`;
    const scale = parseFloat(s.dataset.fitScale);
    if (!(scale >= minScale)) {
      problems.push(`${where}: shrunk to ${s.dataset.fitScale}`);
      continue;
    }
    if (scale < 1) shrunk++;
    notes += s.querySelectorAll('aside.notes').length;
    for (const el of s.querySelectorAll('*')) {
      if (el.closest('aside.notes')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.bottom > innerHeight + 1 || r.top < -1 || r.right > innerWidth + 1 || r.left < -1) {
        const box = [r.left, r.top, r.right, r.bottom].map(Math.round).join(', ');
        problems.push(`${where}: <${el.tagName.toLowerCase()}> reaches outside the window: ${box}`);
        break;
      }
      if (el.tagName === 'PRE' && el.scrollWidth > el.clientWidth + 1) {
        problems.push(`${where}: a code or output block scrolls sideways`);
        break;
      }
      if (el.tagName === 'IMG' && !(el.complete && el.naturalWidth > 0)) {
        problems.push(`${where}: a figure did not load`);
        break;
      }
    }
  }
  return {slides: leaves.length, problems, notes, shrunk};
}"""


@pytest.mark.parametrize("edition", ["en", "zh_CN"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_slide_fits_1280x720(browser, site_url, path, edition):
    folder = "/zh_CN" if edition == "zh_CN" else ""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(f"{site_url}{folder}/slides/{path.stem}.slides.html")
        page.wait_for_selector(".reveal.ready", timeout=20_000)
        page.wait_for_function(
            "() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0", timeout=20_000
        )
        result = page.evaluate(MEASURE, slides.MIN_FIT_SCALE)
    finally:
        context.close()
    assert result["slides"] >= 10
    assert result["problems"] == [], "\n".join(result["problems"])
    assert result["notes"] >= 1, "long prose should go to the speaker notes"
    # the build's layout does the fitting; shrinking is the exception
    assert result["shrunk"] <= max(2, result["slides"] // 20), f"{result['shrunk']} slides shrunk"
