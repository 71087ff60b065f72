"""Slide decks that fit a projector: each chapter notebook laid out as reveal.js slides of 960×700.

``build_site.py`` calls :func:`layout` on every notebook before nbconvert turns it into a deck.
The notebook itself is never changed; the deck is made from a copy in which

* a level-1 or level-2 heading starts a slide, a level-3 heading or an exercise a sub-slide, and a
  reference solution appears on the next click (a fragment);
* every cell is cut into pieces -- a markdown cell into its blocks (paragraphs, lists, formulas,
  tables), a code cell into runs of at most ``CODE_LINES`` lines, each output on its own -- whose
  height on the slide is estimated, and the pieces are packed into sub-slides that stay under
  ``BUDGET`` (a heading never ends a slide);
* a prose paragraph or list item longer than ``PROSE_CHARS`` shows its first sentence(s) on the
  slide, and the cell's whole text goes to the speaker notes (press ``S`` in the deck);
* a text output longer than ``OUTPUT_LINES`` lines shows its first lines and says how many more the
  notebook has; figures are shown at most ``FIGURE_HEIGHT`` tall.

The heights are estimates (calibrated in Chromium on these decks); the deck's own script scales a
slide that is still too tall down to fit, and the browser tests (tests/e2e/test_slides_fit.py) open
every slide at 1280×720 and fail when anything is cut off or had to shrink below
``MIN_FIT_SCALE``.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import math
import re
import struct
import unicodedata

import nbformat
from markdown_it import MarkdownIt

from d2lnotes import nbtools

# The slide's logical size (reveal.js scales it to the window: 1280×720 shows it at 0.99).
WIDTH, HEIGHT = 960, 700
# Estimated content height allowed per sub-slide, below HEIGHT for the estimates' error.
BUDGET = 640
CODE_LINES = 26  # wrapped lines of code per piece, at most
OUTPUT_LINES = 12  # lines of a text output shown on a slide
PROSE_CHARS = 330  # a longer paragraph or list item shows its first sentence(s)
FIGURE_HEIGHT = 420  # CSS max-height of a figure on a slide
MIN_FIT_SCALE = 0.75  # the deck may shrink a slide this far; the browser test fails below

# Estimation constants (logical pixels), fitted to the heights Chromium gives the pieces of these
# decks (least squares; the largest under-estimate of a piece was 30 px).
PROSE_CHARS_PER_LINE = 88
PROSE = (46, 21)  # a paragraph: (fixed, per wrapped line)
LIST = (16, 26)  # a list: (fixed, per wrapped line)
DISPLAY_MATH_LINE = 34
CODE_CHARS_PER_LINE = 96
CODE = (30, 19.5)  # a code cell or a text output: (fixed, per wrapped line)
HEADING = {1: (120, 30), 2: (80, 40), 3: (67, 50)}  # level: (per line, characters per line)
TABLE_ROW = 17
WIDGET = 560

OUTPUT_ONLY = "slides-output-only"  # tag: the piece shows a code cell's output, not its code
HEADING_RE = re.compile(r"\s*(#{1,6})\s")
_md = MarkdownIt("commonmark").enable("table")


# ---------------------------------------------------------------------------- estimates


def _width(text: str) -> int:
    """Width in Latin characters: a Chinese character (East Asian wide or full-width) counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrapped(text: str, per_line: int) -> int:
    return sum(max(1, math.ceil(_width(line) / per_line)) for line in text.splitlines() or [""])


def png_size(data: str) -> tuple[int, int]:
    """Width and height of a base64 PNG (from its header)."""
    raw = base64.b64decode(data[:64])
    if raw[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", raw[16:24])


def figure_height(data: str) -> float:
    w, h = png_size(data)
    return min(h * min(1.0, WIDTH / w), FIGURE_HEIGHT)


def markdown_height(block: str) -> float:
    """Estimated height of one markdown block (a paragraph, list, heading, table or formula)."""
    stripped = block.strip()
    heading = HEADING_RE.match(stripped)
    if heading:
        per_line, chars = HEADING[min(len(heading.group(1)), 3)]
        return per_line * _wrapped(stripped, chars)
    if stripped.startswith("|"):
        return TABLE_ROW * _wrapped(stripped, PROSE_CHARS_PER_LINE)
    fixed, per_line = LIST if _ITEM.match(stripped) else PROSE
    height, in_math = float(fixed), False
    for line in stripped.splitlines():
        if "$$" in line:
            in_math = not in_math if line.count("$$") == 1 else in_math
            height += DISPLAY_MATH_LINE
        elif in_math:
            height += DISPLAY_MATH_LINE / 2
        else:
            height += per_line * _wrapped(line, PROSE_CHARS_PER_LINE)
    return height


def code_height(source: str) -> float:
    return CODE[0] + CODE[1] * _wrapped(source, CODE_CHARS_PER_LINE)


def output_height(output) -> float:
    data = output.get("data", {})
    if "application/vnd.jupyter.widget-view+json" in data:
        return WIDGET
    if "image/png" in data:
        return figure_height(data["image/png"]) + CODE[0]
    text = output.get("text") or data.get("text/plain", "")
    if isinstance(text, list):
        text = "".join(text)
    return code_height(text)


# ---------------------------------------------------------------------------- pieces


def markdown_blocks(source: str) -> list[str]:
    """The top-level blocks of a markdown cell, each as its own source text."""
    lines = source.splitlines()
    blocks = []
    for token in _md.parse(source):
        if token.level == 0 and token.map and token.nesting >= 0:
            blocks.append(token.map)
    out, covered = [], 0
    for start, end in blocks:
        if start < covered:
            continue
        out.append("\n".join(lines[start:end]))
        covered = end
    return [b for b in out if b.strip()] or [source]


# an English sentence ends at ". ! ?" before a capital; a Chinese one right after "。！？"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*`(\[$])|(?<=[。！？])(?=\S)")
MIN_SHOWN = 80  # a shortened paragraph keeps at least this many characters where it can


def _outside_spans(text: str) -> list[int]:
    """Positions of sentence breaks that are not inside `code` or $math$."""
    # a span's first character stays (a sentence may start with `code` or $math$)
    masked = re.sub(
        r"`[^`]*`|\$\$.*?\$\$|\$[^$]*\$",
        lambda m: m.group()[0] + "x" * (len(m.group()) - 1),
        text,
        flags=re.S,
    )
    masked = re.sub(
        r"\b(e\.g|i\.e|vs|cf|etc|Fig|Eq|Sec|approx)\.", lambda m: "x" * len(m.group()), masked
    )
    return [m.start() for m in _SENTENCE_END.finditer(masked)]


def shorten(paragraph: str, limit: int = PROSE_CHARS) -> str:
    """The first sentence(s) of a long paragraph, within ``limit`` characters where the first
    sentence allows, followed by " …"; a short paragraph unchanged."""
    if _width(paragraph) <= limit:
        return paragraph
    breaks = _outside_spans(paragraph)
    if not breaks:
        return paragraph

    def width(i: int) -> int:  # of the paragraph's first i characters
        return _width(paragraph[:i])

    cut = breaks[0]
    for b in breaks:
        if width(b) <= limit or width(cut) < MIN_SHOWN <= width(b) <= 2 * limit:
            cut = b
        if width(b) > limit and width(cut) >= MIN_SHOWN:
            break
    if width(cut) < MIN_SHOWN or cut >= len(paragraph.rstrip()) - 1:
        return paragraph
    return paragraph[:cut].rstrip() + " …"


_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)")


def shorten_block(block: str) -> str:
    """A block as it shows on a slide: long paragraphs and long list items shortened."""
    stripped = block.lstrip()
    if HEADING_RE.match(stripped) or stripped.startswith(("|", "$$", "```", "<")):
        return block
    if _ITEM.match(block):
        shown = []
        for item in list_items(block):
            marker = _ITEM.match(item)
            text = " ".join(line.strip() for line in item.splitlines())[
                len(marker.group(1).strip()) :
            ]
            short = shorten(text.strip())
            shown.append(marker.group(1) + short if short != text.strip() else item)
        return "\n".join(shown)
    if "$$" in block:
        return block
    return shorten(" ".join(line.strip() for line in block.splitlines()))


def truncate_output(output, keep: int = OUTPUT_LINES):
    """A copy of a stream or plain-text output cut to ``keep`` lines, saying how many more the
    notebook shows; other outputs unchanged."""
    if output.output_type == "stream":
        lines = output.text.splitlines()
        if len(lines) > keep + 1:
            output = copy.deepcopy(output)
            output.text = (
                "\n".join(lines[:keep]) + f"\n… {len(lines) - keep} more lines in the notebook\n"
            )
    return output


def _can_cut(lines: list[str], at: int) -> bool:
    """Whether a run of code may end before ``lines[at]``: after a blank line, or before an
    unindented line that does not close a bracket."""
    return not lines[at - 1].strip() or lines[at][:1] not in (" ", "\t", ")", "]", "}", "")


def code_chunks(lines: list[str], most: int = CODE_LINES) -> list[list[str]]:
    """Consecutive runs of code lines, each at most ``most`` lines once wrapped, cut after a blank
    line or before an unindented line where one falls in the second half of a run."""
    chunks: list[list[str]] = []
    start = 0
    while start < len(lines):
        end, used = start, 0
        while end < len(lines) and used + _wrapped(lines[end], CODE_CHARS_PER_LINE) <= most:
            used += _wrapped(lines[end], CODE_CHARS_PER_LINE)
            end += 1
        end = max(end, start + 1)
        if end < len(lines):
            for cut in range(end, start + (end - start) // 2, -1):
                if _can_cut(lines, cut):
                    end = cut
                    break
        chunks.append(lines[start:end])
        start = end
    if len(chunks) >= 2 and len(chunks[-1]) < most // 3:  # no stray last lines on their own
        pair = chunks[-2] + chunks[-1]
        half = len(pair) // 2
        cut = next(
            (
                c
                for c in sorted(range(half // 2, len(pair)), key=lambda c: abs(c - half))
                if _can_cut(pair, c)
            ),
            half,
        )
        chunks[-2:] = [pair[:cut], pair[cut:]]
    return chunks or [[]]


def list_items(block: str) -> list[str]:
    """The top-level items of a markdown list block, each as its own source text."""
    items: list[list[str]] = []
    for line in block.splitlines():
        if _ITEM.match(line) and not line[:1].isspace() or not items:
            items.append([])
        items[-1].append(line)
    return ["\n".join(item) for item in items]


class Piece:
    """One thing on a slide: a cell (or part of one), its estimated height and its role."""

    def __init__(
        self,
        cell,
        height: float,
        *,
        starts: str | None = None,
        sticky: bool = False,
        fragment: bool = False,
        notes: str | None = None,
    ):
        self.cell, self.height, self.starts = cell, height, starts
        self.sticky, self.fragment, self.notes = sticky, fragment, notes
        self.code_of: str | None = None  # the cell id, for a run of a code cell's source


def _new_id(cell, k: int) -> str:
    return f"{cell.get('id', 'cell')}-s{k}"


def pieces_of(cell, starts: str | None) -> list[Piece]:
    """Cut one notebook cell into the pieces a deck shows."""
    tags = nbtools.cell_tags(cell)
    fragment = "solution" in tags
    out: list[Piece] = []
    if cell.cell_type == "markdown":
        blocks = markdown_blocks(cell.source)
        shown = [shorten_block(b) for b in blocks]
        notes = cell.source if shown != blocks else None
        # a list too tall for half a slide is cut between its items
        shown = [
            part
            for b in shown
            for part in (
                list_items(b) if _ITEM.match(b) and markdown_height(b) > BUDGET / 2 else [b]
            )
        ]
        for k, block in enumerate(shown):
            piece_cell = nbformat.v4.new_markdown_cell(block)
            piece_cell["id"] = _new_id(cell, k)
            piece_cell.metadata = copy.deepcopy(cell.metadata)
            heading = bool(HEADING_RE.match(block.lstrip()))
            out.append(Piece(piece_cell, markdown_height(block), sticky=heading))
        if notes:
            out[0].notes = notes
    elif cell.cell_type == "code":
        chunks = code_chunks(cell.source.splitlines())
        for k, chunk in enumerate(chunks):
            piece_cell = nbformat.v4.new_code_cell("\n".join(chunk))
            piece_cell["id"] = _new_id(cell, k)
            piece_cell.metadata = copy.deepcopy(cell.metadata)
            piece_cell.execution_count = cell.get("execution_count")
            out.append(Piece(piece_cell, code_height(piece_cell.source), fragment=fragment))
            out[-1].code_of = cell.get("id", "cell")
        for k, output in enumerate(cell.get("outputs", [])):
            if output.output_type == "stream" and output.name == "stderr":
                continue
            piece_cell = nbformat.v4.new_code_cell("")
            piece_cell["id"] = _new_id(cell, len(chunks) + k)
            piece_cell.metadata = copy.deepcopy(cell.metadata)
            piece_cell.metadata.setdefault("tags", [])
            piece_cell.metadata["tags"] = [*piece_cell.metadata["tags"], OUTPUT_ONLY]
            piece_cell.outputs = [truncate_output(output)]
            out.append(Piece(piece_cell, output_height(piece_cell.outputs[0]), fragment=fragment))
    else:  # raw cells are not shown
        return []
    if out:
        out[0].starts = starts
    return out


def cell_start(cell, previous: str | None) -> str | None:
    """Where a cell starts: "slide" (level-1/2 heading), "subslide" (level-3 heading, an exercise,
    prose after code) or None (continues the current sub-slide)."""
    if cell.cell_type == "markdown":
        first = HEADING_RE.match(cell.source)
        if first and len(first.group(1)) <= 2:
            return "slide"
        if first or cell.source.lstrip().startswith("**Exercise"):
            return "subslide"
        if previous == "code":
            return "subslide"
    return None


def layout(nb, budget: float = BUDGET):
    """A copy of ``nb`` laid out as slides: cells cut into pieces, packed into sub-slides of at
    most ``budget`` estimated height, with slideshow metadata that nbconvert's reveal exporter
    reads, and speaker notes after the pieces they belong to."""
    pieces: list[Piece] = []
    previous = None
    for cell in nb.cells:
        chosen = cell.metadata.get("slideshow", {}).get("slide_type")  # an author's choice wins
        if chosen == "skip":
            continue
        if chosen == "notes":
            if pieces:
                pieces[-1].notes = "\n\n".join(filter(None, [pieces[-1].notes, cell.source]))
            continue
        start = chosen if chosen in ("slide", "subslide") else cell_start(cell, previous)
        pieces += pieces_of(cell, start)
        previous = cell.cell_type
    if not pieces:
        raise ValueError("the notebook has nothing to show on slides")
    pieces[0].starts = "slide"

    cells, used, pending_notes, last_code_of = [], 0.0, [], None
    for i, piece in enumerate(pieces):
        glue = piece.height
        j = i
        while pieces[j].sticky and j + 1 < len(pieces) and pieces[j + 1].starts is None:
            j += 1
            glue += pieces[j].height  # a heading goes with what follows it
        kind = piece.starts
        if kind is None and used > 0 and used + glue > budget:
            kind = "subslide"
        if kind is not None:
            cells += _notes_cells(pending_notes)
            pending_notes = []
            used = 0.0
        used += piece.height
        if kind is None and piece.code_of is not None and piece.code_of == last_code_of:
            cells[-1].source += "\n" + piece.cell.source  # runs of one cell on one slide: one block
            continue
        last_code_of = piece.code_of
        if piece.fragment:
            kind = kind or "fragment"
            if kind != "fragment":
                piece.cell.metadata["slideshow"] = {"slide_type": kind}
                cells.append(piece.cell)
                # nbconvert has no "new sub-slide that is also a fragment": show it at once
                continue
        piece.cell.metadata["slideshow"] = {"slide_type": kind or "-"}
        cells.append(piece.cell)
        if piece.notes:
            pending_notes.append(piece.notes)
    cells += _notes_cells(pending_notes)
    laid_out = copy.deepcopy(nb)
    laid_out.cells = cells
    return laid_out


def _notes_cells(notes: list[str]) -> list:
    if not notes:
        return []
    cell = nbformat.v4.new_markdown_cell("\n\n".join(notes))
    cell.metadata["slideshow"] = {"slide_type": "notes"}
    cell["id"] = "notes-" + hashlib.sha1(cell.source.encode()).hexdigest()[:12]
    return [cell]


# ---------------------------------------------------------------------------- the deck's template

CSS = f"""
<style type="text/css">
/* d2lnotes slides: no In/Out prompts (their width is better spent on code), code and output wrap
   instead of running off the slide, figures at most {FIGURE_HEIGHT}px tall. */
:root {{ --jp-cell-prompt-width: 0px; --jp-code-font-size: 16px; --jp-content-font-size1: 20px; }}
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt {{ display: none; }}
.reveal pre {{ white-space: pre-wrap; overflow-wrap: anywhere; }}
.reveal div.highlight > pre,
.reveal div.jp-OutputArea-output > pre {{ font-size: 16px; width: 100%; }}
.reveal .jp-RenderedImage img, .reveal section img {{
  max-height: {FIGURE_HEIGHT}px; max-width: 100%; width: auto; height: auto; }}
.reveal .jp-RenderedHTMLCommon table {{ font-size: 16px; }}
.reveal .slides section {{ padding: 0; }}
</style>
"""

FIT_JS = f"""
<script>
require({{waitSeconds: 15}},
  ["{{{{ reveal_url_prefix }}}}/dist/reveal.js",
   "{{{{ reveal_url_prefix }}}}/plugin/notes/notes.js"],
  function (Reveal, RevealNotes) {{
    window.Reveal = Reveal;  // for the browser tests and the console
    Reveal.initialize({{
      controls: true, progress: true, history: true, center: true,
      transition: "{{{{ reveal_transition }}}}", slideNumber: "{{{{ reveal_number }}}}",
      plugins: [RevealNotes], width: {WIDTH}, height: {HEIGHT},
    }});
    // The build keeps every slide's estimated content under its height; a slide that is still
    // taller (an estimate was off) is shrunk to fit, down to {MIN_FIT_SCALE} (the browser tests
    // fail below that).  The scale is kept in data-fit-scale.
    function fit(slide) {{
      if (!slide) return;
      slide.style.zoom = "";
      var tall = slide.scrollHeight;
      var scale = tall > {HEIGHT} ? Math.max({MIN_FIT_SCALE}, {HEIGHT} / tall) : 1;
      if (scale < 1) slide.style.zoom = scale;
      slide.dataset.fitScale = scale.toFixed(3);
      Reveal.layout();
    }}
    function refresh() {{
      var slide = Reveal.getCurrentSlide();
      if (window.MathJax && MathJax.Hub) {{
        if (MathJax.Hub.getAllJax(slide).length) MathJax.Hub.Rerender(slide);
        MathJax.Hub.Queue(function () {{ fit(slide); }});
      }} else {{
        fit(slide);
      }}
    }}
    // the browser tests call this after each step: it resolves once the slide is typeset and fitted
    window.d2lnotesFit = function () {{
      return new Promise(function (resolve) {{
        MathJax.Hub.Queue(function () {{ fit(Reveal.getCurrentSlide()); resolve(); }});
      }});
    }};
    Reveal.on("ready", refresh);
    Reveal.on("slidechanged", refresh);
  }});
</script>
"""

TEMPLATE = (
    "{%- extends 'reveal/index.html.j2' -%}\n"
    "{#- nbconvert's reveal template imports mermaid from a CDN; no notebook uses it. -#}\n"
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
    "{%- block html_head_css -%}" + CSS + "{%- endblock html_head_css -%}\n"
    "{%- block footer_js -%}" + FIT_JS + "{%- endblock footer_js -%}\n"
)
