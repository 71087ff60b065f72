"""The Chinese edition (scripts/translations.py, d2lnotes.i18n): no drift from the English source,
the glossary's terms, generated notebooks with the English code and outputs, feedback in Chinese."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

import d2lnotes as dn
from d2lnotes import i18n

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import translations  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CATALOGS = [p.stem for p in NOTEBOOKS] + ["site", "d2lnotes"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _listing(problems: dict) -> str:
    return "\n".join(
        f"{name}: {why}: {text.strip().splitlines()[0][:90]!r}"
        for name, items in problems.items()
        for why, text in items
    )


def test_every_english_string_has_a_current_chinese_translation():
    """The drift test: a new or changed English sentence turns this red until `make translations`
    and a translator (who removes the fuzzy flag) have caught up."""
    problems = translations.missing(NOTEBOOKS)
    count = sum(len(v) for v in problems.values())
    assert not problems, f"{count} strings lack a current translation:\n{_listing(problems)}"


def test_the_catalogs_are_what_make_translations_writes(tmp_path, monkeypatch):
    """Nothing in the catalogs that `make translations` would change: no stale entry, no entry in
    a different place, kind or order (the catalogs are generated, translations aside)."""
    locale = tmp_path / "locale"
    shutil.copytree(translations.LOCALE, locale)
    monkeypatch.setattr(translations, "LOCALE", locale)
    translations.update(NOTEBOOKS)
    for name in CATALOGS:

        def entries(path):
            return [
                (m.id, m.string, sorted(m.flags), m.auto_comments, m.locations)
                for m in translations.read_catalog(path)
                if m.id
            ]

        committed = ROOT / "d2lnotes" / "locale" / "zh_CN" / "LC_MESSAGES" / f"{name}.po"
        updated = locale / "zh_CN" / "LC_MESSAGES" / f"{name}.po"
        assert entries(updated) == entries(committed), name
        # and a catalog with nothing to change is not rewritten (not even its date)
        assert updated.read_bytes() == committed.read_bytes(), name


def test_a_changed_english_sentence_fails_until_translated(tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    shutil.copytree(translations.LOCALE, locale)
    monkeypatch.setattr(translations, "LOCALE", locale)
    source = ROOT / "notebooks" / "05_dropout.ipynb"
    nb = nbformat.read(source, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and "\n\n" in c.source)
    old = [b for b in translations.markdown_blocks(cell.source) if b.strip()][-1]
    new = old.rstrip() + " This sentence is new."
    assert cell.source.count(old) == 1
    cell.source = cell.source.replace(old, new)
    changed = tmp_path / source.name
    nbformat.write(nb, changed)

    assert not translations.missing([source])
    problems = translations.missing([changed])
    assert [text for _, text in problems["05_dropout"]] == [new]
    translations.update([changed])  # make translations: the old translation, marked fuzzy
    problems = translations.missing([changed])
    assert [(why.split()[0], text) for why, text in problems["05_dropout"]] == [("fuzzy", new)]
    with pytest.raises(translations.Untranslated, match="strings have no current"):
        translations.build([changed], tmp_path / "zh")
    assert not (tmp_path / "zh").exists() and not (tmp_path / "zh.partial").exists()
    catalog = translations.read_catalog(translations.po_path("05_dropout"))
    catalog[new].flags.discard("fuzzy")  # the translator's update
    catalog[new].string += "这句话是新的。"
    translations.write_catalog(catalog, translations.po_path("05_dropout"))
    assert not translations.missing([changed])
    written = translations.build([changed], tmp_path / "zh")
    assert "这句话是新的。" in written[0].read_text(encoding="utf-8")


def test_the_glossary_has_the_chinese_editions_terms():
    terms = {entry["zh"]: entry["aliases"] for entry in translations.glossary()}
    for term in ("过拟合", "权重衰减", "暂退法", "前向传播", "计算图", "梯度消失", "梯度爆炸"):
        assert term in terms, term
    assert "丢弃法" in terms["暂退法"] and "正向传播" in terms["前向传播"]


def test_every_translation_uses_the_glossary_and_keeps_math_code_and_placeholders():
    problems = translations.lint(CATALOGS)
    listing = "\n".join(p for items in problems.values() for p in items)
    assert not problems, f"{sum(map(len, problems.values()))} problems:\n{listing}"


def test_the_lint_names_each_kind_of_mistake():
    terms = translations.glossary()

    def lint(msgid, msgstr, kind=translations.MARKDOWN):
        return " | ".join(translations.lint_entry(msgid, msgstr, kind, terms))

    assert lint("Dropout helps.", "暂退法有帮助。") == ""
    assert "暂退法" in lint("Dropout helps.", "丢弃法有帮助。")  # the alias alone
    assert lint("Dropout helps.", "暂退法（第一版称丢弃法）有帮助。") == ""
    assert "must be translated as 过拟合" in lint("It overfits.", "它过度拟合。")
    assert lint("Use `nn.Dropout` here.", "这里用 `nn.Dropout`（暂退法）。") == ""
    assert "not carried over" in lint("Set $p = 0.5$.", "设 p = 0.5。")
    assert "heading level" in lint("## 2. Results", "### 2. 结果")
    feedback = i18n.FEEDBACK
    assert lint("{name}: off by {x:.2f}", "{name}：偏差 {x:.2f}", feedback) == ""
    assert "placeholders" in lint("{name}: off by {x:.2f}", "{name}：偏差 {x}", feedback)
    # a glossary word inside code, math or a placeholder is not prose
    assert (
        lint("Call `dropout(x)` on {dropout_rate}.", "对 {dropout_rate} 调用 `dropout(x)`。") == ""
    )


def test_markdown_blocks_cut_at_blank_lines_and_keep_code_and_math_whole():
    text = (
        "# Title\n\nA paragraph\non two lines.\n\n```python\nx = 1\n\ny = 2\n```\n\n"
        "$$\na\n\nb\n$$\n"
    )
    pieces = translations.markdown_blocks(text)
    assert "\n".join(pieces) == text  # nothing lost
    blocks = [p for p in pieces if p.strip()]
    assert blocks == ["# Title", "A paragraph\non two lines.", "```python\nx = 1\n\ny = 2\n```",
                      "$$\na\n\nb\n$$"]  # fmt: skip
    assert [translations.has_words(b) for b in blocks] == [True, True, False, False]


def test_check_messages_are_extracted_as_templates():
    source = (
        'x = "a key"\n'
        'raise dn.ExerciseFeedback(f"{name}: expected shape {tuple(w.shape)}, got {got!r} "\n'
        '                          f"(a {n:.1f} times too large).")\n'
        'hint = "multiply {by} one"\n'
    )
    assert translations.code_messages(source) == [
        "{name}: expected shape {tuple(w.shape)}, got {got!r} (a {n:.1f} times too large).",
        "multiply {{by}} one",
    ]


def test_generated_notebooks_keep_the_code_and_outputs_and_translate_the_text():
    for path in NOTEBOOKS:
        en = nbformat.read(path, as_version=4)
        zh = translations.translate_notebook(path)
        assert len(zh.cells) == len(en.cells), path.name
        chinese = 0
        for a, b in zip(en.cells, zh.cells):
            assert a.cell_type == b.cell_type and a.metadata == b.metadata
            if a.cell_type == "markdown":
                chinese += len(CJK.findall(b.source))
                continue
            if a.get("id") == translations.SETUP_CELL:
                assert b.source == translations.LANGUAGE_LINE + a.source
            else:
                assert b.source == a.source, f"{path.name}: code must be the English code"
            if translations.is_check_cell(a):  # a confirmation, printed in Chinese
                for oa, ob in zip(a.outputs, b.outputs):
                    if oa.output_type == "stream":
                        assert ob.text == dn.translate(oa.text, "zh_CN")
            else:
                assert b.outputs == a.outputs, f"{path.name}: outputs are the committed ones"
        english = sum(len(c.source) for c in en.cells if c.cell_type == "markdown")
        assert chinese > english / 10, f"{path.name}: {chinese} Chinese characters"


def test_feedback_is_translated_with_its_values(monkeypatch):
    english = "x: not quite -- it is off by 25% (tolerance 1.0%). Hint: think."
    assert dn.translate(english, "en") == english
    chinese = dn.translate(english, "zh_CN")
    assert CJK.search(chinese) and "25%" in chinese and "1.0%" in chinese
    monkeypatch.setenv("D2LNOTES_LANG", "zh_CN")
    with pytest.raises(dn.ExerciseFeedback) as caught:
        dn.check_answer(2.5, 2.0, name="x", hint="think.")
    assert CJK.search(str(caught.value)) and "25%" in str(caught.value)
    monkeypatch.setenv("D2LNOTES_LANG", "en")
    with pytest.raises(dn.ExerciseFeedback, match="x: not quite -- it is off by 25%"):
        dn.check_answer(2.5, 2.0, name="x")


def test_translate_rejects_bad_input(monkeypatch):
    with pytest.raises(TypeError, match="expected a str"):
        dn.translate(3)
    with pytest.raises(ValueError, match="not one of"):
        dn.translate("x", "fr")
    monkeypatch.setenv("D2LNOTES_LANG", "de")
    with pytest.raises(ValueError, match="D2LNOTES_LANG='de'"):
        dn.translate("x")
    with pytest.raises(ValueError, match="unbalanced"):
        i18n.parse_template("a {b")


def test_templates_carry_their_values_over():
    assert i18n.parse_template("{name}: got {{x}} -- {n:d} of {total}") == [
        ("", "name"),
        (": got {x} -- ", "n:d"),
        (" of ", "total"),
    ]
    _, pattern, replace = i18n._compile(
        "{name}: {k} of {n} entries are off", "{name}：{n} 个中有 {k} 个不对"
    )
    assert pattern.sub(replace, "w: 3 of 12 entries are off") == "w：12 个中有 3 个不对"


def test_the_build_command_names_what_is_missing(tmp_path, capsys, monkeypatch):
    empty = tmp_path / "locale"
    (empty / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(translations.GLOSSARY, empty / "zh_CN" / "glossary.yaml")
    monkeypatch.setattr(translations, "LOCALE", empty)
    monkeypatch.setattr(translations, "GLOSSARY", empty / "zh_CN" / "glossary.yaml")
    path = str(NOTEBOOKS[0])
    assert translations.main(["check", path]) == 1
    assert "not in the catalog (run make translations)" in capsys.readouterr().out
    assert translations.main(["build", "--out", str(tmp_path / "zh"), path]) == 1
    assert "no current Chinese translation" in capsys.readouterr().err
    assert not (tmp_path / "zh").exists()
    with pytest.raises(SystemExit):
        translations.main(["check", str(tmp_path / "nope.ipynb")])


def test_every_catalogued_message_comes_out_in_chinese_with_its_values():
    """Each check message, filled with sample values (as a check cell would), alone and glued to a
    name and a hint as the checks glue them, is translated, and every value survives."""
    for name in [p.stem for p in NOTEBOOKS] + ["d2lnotes"]:
        for message in translations.read_catalog(translations.po_path(name)):
            if not message.id or i18n.FEEDBACK not in message.auto_comments:
                continue
            if message.string == message.id:  # kept in English on purpose (matched PyTorch text)
                continue
            sample = {}  # placeholder -> a sample value
            for k, (_, placeholder) in enumerate(i18n.parse_template(message.id)):
                if placeholder is not None:
                    sample.setdefault(placeholder, f"V{k}q")

            def filled(template, sample=sample):
                return "".join(
                    lit + (sample[p] if p else "") for lit, p in i18n.parse_template(template)
                )

            english, want = filled(message.id), filled(message.string)
            assert dn.translate(english, "zh_CN") == want, (name, english)
            # glued as the checks glue: a name in front (unless the message starts with one)
            first = i18n.parse_template(message.id)[0]
            prefix = "" if first[0] == "" and first[1] is not None else "my_fn: "
            glued = dn.translate(f"{prefix}{english} Hint: think.", "zh_CN")
            assert want in glued, f"{name}: {english!r} glued came out as {glued!r}"
