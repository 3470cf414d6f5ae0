"""The OpenAPI document's ``webhooks`` section: one entry per event type the tracker posts
(``application/notifications.py:EVENT_TYPES``), each with the body it is posted with and
the data fields that type carries (``application/outbox/facts.py``: what names no one).
Generated from the domain's events, so a new event is documented when it is added."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.utils import resolve_topic
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from application.notifications import CHECKPOINT_TYPE, EVENT_TYPES, NOTICE_TYPES
from application.outbox.facts import SAFE_FIELDS

SIGNED = (
    "Signed as Standard Webhooks (https://www.standardwebhooks.com): headers `webhook-id` "
    "(the same on every attempt), `webhook-timestamp` and `webhook-signature` "
    "(`v1,<base64 HMAC-SHA256>` of `{id}.{timestamp}.{body}` keyed with the subscription's "
    "`whsec_` secret). Verify with the `standardwebhooks` package: "
    "`Webhook(secret).verify(body, headers)`. Answer 2xx; anything else is retried."
)


class WebhookData(BaseModel):
    """What every event's data holds; each type adds the fields its description lists."""

    model_config = ConfigDict(extra="allow")

    aggregate: str = Field(description="case or review")
    stream_id: str
    version: int
    position: int = Field(description="the event's log position: catch up from it (since=)")
    reference: str = Field(examples=["LEW-2026-0001"])
    partnership: str
    on: str = Field(description="the effective date (Europe/London), YYYY-MM-DD")
    recorded_at: datetime
    link: str = Field(description="the case or review in the REST API (needs a key)")


class WebhookBody(BaseModel):
    """The body of every webhook (Standard Webhooks' payload shape)."""

    type: str = Field(examples=["case.scoping_requested"])
    timestamp: datetime = Field(description="when the event was recorded")
    data: WebhookData


def _fields(topic: str) -> list[str]:
    cls: Any = resolve_topic(topic)
    names: set[str] = set()
    for klass in cls.__mro__:
        names |= set(getattr(klass, "__annotations__", {}))
    return sorted(names & SAFE_FIELDS)


def webhooks_router() -> APIRouter:
    """An ``APIRouter`` for ``FastAPI.webhooks``: a POST per event type."""
    router = APIRouter()
    for topic, event_type in EVENT_TYPES.items():
        fields = _fields(topic)
        if event_type in NOTICE_TYPES and "agency" not in fields:
            fields.append("agency")
        extra = ", ".join(f"`{f}`" for f in fields) or "none"

        def receive(body: WebhookBody) -> None:
            """A receiver's endpoint (documentation only)."""

        router.add_api_route(
            event_type,
            receive,
            methods=["POST"],
            summary=f"{event_type}",
            description=f"Data fields beyond the common ones: {extra}. An agency's "
            "subscription gets its own agency's fields only. " + SIGNED,
            operation_id=f"webhook_{event_type.replace('.', '_')}",
            tags=["webhooks"],
        )

    def checkpoint(body: WebhookBody) -> None:
        """A receiver's endpoint (documentation only)."""

    router.add_api_route(
        CHECKPOINT_TYPE,
        checkpoint,
        methods=["POST"],
        summary=CHECKPOINT_TYPE,
        description="A signed checkpoint of the verifiable log (README: The verifiable log). "
        "Data: `size`, `root` (base64), `time`, `note` (the C2SP signed note; keep it, and "
        "`tracker verify --checkpoint FILE` proves nothing before it changed). " + SIGNED,
        operation_id="webhook_log_checkpoint_signed",
        tags=["webhooks"],
    )
    return router
