"""Check-cell feedback in the learner's language: the same check code, Chinese messages.

The notebooks are written in English; their translatable text lives in gettext catalogs
(``d2lnotes/locale/<lang>/LC_MESSAGES/*.po``, written by ``make translations``).  Markdown is
translated when the Chinese notebooks are generated; a check cell's message is only known when it
runs, so :class:`d2lnotes.ExerciseFeedback` and the checks' confirmations pass their text through
:func:`translate`.  The catalogs hold each message as a template -- an f-string's text with its
``{expression}`` placeholders -- and :func:`translate` replaces every template it recognises in the
text (longest first), carrying the placeholders' values over into the translation.

The language is ``D2LNOTES_LANG`` (``zh_CN``; the generated Chinese notebooks set it in their first
cell); unset or ``en``, text is returned unchanged.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

__all__ = ["language", "translate", "parse_template"]

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
FEEDBACK = "feedback"  # the auto-comment that marks a catalog entry as a run-time message
LANGUAGES = ("en", "zh_CN")


def language() -> str:
    """The learner's language: ``D2LNOTES_LANG``, ``en`` when unset."""
    lang = os.environ.get("D2LNOTES_LANG", "").strip() or "en"
    if lang not in LANGUAGES:
        raise ValueError(f"D2LNOTES_LANG={lang!r} is not one of {list(LANGUAGES)}")
    return lang


def parse_template(template: str) -> list[tuple[str, str | None]]:
    """Split a message template into (literal, placeholder) pieces.

    ``"{name}: got {{x}} -- {n:d} of {total}"`` -> ``[("", "name"), (": got {x} -- ", "n:d"),
    (" of ", "total")]``; ``{{`` and ``}}`` are literal braces; a placeholder is the whole text
    between matching braces (an f-string expression with its conversion and format).
    """
    pieces: list[tuple[str, str | None]] = []
    literal, i = [], 0
    while i < len(template):
        ch = template[i]
        if ch in "{}" and template[i : i + 2] in ("{{", "}}"):
            literal.append(ch)
            i += 2
        elif ch == "{":
            depth, j = 1, i + 1
            while j < len(template) and depth:
                depth += {"{": 1, "}": -1}.get(template[j], 0)
                j += 1
            if depth:
                raise ValueError(f"unbalanced '{{' in template {template!r}")
            pieces.append(("".join(literal), template[i + 1 : j - 1]))
            literal, i = [], j
        elif ch == "}":
            raise ValueError(f"unbalanced '}}' in template {template!r}")
        else:
            literal.append(ch)
            i += 1
    if literal:
        pieces.append(("".join(literal), None))
    return pieces


# A message is often glued from pieces ("{name}: " + a template + " Hint: ..."): a template that
# starts with a value takes it from the start of the text or of a piece, never across a ": " or
# " -- " (a leftmost match would otherwise swallow the pieces before it)
_BOUNDARIES = ("^", "(?<=: )", "(?<=-- )", "(?<=——)", "(?<=：)", "(?<=\\. )", "(?<=; )", "(?<=\\()")
_LEADING = "(?:" + "|".join(_BOUNDARIES) + ")((?:(?!: | -- ).)+?)"
# ... and one that ends with a value stops where the next piece starts: a hint, or a sentence
_TRAILING = r"(.+?)(?=$|\n| Hint: | \(If you did|(?<=[.!?]) (?=[A-Z]))"


def _compile(template: str, translation: str):
    pieces = parse_template(template)
    parts, names = [], []
    for k, (literal, name) in enumerate(pieces):
        parts.append(re.escape(literal))
        if name is not None:
            last = k == len(pieces) - 1
            if k == 0 and not literal:  # a leading value: from a boundary, not across one
                parts.append(_LEADING)
            elif last:  # a closing value: up to the end, or to the next piece glued on
                parts.append(_TRAILING)
            else:
                parts.append("(.+?)")
            names.append(name)
        elif k and literal[-1:] in ".!?;:," and literal.strip(" .!?;:,)") == "":
            # a closing "." after a value ends a sentence: not the "." of a number like 1.0
            parts.append(r"(?=\s|$)")
    pattern = re.compile("".join(parts), re.DOTALL)
    out = parse_template(translation)

    def replace(match: re.Match) -> str:
        values = {}
        for name, value in zip(names, match.groups()):
            values.setdefault(name, value)
        return "".join(
            lit + (values.get(name, "{" + name + "}") if name else "") for lit, name in out
        )

    literal_length = sum(len(lit) for lit, _ in pieces)
    return literal_length, pattern, replace


@functools.cache
def _rules(lang: str) -> tuple:
    """The feedback templates of every catalog of ``lang``, longest literal text first."""
    from babel.messages.pofile import read_po

    rules = []
    for path in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if not message.id or not message.string or message.fuzzy:
                continue
            if FEEDBACK not in message.auto_comments:
                continue
            rules.append(_compile(message.id, message.string))
    rules.sort(key=lambda rule: -rule[0])
    return tuple((pattern, replace) for _, pattern, replace in rules)


def translate(text: str, lang: str | None = None) -> str:
    """``text`` (a check's message) in ``lang`` (default: :func:`language`).

    Every catalogued template found in ``text`` is replaced by its translation; text no template
    matches stays as it is.  In English, ``text`` is returned unchanged.

    Taught in: 02 (Exercises) (a check cell's closing remark); 06 §2 (the backward-pass check's
    confirmation); 08 (Exercises) (the tanh exercise's conclusion).
    """
    if not isinstance(text, str):
        raise TypeError(f"translate: expected a str, got {type(text).__name__}")
    lang = language() if lang is None else lang
    if lang not in LANGUAGES:
        raise ValueError(f"translate: language {lang!r} is not one of {list(LANGUAGES)}")
    if lang == "en" or not text:
        return text
    for pattern, replace in _rules(lang):
        text = pattern.sub(replace, text)
    return text
