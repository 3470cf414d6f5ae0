"""Enums more than one feature's types use: the domain's clocks and kinds, a case's status."""

from __future__ import annotations

from enum import Enum

import strawberry

from domain.clocks import ClockName, ClockStatus
from domain.values import CaseKind

ClockKind = strawberry.enum(ClockName, name="ClockName", description="A statutory clock")
ClockState = strawberry.enum(ClockStatus, name="ClockStatus")
CaseKindEnum = strawberry.enum(CaseKind, name="CaseKind")


@strawberry.enum(description="Whether the case is still being worked")
class CaseStatus(Enum):
    OPEN = "open"
    CLOSED = "closed"
