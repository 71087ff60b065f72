"""The course-site build script (scripts/build_site.py) on its own; the browser tests in tests/e2e
check the built result."""

import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import build_site  # noqa: E402

NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


def test_slide_types_follow_headings_and_keep_the_authors_choice():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\ntext"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("Prose after code"),
        nbformat.v4.new_markdown_cell("## 1. Section"),
        nbformat.v4.new_markdown_cell("#hashtag is not a heading"),
        nbformat.v4.new_markdown_cell("### A detail"),
        nbformat.v4.new_markdown_cell("**Exercise 1 — ...**"),
        nbformat.v4.new_code_cell("answer = ...", metadata={"tags": ["exercise"]}),
        nbformat.v4.new_code_cell("answer = 2", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("y = 2", metadata={"slideshow": {"slide_type": "skip"}}),
    ]
    build_site.slide_types(nb)
    kinds = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    assert kinds == [
        "slide",
        "-",
        "subslide",
        "slide",
        "-",
        "subslide",
        "subslide",
        "-",
        "fragment",
        "skip",
    ]


def test_the_site_lists_every_chapter_once():
    toc = yaml.safe_load((ROOT / "site" / "_toc.yml").read_text())
    parts = {part["caption"]: [c["file"] for c in part["chapters"]] for part in toc["parts"]}
    assert parts == {"Chapters": [f"notebooks/{stem}" for stem in NOTEBOOKS], "Reference": ["api"]}
    intro = (ROOT / "site" / "intro.md").read_text()
    for stem in NOTEBOOKS:
        assert f"(notebooks/{stem}.ipynb)" in intro and f'"slides/{stem}.slides.html"' in intro


def test_a_missing_notebook_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "argv", ["build_site.py", "slides", str(tmp_path / "nope.ipynb")])
    with pytest.raises(SystemExit, match="no such notebook: .*nope.ipynb"):
        build_site.main()


def test_publish_replaces_the_old_output_whole(tmp_path):
    final = tmp_path / "site"
    final.mkdir()
    (final / "stale.html").write_text("old")
    tmp = build_site.fresh_dir(final)
    (tmp / "index.html").write_text("new")
    build_site.publish(tmp, final)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert [p.name for p in final.iterdir()] == ["index.html"]


def test_the_api_page_documents_every_public_name_once_by_layer():
    import d2lnotes

    page = build_site.api_markdown()
    for name in d2lnotes.__all__:
        assert page.count(f"#### `dn.{name}`\n") == 1, name
    layers = [line[3:] for line in page.splitlines() if line.startswith("## ")]
    assert layers == [title for title, _ in build_site.API_LAYERS]
    assert page.index("## Data") < page.index("`dn.load_fashion_mnist`") < page.index("## Models")


def test_the_api_page_refuses_a_name_without_a_layer(monkeypatch):
    monkeypatch.setattr(build_site, "API_LAYERS", [("Set-up", ["runtime"])])
    with pytest.raises(ValueError, match="without a layer"):
        build_site.api_markdown()


def test_the_api_page_says_where_the_chapters_use_each_helper():
    usage = build_site.notebook_usage()
    assert usage["adapt_d2l"][:2] == ["01 (set-up)", "03 (set-up)"]
    assert usage["check_answer"][0].startswith("01")
    page = build_site.api_markdown()
    block = page[page.index("#### `dn.train_sgd`") :]
    assert block.splitlines()[2].startswith("*Used in chapters:* 03 §3")
    for name, says in (
        ("History", "04 §2"),
        ("GradReport", "a type a helper returns"),
        ("set_threads", "a tool for your own experiments"),
    ):
        block = page[page.index(f"#### `dn.{name}`") :]
        assert says in block.splitlines()[2], (name, block.splitlines()[2])


def test_api_signatures_are_python_without_memory_addresses():
    import ast

    page = build_site.api_markdown()
    assert "0x" not in page and "<class" not in page and "<function" not in page
    blocks = page.split("```python\n")[1:]
    for block in blocks:
        code = block.split("\n```")[0]
        source = code.removeprefix("class ")
        ast.parse(
            f"def {source}: pass" if "(" in source and "=" not in source.split("(")[0] else source
        )
