"""Who is acting and through which request: the input every use case takes first."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.values import Role, Source


@dataclass(frozen=True)
class Principal:
    """An authenticated caller. ``agency`` is the agency an agency system speaks for, or
    the safeguarding partner (local_authority, police, icb) a partner speaks for."""

    id: str
    role: Role
    agency: str = ""
    partnerships: tuple[str, ...] = ()

    def may_see(self, partnership: str) -> bool:
        return partnership in self.partnerships


@dataclass(frozen=True)
class CommandContext:
    principal: Principal
    person: str = ""
    request_id: str = ""
    idempotency_key: str = ""
    expected_version: int | None = None
    source: Source = Source.API


@dataclass(frozen=True)
class CommandResult:
    """What every command answers: the id, the human reference, the version the
    aggregate reached and the log position of the command's last event."""

    id: UUID
    reference: str
    version: int
    position: int
    replayed: bool = False  # True when this is the first answer returned again
    action_id: str | None = None  # the action an act agreed or completed
