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
import slides  # noqa: E402

NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


def _kinds(nb):
    return [(c.cell_type, c.metadata["slideshow"]["slide_type"], c.source[:12]) for c in nb.cells]


def test_slides_follow_headings_exercises_and_the_authors_choice():
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
        nbformat.v4.new_markdown_cell("z", metadata={"slideshow": {"slide_type": "subslide"}}),
    ]
    laid_out = slides.layout(nb)
    assert _kinds(laid_out) == [
        ("markdown", "slide", "# Title"),
        ("markdown", "-", "text"),
        ("code", "-", "x = 1"),
        ("markdown", "subslide", "Prose after "),
        ("markdown", "slide", "## 1. Sectio"),
        ("markdown", "-", "#hashtag is "),
        ("markdown", "subslide", "### A detail"),
        ("markdown", "subslide", "**Exercise 1"),
        ("code", "-", "answer = ..."),
        ("code", "fragment", "answer = 2"),
        ("markdown", "subslide", "z"),
    ]
    assert [c.source for c in nb.cells][0] == "# Title\n\ntext", (
        "the notebook itself is not changed"
    )


def test_slides_split_long_code_and_keep_each_slide_under_the_budget():
    lines = ["def f():"] + [f"    value_{i} = {i}" for i in range(99)]
    lines[20] = ""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Code"),
        nbformat.v4.new_code_cell("\n".join(lines)),
    ]
    laid_out = slides.layout(nb)
    code = [c for c in laid_out.cells if c.cell_type == "code"]
    assert "\n".join(c.source for c in code) == "\n".join(lines), "nothing lost or reordered"
    runs = slides.code_chunks(lines)
    assert all(len(run) <= slides.CODE_LINES for run in runs)
    assert min(map(len, runs)) >= slides.CODE_LINES // 3, "no stray last lines on their own"
    assert runs[0][-2:] == ["    value_18 = 18", ""], "cut at the blank line"
    heights, used = [], 0.0
    for c in laid_out.cells:
        if c.metadata["slideshow"]["slide_type"] in ("slide", "subslide"):
            heights.append(used)
            used = 0.0
        used += (
            slides.code_height(c.source)
            if c.cell_type == "code"
            else slides.markdown_height(c.source)
        )
    heights.append(used)
    assert max(heights) <= slides.BUDGET


def test_runs_of_one_code_cell_that_share_a_slide_are_one_block():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("\n".join(f"x{i} = {i}" for i in range(27)))]
    assert len(slides.code_chunks(nb.cells[0].source.splitlines())) == 2
    laid_out = slides.layout(nb)
    assert [c.source for c in laid_out.cells] == [nb.cells[0].source]


def test_long_prose_shows_its_first_sentence_and_goes_whole_to_the_notes():
    long = (
        "Weight decay shrinks every weight towards zero. " + "It does so at each step. " * 30
    ).strip()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"## A\n\n{long}\n\nShort $a. B$ stays.")]
    laid_out = slides.layout(nb)
    shown = [c.source for c in laid_out.cells if c.metadata["slideshow"]["slide_type"] != "notes"]
    notes = [c.source for c in laid_out.cells if c.metadata["slideshow"]["slide_type"] == "notes"]
    assert shown[1].startswith("Weight decay shrinks every weight towards zero.") and shown[
        1
    ].endswith(" …")
    assert len(shown[1]) <= slides.PROSE_CHARS + 2
    assert shown[2] == "Short $a. B$ stays."
    assert notes == [nb.cells[0].source]
    first = "See e.g. The Book here, which says what it says, in a sentence long enough to show."
    assert slides.shorten(f"{first} " + "Xx " * 200) == f"{first} …", "e.g. ends no sentence"
    label = "The data: 1,000 examples, " + "x " * 200
    assert slides.shorten(label) == label, "a colon ends no sentence; too short a start: all of it"
    start = "A first sentence that is long enough to be shown on its own on a slide, surely enough."
    assert slides.shorten(f"{start} `f(x)` then " + "y " * 200) == f"{start} …", (
        "code may start one"
    )


def test_chinese_prose_is_measured_wide_and_cut_after_its_sentences():
    assert slides._width("暂退法 p") == 8  # a Chinese character takes two Latin ones
    assert slides._wrapped("字" * 88, slides.PROSE_CHARS_PER_LINE) == 2
    first = "暂退法在训练时随机地把每个隐藏单元置零，并把留下的单元放大，使期望保持不变。" * 2
    long = first + "这一句不会出现在幻灯片上。" * 30
    short = slides.shorten(long)  # whole sentences, as many as fit in PROSE_CHARS
    assert short.startswith(first) and short.endswith("。 …")
    assert slides.PROSE_CHARS - 26 < slides._width(short) <= slides.PROSE_CHARS + 2
    assert slides.shorten(first) == first  # short enough to stay whole


def test_every_page_gets_a_link_to_its_counterpart(tmp_path):
    anchor = build_site.SWITCH_ANCHOR
    roots = {"en": tmp_path / "site", "zh_CN": tmp_path / "site" / "zh_CN"}
    for root in roots.values():
        (root / "notebooks").mkdir(parents=True)
        (root / "notebooks" / "05_dropout.html").write_text(f"<body>{anchor}</div></body>")
        (root / "index.html").write_text(
            '<meta http-equiv="Refresh" content="0; url=intro.html" />'
        )
    (roots["en"] / "api.html").write_text(f"<body>{anchor}</div></body>")  # no counterpart
    assert build_site.add_language_switch(roots) == 2
    en = (roots["en"] / "notebooks" / "05_dropout.html").read_text()
    zh = (roots["zh_CN"] / "notebooks" / "05_dropout.html").read_text()
    assert 'href="../zh_CN/notebooks/05_dropout.html" hreflang="zh-CN"' in en and ">中文</a>" in en
    assert 'href="../../notebooks/05_dropout.html" hreflang="en"' in zh and ">English</a>" in zh
    assert "d2lnotes-language" not in (roots["en"] / "api.html").read_text()
    assert "d2lnotes-language" not in (roots["en"] / "index.html").read_text()


def test_outputs_get_their_own_pieces_and_long_text_is_cut():
    out = nbformat.v4.new_output(
        "stream", name="stdout", text="".join(f"line {i}\n" for i in range(40))
    )
    err = nbformat.v4.new_output("stream", name="stderr", text="progress\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(...)", outputs=[out, err])]
    laid_out = slides.layout(nb)
    assert [c.source for c in laid_out.cells] == ["print(...)", ""]
    only = laid_out.cells[1]
    assert slides.OUTPUT_ONLY in only.metadata["tags"]
    text = only.outputs[0].text.splitlines()
    assert len(text) == slides.OUTPUT_LINES + 1 and text[-1] == "… 28 more lines in the notebook"
    assert out.text.count("\n") == 40, "the notebook's own output is not changed"


def test_figure_heights_come_from_the_png_header():
    import base64
    import io

    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(4, 2), dpi=100)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode()
    assert slides.png_size(data) == (400, 200)
    assert slides.figure_height(data) == 200
    with pytest.raises(ValueError, match="not a PNG"):
        slides.png_size(base64.b64encode(b"GIF89a" + bytes(40)).decode())


def test_an_empty_notebook_has_no_slides():
    with pytest.raises(ValueError, match="nothing to show"):
        slides.layout(nbformat.v4.new_notebook())


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
    assert usage["adapt_d2l"][:2] == ["00 (set-up)", "01 (set-up)"]
    assert usage["check_answer"][0].startswith("00")
    page = build_site.api_markdown()
    block = page[page.index("#### `dn.train`") :]
    assert block.splitlines()[2].startswith("*Used in chapters:* 03 §3")
    for name, says in (
        ("History", "04 §2"),
        ("GradReport", "a type a helper returns"),
    ):
        block = page[page.index(f"#### `dn.{name}`") :]
        assert says in block.splitlines()[2], (name, block.splitlines()[2])


def test_the_api_page_refuses_a_helper_no_chapter_uses(monkeypatch):
    usage = {k: w for k, w in build_site.notebook_usage().items() if k != "minibatches"}
    monkeypatch.setattr(build_site, "notebook_usage", lambda: usage)
    with pytest.raises(ValueError, match="dn.minibatches is used by no notebook"):
        build_site.api_markdown()


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


def taught_in_problems(name, doc, usage, public):
    """What is wrong with the ``Taught in:`` paragraph of ``dn.<name>``'s docstring ``doc`` (an
    empty list if nothing).  It must be the docstring's one and last such paragraph, either
    ``Taught in: NN §K (phrase); NN §K (phrase).`` with every ``NN §K`` among the places
    ``usage[name]`` where a notebook uses ``dn.<name>``, or, for a type no notebook names,
    ``Taught in: returned by dn.X (see that helper).`` (or ``raised by``, ``taken by``) with ``X``
    (or ``X.method``) a public name of ``public``."""
    import re

    paragraphs = [" ".join(p.split()) for p in (doc or "").split("\n\n") if p.strip()]
    taught = [p for p in paragraphs if "Taught in:" in p]
    if len(taught) != 1:
        return [f"{len(taught)} 'Taught in:' paragraphs, want exactly one"]
    (paragraph,) = taught
    problems = [] if paragraph == paragraphs[-1] else ["'Taught in:' is not the last paragraph"]
    if not (paragraph.startswith("Taught in: ") and paragraph.endswith(".")):
        return problems + [f"not of the form 'Taught in: ... .': {paragraph!r}"]
    body = paragraph[len("Taught in: ") : -1]
    helper = re.fullmatch(
        r"(?:returned|raised|taken) by dn\.(\w+)((?:\.\w+)*) \(see that helper\)", body
    )
    if helper:
        owner, attributes = helper.group(1), helper.group(2)
        if owner not in public:
            return problems + [f"dn.{owner} is not a public name"]
        obj = public[owner]
        for attribute in filter(None, attributes.split(".")):
            if not hasattr(obj, attribute):
                return problems + [f"dn.{owner}{attributes} does not exist"]
            obj = getattr(obj, attribute)
        return problems
    where = usage.get(name, [])
    for ref in body.split("; "):
        if not re.match(r"\d\d ", ref):
            problems.append(f"{ref!r} is neither 'NN §K (...)' nor 'returned/raised/taken by dn.X'")
        elif not any(ref.startswith(f"{w} (") and ref.endswith(")") for w in where):
            problems.append(f"{ref!r}: not one of the places a notebook uses dn.{name}: {where}")
    return problems


def test_every_public_name_says_where_it_is_taught():
    import inspect

    import d2lnotes

    usage = build_site.notebook_usage()
    public = {name: getattr(d2lnotes, name) for name in d2lnotes.__all__}
    problems = {
        name: found
        for name, obj in public.items()
        if not name.isupper()  # a constant has no docstring of its own
        if (found := taught_in_problems(name, inspect.getdoc(obj), usage, public))
    }
    assert not problems, "\n".join(f"dn.{n}: {'; '.join(p)}" for n, p in problems.items())


def test_the_taught_in_check_rejects_wrong_refs():
    def report():
        """Returned by ``f``."""

    def f():
        """Does x."""

    usage = {"f": ["02 §2", "02 §4", "03 (set-up)"]}
    public = {"f": f, "report": report}

    def check(doc, name="f"):
        return taught_in_problems(name, doc, usage, public)

    good = (
        "Does x.\n\nShapes: ...\n\nTaught in: 02 §2 (K-fold cross-validation); 02 §4 (the\nleak)."
    )
    assert check(good) == []
    assert check("Does x.\n\nTaught in: 03 (set-up) (the set-up cell).") == []
    assert check("Res.\n\nTaught in: returned by dn.f (see that helper).", "report") == []
    assert check("Res.\n\nTaught in: returned by dn.f.__call__ (see that helper).", "report") == []
    for wrong in (
        "Does x.",  # no paragraph
        "Does x.\n\nTaught in: 03 §5 (a section that does not use it).",  # wrong section
        "Does x.\n\nTaught in: 02 §2 (right); 04 §2 (wrong).",  # one of two refs wrong
        "Does x.\n\nTaught in: 02 §22 (§22 is not §2).",
        "Does x.\n\nTaught in: 02 §2.",  # no phrase
        "Does x.\n\nTaught in: 02 §2 (no full stop)",
        "Does x.\n\nTaught in: chapter 2 (K-fold).",
        "Does x.\n\nTaught in: 02 §2 (one).\n\nTaught in: 02 §4 (two).",  # two paragraphs
        "Does x.\n\nTaught in: 02 §2 (K-fold).\n\nMore text after it.",  # not the last one
    ):
        assert check(wrong), wrong
    for wrong in (
        "Res.\n\nTaught in: returned by dn.g (see that helper).",  # not a public name
        "Res.\n\nTaught in: returned by dn.f.nope (see that helper).",
        "Res.\n\nTaught in: returned by dn.f.",
        "Res.\n\nTaught in: made by dn.f (see that helper).",
    ):
        assert check(wrong, "report"), wrong


def test_the_site_config_has_launch_and_issue_buttons_only_with_a_repository():
    plain = build_site.site_config("", "main")
    assert "repository" not in plain and plain["launch_buttons"]["colab_url"] == ""
    assert not plain["html"]["use_issues_button"]
    configured = build_site.site_config("https://github.com/o/d2lnotes", "dev")
    assert configured["repository"] == {
        "url": "https://github.com/o/d2lnotes",
        "branch": "dev",
        "path_to_book": "",
    }
    assert configured["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert configured["html"]["use_issues_button"] and configured["html"]["use_repository_button"]
    theme = configured["sphinx"]["config"]["html_theme_options"]
    assert (
        theme["repository_url"] == "https://github.com/o/d2lnotes"
        and theme["repository_branch"] == "dev"
    )
    assert theme["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert theme["search_bar_text"], "the site's own theme options are kept"
    assert "repository_url" not in plain["sphinx"]["config"]["html_theme_options"]


def test_a_built_site_has_the_buttons_a_repository_asks_for(tmp_path):
    """The whole site built for real (jupyter-book, about a minute) with a repository set: every
    chapter page's Colab button opens that notebook as committed on the branch, and its issue
    button names the page. (The browser tests check the default build, which has neither.)"""
    out = tmp_path / "site"
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    build_site.build_site(notebooks, out, ("https://github.com/o/d2lnotes", "main"))
    for path in notebooks:
        page = (out / "notebooks" / f"{path.stem}.html").read_text()
        colab = (
            f"https://colab.research.google.com/github/o/d2lnotes/blob/main/notebooks/{path.name}"
        )
        assert colab in page, f"no Colab button on {path.stem}"
        issue = page.split("https://github.com/o/d2lnotes/issues/new?title=")
        assert len(issue) > 1 and f"{path.stem}.html" in issue[1][:150], (
            f"no issue link on {path.stem}"
        )
    assert not list(tmp_path.glob("*.src")) and not list(tmp_path.glob("*.partial")), "no leftovers"
