"""The Chinese edition: catalogs from the English notebooks, Chinese notebooks from the catalogs.

The English notebooks are the one source.  Their translatable text is

* every markdown cell, cut into blocks at blank lines (a fenced code block or a ``$$`` display
  stays whole); a block with no words outside math and code is not translated;
* every message of a check cell (a code cell that raises ``ExerciseFeedback`` or calls
  ``check_answer``/``check_choice``) and of ``d2lnotes/exercises.py``: each string literal of three
  words or more, an f-string as a template whose ``{expression}`` placeholders the translation keeps
  (flag ``python-brace-format``); these are translated when the check runs (``d2lnotes.i18n``).

Catalogs: ``d2lnotes/locale/zh_CN/LC_MESSAGES/<notebook>.po`` (one per notebook), ``site.po`` (the
site's home page) and ``d2lnotes.po`` (the package's own messages).  Babel reads and writes them and
merges a changed English text into them as ``msgmerge`` does: a new string is added untranslated, a
changed one keeps its old translation marked fuzzy (and the old English as ``#| msgid``), a removed
one is dropped.  A fuzzy or empty entry is not used: the drift test lists it until a translator
updates it and removes the ``fuzzy`` flag.

    python scripts/translations.py update NOTEBOOK...     (make translations)
    python scripts/translations.py check  NOTEBOOK...     (exit 1, listing what is not translated)
    python scripts/translations.py build --out DIR NOTEBOOK...   (the Chinese notebooks)
"""

from __future__ import annotations

import argparse
import ast
import copy
import io
import re
import sys
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from d2lnotes import i18n  # noqa: E402

LANG = "zh_CN"
LOCALE = ROOT / "d2lnotes" / "locale"
SITE_INTRO = ROOT / "site" / "intro.md"
PACKAGE_SOURCES = [ROOT / "d2lnotes" / "exercises.py"]
MARKDOWN = "markdown"
CHECK_CALLS = re.compile(r"ExerciseFeedback|check_answer|check_choice")
SETUP_CELL = "colab-setup"
LANGUAGE_LINE = (
    f'import os; os.environ["D2LNOTES_LANG"] = "{LANG}"  # 中文版: check cells answer in Chinese\n'
)


def po_path(stem: str, lang: str = LANG) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{stem}.po"


def shown(path: Path) -> str:
    """A path as messages show it: relative to the repository where it is inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# ------------------------------------------------------------------------------ extraction


def markdown_blocks(text: str) -> list[str]:
    """``text`` cut into pieces whose concatenation is ``text``: blocks and the blank-line runs
    between them (a piece that is only whitespace is a separator)."""
    lines = text.split("\n")
    pieces: list[list[str]] = []
    current: list[str] = []
    blank_run: list[str] = []
    fence = None
    math = False
    for line in lines:
        stripped = line.strip()
        inside = fence is not None or math
        if not inside and not stripped:
            if current:
                pieces.append(current)
                current = []
            blank_run.append(line)
            continue
        if blank_run:
            pieces.append(blank_run)
            blank_run = []
        current.append(line)
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
        elif math:
            if stripped.endswith("$$"):
                math = False
        elif stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif stripped.startswith("$$") and not (len(stripped) > 2 and stripped.endswith("$$")):
            math = True
    if current:
        pieces.append(current)
    if blank_run:
        pieces.append(blank_run)
    return ["\n".join(p) for p in pieces]


# What is not prose: code, math, tags, link targets, addresses; in a template, its placeholders
_NOT_PROSE = re.compile(
    r"```.*?```|~~~.*?~~~|\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|<[^>]*>|\]\([^)]*\)|https?://\S+"
    r"|\{[^{}]*\}",
    re.DOTALL,
)


def has_words(block: str) -> bool:
    """True when the block has words of prose outside math, code, tags and link targets."""
    return len(re.findall(r"[A-Za-z]{2,}", _NOT_PROSE.sub(" ", block))) >= 1


def is_check_cell(cell) -> bool:
    tags = set(cell.get("metadata", {}).get("tags", []))
    return (
        cell.cell_type == "code"
        and not tags & {"exercise", "solution"}
        and bool(CHECK_CALLS.search(cell.source))
    )


def _template(node: ast.AST) -> str | None:
    """A string literal's text; an f-string's text with ``{expression}`` placeholders."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value).replace("{", "{{").replace("}", "}}"))
            else:  # FormattedValue
                # ast.unparse: one spelling however the source was formatted
                conversion = {-1: "", 115: "!s", 114: "!r", 97: "!a"}[value.conversion]
                spec = ""
                if value.format_spec is not None:
                    spec = ":" + "".join(
                        str(v.value)
                        if isinstance(v, ast.Constant)
                        else "{" + ast.unparse(v.value) + "}"
                        for v in value.format_spec.values
                    )
                parts.append("{" + ast.unparse(value.value) + conversion + spec + "}")
        return "".join(parts)
    return None


def is_message(template: str, words: int = 3) -> bool:
    """``words`` words or more of letters: a message, not a key, a format or a regular expression
    (a check cell's strings need three; the package's messages are all messages)."""
    literal = "".join(lit for lit, _ in i18n.parse_template(template))
    enough = len(re.findall(r"[A-Za-z]{2,}", literal)) >= words
    return enough and " " in (literal.strip() if words >= 3 else literal)


def code_messages(source: str, words: int = 3) -> list[str]:
    """The message templates of one check cell or module, in source order (docstrings skipped)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    inner = set()  # the pieces of an f-string and its format specs are not messages of their own
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for child in ast.walk(node):
                if child is not node:
                    inner.add(id(child))
    found = []
    for node in ast.walk(tree):
        if id(node) in docstrings or id(node) in inner:
            continue
        template = _template(node)
        if template is not None and is_message(template, words):
            found.append((getattr(node, "lineno", 0), getattr(node, "col_offset", 0), template))
    return [t for _, _, t in sorted(found)]


def extract_notebook(path: Path) -> Catalog:
    """The template catalog of one notebook: its markdown blocks and its check cells' messages."""
    nb = nbformat.read(path, as_version=4)
    catalog = Catalog(project="d2lnotes", domain=path.stem, fuzzy=False)
    for index, cell in enumerate(nb.cells):
        where = (f"notebooks/{path.name}", index + 1)  # the cell's number, counted from 1
        if cell.cell_type == "markdown":
            for block in markdown_blocks(cell.source):
                if block.strip() and has_words(block):
                    _add(catalog, block, where, MARKDOWN)
        elif is_check_cell(cell):
            for template in code_messages(cell.source):
                _add(catalog, template, where, i18n.FEEDBACK)
    return catalog


def extract_site() -> Catalog:
    """The site's home page (site/intro.md) and its frame: title, footer, search box, the table of
    contents' captions, the API page's introduction (``build_site.site_strings``)."""
    import build_site  # scripts/build_site.py (which imports this module)

    catalog = Catalog(project="d2lnotes", domain="site", fuzzy=False)
    for block in markdown_blocks(SITE_INTRO.read_text()):
        if block.strip() and has_words(block):
            _add(catalog, block, ("site/intro.md", None), MARKDOWN)
    for text in build_site.site_strings():
        _add(catalog, text, ("scripts/build_site.py", None), MARKDOWN)
    return catalog


def extract_package() -> Catalog:
    catalog = Catalog(project="d2lnotes", domain="d2lnotes", fuzzy=False)
    for source in PACKAGE_SOURCES:
        for template in code_messages(source.read_text(), words=1):
            _add(catalog, template, (str(source.relative_to(ROOT)), None), i18n.FEEDBACK)
    return catalog


def _add(catalog: Catalog, msgid: str, where: tuple[str, int | None], kind: str) -> None:
    existing = catalog.get(msgid)
    if existing is not None:
        if where not in existing.locations:
            existing.locations.append(where)
        if kind not in existing.auto_comments:
            existing.auto_comments.append(kind)
        return
    flags = ["python-brace-format"] if kind == i18n.FEEDBACK else []
    catalog.add(msgid, locations=[where], auto_comments=[kind], flags=flags)


def templates(notebooks: list[Path]) -> dict[str, Catalog]:
    """Catalog name -> its template: one per notebook, ``site`` and ``d2lnotes``."""
    out = {path.stem: extract_notebook(path) for path in notebooks}
    out["site"] = extract_site()
    out["d2lnotes"] = extract_package()
    return out


# ------------------------------------------------------------------------------ catalogs


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=LANG)


def write_catalog(catalog: Catalog, path: Path) -> None:
    """Written whole to a temporary file first, then renamed: never half-written."""
    buffer = io.BytesIO()
    write_po(
        buffer, catalog, width=100, ignore_obsolete=True, include_previous=False, sort_output=False
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".po.tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(path)


def _entries(catalog: Catalog) -> list[tuple]:
    return [
        (m.id, m.string, sorted(m.flags), m.auto_comments, m.user_comments, m.locations)
        for m in catalog
        if m.id
    ]


PREVIOUS = "The translation below was for this English (make translations keeps it until updated):"


def previous_english(message) -> str:
    """The English a fuzzy entry's translation was written for ('' when not known)."""
    comments = list(message.user_comments)
    return "\n".join(comments[1:]) if comments[:1] == [PREVIOUS] else ""


def update(notebooks: list[Path]) -> dict[str, tuple[int, int]]:
    """Merge the current English text into every catalog; name -> (new, fuzzy) counts."""
    counts = {}
    for name, template in templates(notebooks).items():
        path = po_path(name)
        if path.exists():
            catalog = read_catalog(path)
        else:
            catalog = Catalog(locale=LANG, project="d2lnotes", domain=name, fuzzy=False)
        before = {m.id for m in catalog if m.id}
        unchanged = _entries(catalog)
        catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
        for message in catalog:  # keep the template's kind and locations, in the template's order
            if message.id:
                source = template.get(message.id)
                message.auto_comments = list(source.auto_comments)
                message.locations = list(source.locations)
                message.flags = set(source.flags) | ({"fuzzy"} if message.fuzzy else set())
                if message.fuzzy and message.previous_id:
                    # the English the old translation was for, as a translator comment: Babel's
                    # "#| msgid" lines cannot hold a multi-line text it reads back
                    message.user_comments = [PREVIOUS] + message.previous_id[0].split("\n")
                message.previous_id = []
        ordered = Catalog(locale=LANG, project="d2lnotes", domain=name, fuzzy=False)
        ordered.mime_headers = catalog.mime_headers
        for message in template:
            if message.id:
                ordered[message.id] = catalog[message.id]
        if not path.exists() or _entries(ordered) != unchanged:  # else: not even a new date
            write_catalog(ordered, path)
        new = sum(1 for m in template if m.id and m.id not in before and not catalog[m.id].string)
        fuzzy = sum(1 for m in ordered if m.id and m.fuzzy)
        counts[name] = (new, fuzzy)
    return counts


def missing(notebooks: list[Path]) -> dict[str, list[tuple[str, str]]]:
    """Catalog name -> [(why, English text)] for every string without a current translation."""
    problems: dict[str, list[tuple[str, str]]] = {}
    for name, template in templates(notebooks).items():
        path = po_path(name)
        catalog = read_catalog(path) if path.exists() else None
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id) if catalog is not None else None
            if entry is None:
                why = "not in the catalog (run make translations)"
            elif entry.fuzzy:
                why = "fuzzy (the English changed: update the translation, remove the fuzzy flag)"
            elif not entry.string:
                why = "not translated"
            else:
                continue
            problems.setdefault(name, []).append((why, message.id))
    return problems


def translations(name: str) -> dict[str, str]:
    """English -> Chinese for the current (non-fuzzy, non-empty) entries of one catalog."""
    path = po_path(name)
    if not path.exists():
        return {}
    return {m.id: m.string for m in read_catalog(path) if m.id and m.string and not m.fuzzy}


# ------------------------------------------------------------------------------ checks


GLOSSARY = LOCALE / LANG / "glossary.yaml"
_SPANS = re.compile(r"\$\$.*?\$\$|\$[^$]+\$|`[^`\n]+`|\]\([^)\s]*\)", re.DOTALL)


def glossary() -> list[dict]:
    import yaml

    entries = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    for entry in entries:
        entry["pattern"] = re.compile(rf"\b(?:{entry['english']})\b", re.IGNORECASE)
        entry.setdefault("aliases", [])
    return entries


def lint_entry(msgid: str, msgstr: str, kind: str, terms: list[dict]) -> list[str]:
    """What is wrong with one translation: a glossary term missing or an alias alone, a
    placeholder, math, code span or link target not carried over, a heading's level changed."""
    problems = []
    prose = _NOT_PROSE.sub(" ", msgid)
    for entry in terms:
        if entry["pattern"].search(prose) and entry["zh"] not in msgstr:
            problems.append(f"glossary: {entry['english']!r} must be translated as {entry['zh']}")
        for alias in entry["aliases"]:
            if alias in msgstr and entry["zh"] not in msgstr:
                problems.append(
                    f"glossary: {alias} is an alias; use {entry['zh']} (may add {alias})"
                )
    if kind == i18n.FEEDBACK:
        want = sorted(n for _, n in i18n.parse_template(msgid) if n is not None)
        try:
            got = sorted(n for _, n in i18n.parse_template(msgstr) if n is not None)
        except ValueError as error:
            got = [str(error)]
        if sorted(set(want)) != sorted(set(got)):
            problems.append(f"placeholders: the English has {want}, the translation {got}")
    for span in set(_SPANS.findall(msgid)):
        if span not in msgstr:
            problems.append(f"not carried over unchanged: {span[:60]!r}")
    heading = re.match(r"#+ ", msgid)
    if heading and not msgstr.startswith(heading.group(0)):
        problems.append(f"heading level: the translation must start with {heading.group(0)!r}")
    return problems


def lint(names: list[str]) -> dict[str, list[str]]:
    """Catalog name -> the problems of its current translations (see :func:`lint_entry`)."""
    terms = glossary()
    out: dict[str, list[str]] = {}
    for name in names:
        path = po_path(name)
        if not path.exists():
            out[name] = [f"no catalog {path}"]
            continue
        for message in read_catalog(path):
            if not message.id or not message.string or message.fuzzy:
                continue
            kind = i18n.FEEDBACK if i18n.FEEDBACK in message.auto_comments else MARKDOWN
            for problem in lint_entry(message.id, message.string, kind, terms):
                first = message.id.strip().splitlines()[0][:70]
                out.setdefault(name, []).append(f"{problem} -- in {first!r}")
    return out


def export_json(name: str, out: Path) -> int:
    """The entries of one catalog that need a translator, as JSON for a translator's tools:
    ``[{"msgid", "kind", "previous", "msgstr"}]`` (``previous``: the English a fuzzy entry had)."""
    import json

    catalog = read_catalog(po_path(name))
    items = [
        {
            "msgid": m.id,
            "kind": i18n.FEEDBACK if i18n.FEEDBACK in m.auto_comments else MARKDOWN,
            "previous": previous_english(m),
            "msgstr": m.string if m.fuzzy else "",
        }
        for m in catalog
        if m.id and (m.fuzzy or not m.string)
    ]
    out.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(items)


def import_json(name: str, source: Path) -> int:
    """Put translations (JSON as :func:`export_json` writes, ``msgstr`` filled in) into a catalog;
    a filled-in entry is no longer fuzzy.  An English text the catalog does not hold is an error."""
    import json

    items = json.loads(source.read_text(encoding="utf-8"))
    path = po_path(name)
    catalog = read_catalog(path)
    unknown = [item["msgid"][:60] for item in items if catalog.get(item["msgid"]) is None]
    if unknown:
        raise ValueError(f"{source}: {len(unknown)} texts are not in {path.name}: {unknown[:3]}")
    count = 0
    for item in items:
        if item.get("msgstr", "").strip():
            message = catalog[item["msgid"]]
            message.string = item["msgstr"]
            message.flags.discard("fuzzy")
            message.user_comments = []
            count += 1
    write_catalog(catalog, path)
    return count


# ------------------------------------------------------------------------------ generation


class Untranslated(Exception):
    pass


def translate_markdown(source: str, table: dict[str, str], where: str) -> str:
    pieces = markdown_blocks(source)
    out = []
    for piece in pieces:
        if piece.strip() and has_words(piece):
            if piece not in table:
                raise Untranslated(f"{where}: no current translation for {piece[:80]!r}")
            out.append(table[piece])
        else:
            out.append(piece)
    return "\n".join(out)


def translate_notebook(path: Path) -> nbformat.NotebookNode:
    """The Chinese notebook: every markdown block translated, code and outputs as committed (a
    check cell's printed confirmation translated), and a first cell that sets ``D2LNOTES_LANG``."""
    nb = nbformat.read(path, as_version=4)
    table = translations(path.stem)
    zh = copy.deepcopy(nb)
    for index, cell in enumerate(zh.cells):
        where = f"{path.name} cell {index}"
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(cell.source, table, where)
        elif cell.cell_type == "code" and is_check_cell(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream":
                    output["text"] = i18n.translate(output["text"], LANG)
                elif output.get("output_type") == "error":
                    output["evalue"] = i18n.translate(output["evalue"], LANG)
    setup = next((c for c in zh.cells if c.get("id") == SETUP_CELL), None)
    if setup is None:
        raise Untranslated(f"{path.name}: no cell {SETUP_CELL!r} to set the language in")
    setup.source = LANGUAGE_LINE + setup.source
    zh.metadata.setdefault("d2lnotes", {})["language"] = LANG
    zh.metadata["language_info"] = dict(nb.metadata.get("language_info", {}))
    return zh


def build(notebooks: list[Path], out: Path) -> list[Path]:
    """Write the Chinese notebooks to ``out`` (a fresh folder renamed into place)."""

    problems = missing(notebooks)
    if problems:
        count = sum(len(v) for v in problems.values())
        raise Untranslated(
            f"{count} strings have no current Chinese translation "
            f"(python scripts/translations.py check lists them)"
        )
    import build_site  # scripts/build_site.py: fresh_dir and publish (which imports this module)

    staging = build_site.fresh_dir(out)
    written = []
    for path in notebooks:
        nbformat.write(translate_notebook(path), staging / path.name)
        written.append(out / path.name)
    build_site.publish(staging, out)
    return written


def translate_site_intro() -> str:
    return translate_markdown(SITE_INTRO.read_text(), translations("site"), "site/intro.md")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("update", "check", "build", "lint", "export", "import"))
    parser.add_argument("notebooks", nargs="+", type=Path, help="notebooks (lint: catalog names)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / LANG / "notebooks")
    parser.add_argument("--json", type=Path, help="export/import: the JSON file")
    args = parser.parse_args(argv)
    if args.command == "lint":
        found = lint([str(name) for name in args.notebooks])
        for name, problems in found.items():
            for problem in problems:
                print(f"{name}: {problem}")
        print(f"{sum(len(v) for v in found.values())} problems")
        return 1 if found else 0
    if args.command in ("export", "import"):
        if args.json is None:
            parser.error(f"{args.command} needs --json FILE")
        for name in args.notebooks:
            if args.command == "export":
                count = export_json(str(name), args.json)
                print(f"{name}: {count} entries to translate -> {args.json}")
            else:
                print(f"{name}: {import_json(str(name), args.json)} translations taken")
        return 0
    absent = [str(p) for p in args.notebooks if not p.is_file()]
    if absent:
        parser.error(f"no such notebook: {', '.join(absent)}")
    notebooks = [p.resolve() for p in args.notebooks]
    if args.command == "update":
        for name, (new, fuzzy) in update(notebooks).items():
            print(f"{shown(po_path(name))}: {new} new, {fuzzy} fuzzy")
        problems = missing(notebooks)
        total = sum(len(v) for v in problems.values())
        print(f"{total} strings need a translator" if total else "every string is translated")
        return 0
    if args.command == "check":
        problems = missing(notebooks)
        for name, items in problems.items():
            for why, text in items:
                first = text.strip().splitlines()[0][:100]
                print(f"{shown(po_path(name))}: {why}: {first!r}")
        if problems:
            print(f"{sum(len(v) for v in problems.values())} strings lack a current translation")
            return 1
        print("every string has a current translation")
        return 0
    try:
        written = build(notebooks, args.out.resolve())
    except Untranslated as error:
        print(f"translations build: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {shown(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
