"""Build the course site and slides from the committed notebooks (``make site``, ``make slides``).

Nothing is re-executed: pages and slides show the outputs the notebooks are committed (and tested)
with.  Every script they load -- MathJax, require.js, the widget renderer, reveal.js -- is vendored
from the npm registry at build time (``site/package.json`` and its lock file pin versions and
hashes), so the built site and slides display with no network connection.

    python scripts/build_site.py site   NOTEBOOK...   -> build/site/   (open build/site/index.html)
    python scripts/build_site.py slides NOTEBOOK...   -> build/slides/ (one deck per notebook)

``site`` also builds the slides, into ``build/site/slides/``, linked from the home page, and the API
reference page of the helper package (``api.md``), generated from its docstrings, grouped by layer.
Each output folder is written next to its final place and renamed into it, so a failed build never
leaves a half-written site behind.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml


sys.path.insert(0, str(Path(__file__).resolve().parent))
import colab  # noqa: E402  (scripts/colab.py: the repository setting)
import slides  # noqa: E402  (scripts/slides.py: the slides' layout)
import translations  # noqa: E402  (scripts/translations.py: the Chinese edition)

ROOT = Path(__file__).resolve().parent.parent
SITE_SRC = ROOT / "site"
NODE_MODULES = SITE_SRC / "node_modules"
BUILD = ROOT / "build"

# (file or folder inside site/node_modules, name under the vendor folder)
SITE_VENDOR = [
    ("mathjax/es5", "mathjax"),
    ("requirejs/require.js", "require.js"),
    ("@jupyter-widgets/html-manager/dist/embed-amd.js", "embed-amd.js"),
]
SLIDES_VENDOR = [
    ("reveal.js", "reveal.js"),
    ("mathjax2", "mathjax2"),
    ("requirejs/require.js", "require.js"),
    ("jquery/dist/jquery.min.js", "jquery.min.js"),
    ("font-awesome/css", "font-awesome/css"),
    ("font-awesome/fonts", "font-awesome/fonts"),
    ("@jupyter-widgets/html-manager/dist/embed-amd.js", "embed-amd.js"),
]
HTML_MANAGER_DIST = "@jupyter-widgets/html-manager/dist"


def run(cmd: list[str], **kwargs) -> None:
    print("$", " ".join(map(str, cmd)), flush=True)
    subprocess.run(cmd, check=True, **kwargs)


def ensure_node_modules() -> None:
    """``npm ci`` (exact versions and hashes from package-lock.json) unless already in place."""
    lock = SITE_SRC / "package-lock.json"
    stamp = NODE_MODULES / ".package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit(
            "make site needs Node.js and npm (Debian: apt-get install nodejs npm) to vendor "
            "MathJax, require.js and reveal.js from the npm registry"
        )
    run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=SITE_SRC)


def copy_vendor(pairs: list[tuple[str, str]], dest: Path) -> None:
    for src, name in pairs:
        source, target = NODE_MODULES / src, dest / name
        if not source.exists():
            sys.exit(f"vendored file missing: {source} (delete site/node_modules and rebuild)")
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)


def copy_widget_fonts(pages: Path) -> None:
    """The widget renderer fetches its icon fonts from ``@jupyter-widgets/html-manager/dist/``
    relative to the page showing the widgets (require.js module path), so put them there."""
    target = pages / HTML_MANAGER_DIST
    target.mkdir(parents=True, exist_ok=True)
    for font in (NODE_MODULES / HTML_MANAGER_DIST).iterdir():
        if font.suffix in (".woff", ".woff2", ".ttf", ".eot", ".svg"):
            shutil.copy2(font, target / font.name)


def fresh_dir(final: Path) -> Path:
    tmp = final.with_name(final.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    return tmp


def publish(tmp: Path, final: Path) -> None:
    """Replace ``final`` by the finished ``tmp`` folder."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------- slides


def build_slides(notebooks: list[Path], final: Path) -> None:
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    ensure_node_modules()
    out = fresh_dir(final)
    vendor = out / "vendor"
    copy_vendor(SLIDES_VENDOR, vendor)
    copy_widget_fonts(out)
    template_dir = out / ".template"
    (template_dir / "d2lnotes_reveal").mkdir(parents=True)
    (template_dir / "d2lnotes_reveal" / "index.html.j2").write_text(slides.TEMPLATE)
    (template_dir / "d2lnotes_reveal" / "conf.json").write_text(
        json.dumps({"base_template": "reveal", "mimetypes": {"text/html": True}})
    )
    c = Config()
    c.SlidesExporter.extra_template_basedirs = [str(template_dir)]
    c.SlidesExporter.template_name = "d2lnotes_reveal"
    c.SlidesExporter.reveal_url_prefix = "vendor/reveal.js"
    c.SlidesExporter.reveal_theme = "white"  # other themes load Google Fonts
    # Nothing scrolls: slides.layout packs every slide to fit (the browser tests check it).
    c.SlidesExporter.reveal_scroll = False
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {slides.OUTPUT_ONLY}
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.font_awesome_url = "vendor/font-awesome/css/font-awesome.css"
    c.SlidesExporter.jquery_url = "vendor/jquery.min.js"
    c.SlidesExporter.require_js_url = "vendor/require.js"
    c.SlidesExporter.mathjax_url = "vendor/mathjax2/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    c.SlidesExporter.widget_renderer_url = "vendor/embed-amd.js"
    exporter = SlidesExporter(config=c)
    for path in notebooks:
        nb = slides.layout(nbformat.read(path, as_version=4))
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        (out / f"{path.stem}.slides.html").write_text(body, encoding="utf-8")
        print(f"slides: {path.stem}.slides.html", flush=True)
    shutil.rmtree(template_dir)
    publish(out, final)


# ---------------------------------------------------------------------------- site


# The helper package's layers, in the order a learner meets them: (title, modules).
API_LAYERS = [
    ("Set-up", ["runtime", "streams"]),
    ("Data", ["datasets", "synthetic", "splits", "loaders"]),
    ("The book's own d2l", ["d2l_adapter"]),
    ("Models", ["batched", "closed_form", "regularization"]),
    ("Training and evaluation", ["training", "early_stopping", "history", "kfold"]),
    ("Diagnostics", ["monitor", "gradcheck"]),
    ("Plots and progress", ["plotting", "progress"]),
    ("Exercises", ["exercises", "i18n"]),
]


API_TITLE = "# API reference: the `d2lnotes` package"
API_INTRO = (
    "Every name that `import d2lnotes as dn` provides, grouped by the lessons' layers, with "
    "its signature and docstring (generated from the code by `make site`). Each docstring "
    "gives the shapes of its tensors."
)
# Said on the Chinese site's API page only: the reference below its introduction stays English.
API_ENGLISH_NOTE = (
    "The reference below is in English: it is generated from the package's docstrings, which "
    "are written in English."
)


def api_markdown() -> str:
    """The API reference page: every name ``import d2lnotes`` exports, with its signature and
    docstring, grouped by layer.  Raises ``ValueError`` if a name has no layer or no docstring."""
    import d2lnotes

    # Each name's home is the layer module that lists it in its own __all__ (constants too).
    owner = {}
    for module in (m for _, modules in API_LAYERS for m in modules):
        for name in importlib.import_module(f"d2lnotes.{module}").__all__:
            owner.setdefault(name, module)
    stray = sorted(set(d2lnotes.__all__) - set(owner))
    if stray:
        raise ValueError(f"public names without a layer in API_LAYERS: {stray}")
    lines = [API_TITLE, "", API_INTRO, ""]
    usage = notebook_usage()
    for title, modules in API_LAYERS:
        lines += [f"## {title}", ""]
        for module in modules:
            mod = importlib.import_module(f"d2lnotes.{module}")
            summary = (inspect.getdoc(mod) or "").split("\n\n")[0].replace("\n", " ")
            lines += [f"### `d2lnotes.{module}`", "", summary, ""]
            for name in d2lnotes.__all__:
                obj = getattr(d2lnotes, name)
                if owner[name] != module:
                    continue
                if name.isupper():  # a constant: its value is its documentation
                    lines += [f"#### `dn.{name}`", "", "```python", f"{name} = {obj!r}", "```", ""]
                    continue
                doc = inspect.getdoc(obj)
                if not doc:
                    raise ValueError(f"dn.{name} has no docstring")
                try:
                    signature = _clean_signature(f"{name}{inspect.signature(obj)}")
                except (TypeError, ValueError):
                    signature = name
                kind = "class " if inspect.isclass(obj) else ""
                if name not in usage and not inspect.isclass(obj):
                    raise ValueError(
                        f"dn.{name} is used by no notebook: the public API is the set the "
                        "chapters use (keep it in its module, out of d2lnotes.__all__)"
                    )
                used = ", ".join(usage.get(name, [])) or (
                    "none directly (a type a helper returns or raises)"
                )
                lines += [
                    f"#### `dn.{name}`",
                    "",
                    f"*Used in chapters:* {used}",
                    "",
                    "```python",
                    f"{kind}{signature}",
                    "```",
                    "",
                    "```text",
                    doc,
                    "```",
                    "",
                ]
    return "\n".join(lines)


def _clean_signature(signature: str) -> str:
    """Defaults as a reader writes them: ``<class 'torch.nn.modules.linear.Linear'>`` -> ``Linear``,
    ``<function f at 0x7f...>`` -> ``f``, any other ``<...>`` -> ``...`` (valid Python to
    highlight, and no memory addresses)."""
    signature = re.sub(r"<class '(?:[\w.]+\.)?(\w+)'>", r"\1", signature)
    signature = re.sub(r"<function ([\w.]+) at 0x[0-9a-f]+>", r"\1", signature)
    return re.sub(r"<[^<>']*>", "...", signature)  # e.g. a dataclass field's <factory>


def notebook_usage() -> dict[str, list[str]]:
    """``dn.<name>`` -> where the notebooks use it: "01 §3" (notebook number and the section
    heading above the cell), in teaching order."""
    usage: dict[str, list[str]] = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        number, section = path.stem.split("_", 1)[0], " (set-up)"
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                for line in cell.source.splitlines():
                    heading = re.match(r"##\s+(\d+)\.", line)
                    if heading:
                        section = f" §{heading.group(1)}"
                    elif line.startswith("## "):
                        section = f" ({line[3:].strip()})"
                continue
            for name in re.findall(r"\bdn\.([A-Za-z_]\w*)", cell.source):
                where = usage.setdefault(name, [])
                if f"{number}{section}" not in where:
                    where.append(f"{number}{section}")
    return usage


def site_config(repository: str, branch: str) -> dict:
    """The book's ``_config.yml`` for a repository setting: with a repository URL, a "launch on
    Colab" button on every chapter page (the notebook as committed on ``branch``), a repository
    button and an "open issue" button naming the page; without one, none of them."""
    config = yaml.safe_load((SITE_SRC / "_config.yml").read_text())
    if repository:
        config["repository"] = {"url": repository, "branch": branch, "path_to_book": ""}
        config["html"] |= {"use_repository_button": True, "use_issues_button": True}
        config["launch_buttons"] |= {"colab_url": "https://colab.research.google.com"}
        # sphinx.config's html_theme_options replaces what Jupyter Book derives from the keys
        # above, so the theme gets them there too
        config["sphinx"]["config"]["html_theme_options"] |= {
            "repository_url": repository,
            "repository_branch": branch,
            "path_to_docs": "",
            "use_repository_button": True,
            "use_issues_button": True,
            "launch_buttons": {
                "notebook_interface": config["launch_buttons"]["notebook_interface"],
                "colab_url": "https://colab.research.google.com",
            },
        }
    return config


def site_strings() -> list[str]:
    """The English text of the site's frame that the Chinese site translates (catalog ``site``):
    title, footer, search box, the table of contents' captions, the API page's introduction."""
    config = yaml.safe_load((SITE_SRC / "_config.yml").read_text())
    toc = yaml.safe_load((SITE_SRC / "_toc.yml").read_text())
    return [
        config["title"],
        config["html"]["extra_footer"].strip(),
        config["sphinx"]["config"]["html_theme_options"]["search_bar_text"],
        *(part["caption"] for part in toc["parts"]),
        API_TITLE,
        API_INTRO,
        API_ENGLISH_NOTE,
    ]


# The language switch: (language, its name in that language, HTML lang, folder under the site)
LANGUAGES = [("en", "English", "en", ""), ("zh_CN", "中文", "zh-CN", "zh_CN")]


def _book_sources(staging: Path, lang: str, notebooks: list[Path], config: dict) -> None:
    """Write one language's book (config, toc, pages, notebooks) into ``staging``."""
    staging.mkdir(parents=True)
    toc = yaml.safe_load((SITE_SRC / "_toc.yml").read_text())
    intro = (SITE_SRC / "intro.md").read_text()
    api = api_markdown()
    if lang == "zh_CN":
        table = translations.translations("site")

        def zh(text: str) -> str:
            if text not in table:
                raise translations.Untranslated(f"site: no current translation for {text[:60]!r}")
            return table[text]

        config = json.loads(json.dumps(config))  # a copy
        config["title"] = zh(config["title"])
        config["html"]["extra_footer"] = zh(config["html"]["extra_footer"].strip())
        options = config["sphinx"]["config"]["html_theme_options"]
        options["search_bar_text"] = zh(options["search_bar_text"])
        # Chinese search: Sphinx cuts the pages into words with jieba, which learns the glossary's
        # terms (过拟合, 暂退法, ...) from a dictionary of their own
        config["sphinx"]["config"]["language"] = "zh_CN"
        words = staging / "search-words.txt"
        words.write_text(
            "".join(f"{entry['zh']} 100000 n\n" for entry in translations.glossary()),
            encoding="utf-8",
        )
        config["sphinx"]["config"]["html_search_options"] = {"dict": str(words)}
        # the launch buttons open the English notebooks of the repository: not offered here
        config["launch_buttons"]["colab_url"] = ""
        options.pop("launch_buttons", None)
        for part in toc["parts"]:
            part["caption"] = zh(part["caption"])
        intro = translations.translate_site_intro()
        api = (
            "\n\n".join([zh(API_TITLE), zh(API_INTRO), f"*{zh(API_ENGLISH_NOTE)}*"])
            + api.split(API_INTRO, 1)[1]
        )
    (staging / "_config.yml").write_text(
        yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    (staging / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True))
    (staging / "intro.md").write_text(intro, encoding="utf-8")
    (staging / "api.md").write_text(api, encoding="utf-8")
    (staging / "notebooks").mkdir()
    for path in notebooks:
        target = staging / "notebooks" / path.name
        if lang == "zh_CN":
            nbformat.write(translations.translate_notebook(path), target)
        else:
            shutil.copy2(path, target)
    copy_vendor(SITE_VENDOR, staging / "assets" / "vendor")


def _build_book(staging: Path) -> Path:
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    # -W: a broken link, a missing page or an unrenderable output fails the build.
    run(
        [str(jupyter_book), "build", str(staging), "--builder", "html", "-W", "-n", "--keep-going"],
        env={**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"},
    )
    html = staging / "_build" / "html"
    copy_widget_fonts(html / "notebooks")
    return html


SWITCH_ANCHOR = '<div class="article-header-buttons">'


def add_language_switch(roots: dict[str, Path]) -> int:
    """Put a link to the same page in the other language on every page that has one: into the
    header buttons of each page.  Returns the number of pages linked."""
    linked = 0
    for lang, _, _, _ in LANGUAGES:
        root = roots[lang]
        for page in sorted(root.rglob("*.html")):
            rel = page.relative_to(root)
            if rel.parts[0] in ("slides", "_static", "_sources", "zh_CN"):
                continue
            html = page.read_text(encoding="utf-8")
            if SWITCH_ANCHOR not in html:
                continue  # index.html: a redirect to intro.html
            links = []
            for other, name, code, _ in LANGUAGES:
                if other == lang or not (roots[other] / rel).exists():
                    continue
                href = os.path.relpath(roots[other] / rel, page.parent)
                links.append(
                    f'<a class="btn btn-sm d2lnotes-language" href="{href}" hreflang="{code}" '
                    f'lang="{code}" title="{name}">{name}</a>'
                )
            if links:
                html = html.replace(SWITCH_ANCHOR, SWITCH_ANCHOR + "".join(links), 1)
                page.write_text(html, encoding="utf-8")
                linked += 1
    return linked


def build_site(
    notebooks: list[Path],
    final: Path,
    setting: tuple[str, str] | None = None,
    languages: tuple[str, ...] = ("en", "zh_CN"),
) -> None:
    """``setting``: (repository URL, branch); default: ``[tool.d2lnotes]`` in pyproject.toml.

    English at the site's root, the Chinese edition under ``zh_CN/`` (its notebooks generated from
    the catalogs: ``scripts/translations.py``), each page linked to its counterpart."""
    repository, branch = setting if setting is not None else colab.setting()
    ensure_node_modules()
    if "zh_CN" in languages:
        problems = translations.missing(notebooks)
        if problems:
            count = sum(len(v) for v in problems.values())
            raise translations.Untranslated(
                f"{count} strings have no current Chinese translation: run "
                "python scripts/translations.py check notebooks/*.ipynb"
            )
    staging = final.with_name(final.name + ".src")  # the books' sources: config, pages, vendored JS
    shutil.rmtree(staging, ignore_errors=True)
    config = site_config(repository, branch)
    roots = {}
    for lang in languages:
        book = staging / lang
        _book_sources(book, lang, notebooks, config)
        roots[lang] = _build_book(book)
        if lang == "zh_CN":
            build_slides([book / "notebooks" / p.name for p in notebooks], roots[lang] / "slides")
        else:
            build_slides(notebooks, roots[lang] / "slides")
    html = roots[languages[0]]
    for lang, _, _, folder in LANGUAGES:
        if lang in roots and folder:
            roots[lang].rename(html / folder)
            roots[lang] = html / folder
    add_language_switch(roots)
    (html / ".nojekyll").touch()
    publish(html, final)
    shutil.rmtree(staging)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("site", "slides"))
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, help="output folder (default build/WHAT)")
    args = parser.parse_args()
    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        sys.exit(f"no such notebook: {', '.join(missing)}")
    notebooks = [p.resolve() for p in args.notebooks]
    out = (args.out or BUILD / args.what).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.what == "site":
        build_site(notebooks, out)
    else:
        build_slides(notebooks, out)
    print(f"{args.what} written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    main()
