"""The table of acts in the README, made from the declarations: who may perform each act, on
whose behalf, and where (tests/unit/application/test_acts.py fails while the README's copy
differs)."""

from __future__ import annotations

from application.acts import ACTS, Act, Creation
from domain.values import Role

BEGIN = "<!-- acts: made by `python -m application.acts README.md`; do not edit by hand -->"
END = "<!-- /acts -->"


def _path(act: type[Act]) -> str:
    if issubclass(act, Creation):
        return f"`POST {act.path}`"
    return f"`POST /{act.collection}/{{id}}/{act.path}`"


def _who(act: type[Act]) -> str:
    who = ", ".join(sorted(r.value for r in act.roles))
    if act.acting_for is not None:
        acting = "an agency" if Role.AGENCY in act.roles else "a partner"
        who += f"; {acting} only as its own `{act.acting_for}`"
    return who


def role_table() -> str:
    """Every act: its name, REST path (under /api/v1), the roles that may perform it and
    what it records."""
    rows = [
        "| act | REST (under `/api/v1`) | who may | what it records |",
        "|---|---|---|---|",
    ]
    for act in ACTS:
        what = act.describe().replace("``", "`")
        rows.append(f"| `{act.act_name}` | {_path(act)} | {_who(act)} | {what} |")
    return "\n".join(rows) + "\n"


def replace_table(readme: str) -> str:
    """``readme`` with the text between the markers replaced by the current table."""
    head, begin, rest = readme.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"the README has no {BEGIN!r} ... {END!r} block")
    return f"{head}{BEGIN}\n{role_table()}{END}{tail}"
