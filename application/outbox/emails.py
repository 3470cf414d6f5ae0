"""What an e-mail says: one template per message, in plain text and HTML.

A message template (``templates/<type>.md``, e.g. ``case.scoping_requested.md``; a type
with no template of its own reads ``message.md``) is Markdown with Jinja2 placeholders,
read through the tracker's one template set-up (``application/templating.py``: sandboxed,
strict, a partnership's own folder first -- ``messages/<type>.md`` in the folder its
``templates`` setting names). Its first line is ``Subject: ...``; the rest is the body.

The plain-text part is the template rendered with the values as they are (Markdown reads
as text); the HTML part is the same template rendered with every value escaped for
Markdown, then turned into HTML by markdown-it-py (raw HTML in a template or a value is
shown as text, never run). Line breaks are kept in both. Links are written ``<url>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt

from application.templating import environment, markdown_text

TEMPLATES = Path(__file__).resolve().parent / "templates"
FALLBACK = "message"
_HTML = MarkdownIt("commonmark", {"html": False, "breaks": True})


class Link(str):
    """A URL made by the tracker: put into a template as it is (never escaped)."""


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def day(d: date) -> str:
    """``Mon 11 Jan 2027``."""
    return f"{d:%a} {d.day} {d:%b %Y}"


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return day(value)
    return str(value)


def _escaped(value: Any) -> Any:
    if isinstance(value, Link):
        return value
    if isinstance(value, str):
        return markdown_text(value)
    if isinstance(value, date):
        return markdown_text(day(value))
    if isinstance(value, Mapping):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_escaped(v) for v in value]
    return value


class MessageTemplates:
    """The message templates, each partnership's folder first (environments cached)."""

    def __init__(self) -> None:
        self._envs: dict[Path | None, SandboxedEnvironment] = {}

    def _env(self, folder: Path | None) -> SandboxedEnvironment:
        if folder not in self._envs:
            own = folder / "messages" if folder is not None else None
            self._envs[folder] = environment([TEMPLATES], own, finalize=_shown)
        return self._envs[folder]

    def render(self, folder: Path | None, event_type: str, fields: Mapping[str, Any]) -> Email:
        env = self._env(folder)
        try:
            template = env.get_template(f"{event_type}.md")
        except TemplateNotFound:
            template = env.get_template(f"{FALLBACK}.md")
        subject, text = _split(template.render(**fields))
        _, markdown = _split(template.render(**_escaped(fields)))
        html = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{_HTML.renderInline(markdown_text(subject))}</title></head>\n"
            f"<body>\n{_HTML.render(markdown)}</body></html>\n"
        )
        return Email(subject=subject, text=text, html=html)


def _split(rendered: str) -> tuple[str, str]:
    first, _, rest = rendered.lstrip("\n").partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError("a message template begins with a 'Subject: ...' line")
    return " ".join(first.removeprefix("Subject:").split()), rest.strip("\n") + "\n"
