"""The pages' Jinja2 templates (``web/templates/``, autoescaped) and the filters they share:
dates as GOV.UK writes them, the process's names in words."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from domain.base import LONDON

TEMPLATES = Path(__file__).parent / "templates"

# words for the names the read models use, where the name alone would not do
_WORDS = {
    "icb": "ICB",
    "sos_ofsted_notification": "Secretary of State and Ofsted notified",
    "met_late": "Met late",
    "cspr": "CSPR",
    "lfp": "Learning from Practice",
}


def words(name: object) -> str:
    """``PANEL_NOTIFICATION`` or ``panel_notification`` as "Panel notification"."""
    if name is None or name == "":
        return ""
    text = str(name).lower()
    if text in _WORDS:
        return _WORDS[text]
    said = text.replace("_", " ")
    return said[:1].upper() + said[1:]


def day(value: object) -> str:
    """An ISO date (or a date) as "14 January 2027"; empty for none."""
    if value is None or value == "":
        return ""
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{d.day} {d:%B %Y}"


def instant(value: object) -> str:
    """An ISO instant as London time, "14 January 2027, 09:30"."""
    if value is None or value == "":
        return ""
    t = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    local = t.astimezone(LONDON)
    return f"{local.day} {local:%B %Y, %H:%M}"


def count(value: dict[str, Any] | None) -> str:
    """A statistics count (``{value, suppressed}``) as text: suppressed ones say so."""
    if value is None:
        return ""
    if value.get("suppressed"):
        return "fewer than 5"
    return str(value.get("value") or 0)


templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.filters.update(words=words, day=day, instant=instant, count=count)


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers["Cache-Control"] = "no-store"  # pages hold case data: never cached
    return response
