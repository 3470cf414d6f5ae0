"""Templates: Markdown with Jinja2 placeholders, one file per document, carrying the seed's
wording; a partnership's own folder of templates (``templates`` in config/partnerships.toml)
replaces any of them by name.

A template is rendered by Jinja2 (sandboxed: a template cannot reach into Python) with the
document's fields, then read as CommonMark with tables (markdown-it-py) into the blocks of
``layout.py``. Every text among the fields is escaped before the template sees it, so a
name or a free-text answer is always text: no ``*``, ``|``, ``#`` or ``1.`` in it can change
the document's structure, and its line breaks stay line breaks (inside a table cell too).
Dates are written out (``11 January 2027``), yes/no as ``Yes``/``No``; ``tick(...)`` is a
tick box; the filters ``lines`` set values one per line and ``below`` puts a value on a
line of its own after its label (nothing when it is empty).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from application.templating import environment, markdown_text
from documents.layout import (
    LINE_BREAK,
    Block,
    Heading,
    Inline,
    ListBlock,
    PageBreak,
    Paragraph,
    Run,
    Table,
    long_date,
)

FEATURES = Path(__file__).resolve().parent
_SEPARATOR = "\u2028"  # a value's line break, kept as text by the Markdown reader
TICKED, UNTICKED = "\u2612", "\u2610"  # ☒ ☐


class Raw(str):
    """Text that is already template markup (escaped, or a tick box): put in as it is."""


def escape(value: str) -> Raw:
    """Text as template markup that reads as the same text: markup characters escaped,
    line breaks kept as breaks."""
    if isinstance(value, Raw):
        return value
    text = value.strip().replace("\r\n", "\n").replace("\r", "\n")
    return Raw(_SEPARATOR.join(markdown_text(line.strip()) for line in text.split("\n")))


def prepared(value: Any) -> Any:
    """The fields as a template reads them: every text escaped, every date written out;
    mappings and lists through, yes/no and numbers kept for the template's conditions."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, date):
        return Raw(long_date(value))
    if isinstance(value, Mapping):
        return {str(k): prepared(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [prepared(v) for v in value]
    return value


def shown(value: Any) -> str:
    """What ``{{ value }}`` prints (Jinja's ``finalize``): nothing for none, Yes/No."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return long_date(value)
    return str(value)


def tick(on: bool | None) -> Raw:
    """A tick box: ticked, or empty (also when not yet recorded)."""
    return Raw(TICKED if on else UNTICKED)


def below(value: Any, prefix: str = "") -> Raw:
    """``value`` on a line of its own after what precedes it (nothing when empty)."""
    text = shown(value)
    # the space lets a label's closing ``**`` end its bold (CommonMark's flanking rule)
    return Raw(f" {_SEPARATOR}{prefix}{text}" if text else "")


def lines(values: Sequence[Any]) -> Raw:
    """Values one per line (empty ones left out), in a paragraph or a table's cell."""
    return Raw(_SEPARATOR.join(shown(v) for v in values if shown(v)))


class Templates:
    """The templates of the documents: a partnership's folder first (when configured), then
    the built-in ones beside each feature (documents/<feature>/<name>.md)."""

    def __init__(self, override: Path | None = None) -> None:
        builtin = sorted(p for p in FEATURES.iterdir() if p.is_dir() and p.name[0] != "_")
        self.env = environment(builtin, override, finalize=shown)
        self.env.globals.update(tick=tick)
        self.env.filters.update(lines=lines, below=below)

    def render(self, name: str, fields: Mapping[str, Any]) -> list[Block]:
        """The blocks of template ``name`` (e.g. ``scoping_letter.md``) with ``fields``."""
        return blocks(self.env.get_template(name).render(**prepared(fields)))


_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def blocks(source: str) -> list[Block]:
    """CommonMark (with tables) as layout blocks; ``---`` is a page break."""
    found: list[Block] = []
    tokens = _MARKDOWN.parse(source)
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            found.append(Heading(int(t.tag[1]), inline(tokens[i + 1])))
            i += 3
        elif t.type == "paragraph_open":
            found.append(Paragraph(inline(tokens[i + 1])))
            i += 3
        elif t.type in ("bullet_list_open", "ordered_list_open"):
            i, block = _list(tokens, i)
            found.append(block)
        elif t.type == "table_open":
            i, table = _table(tokens, i)
            found.append(table)
        elif t.type == "hr":
            found.append(PageBreak())
            i += 1
        else:
            i += 1
    return found


def inline(token: Token) -> Inline:
    """The runs of an inline token: bold and italic kept, line breaks as breaks."""
    runs: list[Run] = []
    bold = italic = 0
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            for j, piece in enumerate(child.content.split(_SEPARATOR)):
                if j:
                    runs.append(Run(LINE_BREAK))
                    piece = piece.lstrip(" ")
                if piece:
                    runs.append(Run(piece, bold=bold > 0, italic=italic > 0))
        elif kind in ("strong_open", "strong_close"):
            bold += 1 if kind == "strong_open" else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind == "em_open" else -1
        elif kind == "hardbreak":
            runs.append(Run(LINE_BREAK))
        elif kind == "softbreak":
            runs.append(Run(" ", bold=bold > 0, italic=italic > 0))
        elif kind == "code_inline":
            runs.append(Run(child.content))
    return _merged(runs)


def _merged(runs: Sequence[Run]) -> Inline:
    """Adjacent runs of the same style as one (a renderer lays out fewer pieces)."""
    merged: list[Run] = []
    for r in runs:
        last = merged[-1] if merged else None
        if (
            last is not None
            and LINE_BREAK not in (last.text, r.text)
            and (last.bold, last.italic) == (r.bold, r.italic)
        ):
            merged[-1] = Run(last.text + r.text, r.bold, r.italic)
        else:
            merged.append(r)
    return tuple(merged)


def _list(tokens: list[Token], i: int) -> tuple[int, ListBlock]:
    opening = tokens[i]
    close = opening.type.replace("_open", "_close")
    items: list[Inline] = []
    depth = 0
    i += 1
    current: list[Run] = []
    while not (tokens[i].type == close and depth == 0):
        t = tokens[i]
        if t.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif t.type == "list_item_open" and depth == 0:
            current = []
        elif t.type == "list_item_close" and depth == 0:
            items.append(_merged(current))
        elif t.type == "inline":
            if current:
                current.append(Run(LINE_BREAK))
            current.extend(inline(t))
        i += 1
    start = int(str(opening.attrs.get("start", 1))) if opening.type == "ordered_list_open" else 1
    return i + 1, ListBlock(tuple(items), ordered=opening.type == "ordered_list_open", start=start)


def _table(tokens: list[Token], i: int) -> tuple[int, Table]:
    header: list[Inline] = []
    rows: list[tuple[Inline, ...]] = []
    row: list[Inline] = []
    in_head = False
    while tokens[i].type != "table_close":
        t = tokens[i]
        if t.type == "thead_open":
            in_head = True
        elif t.type == "thead_close":
            in_head = False
        elif t.type == "tr_open":
            row = []
        elif t.type == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(tuple(row))
        elif t.type == "inline":
            row.append(inline(t))
        i += 1
    return i + 1, Table(tuple(header), rows)
