"""Webhook subscriptions and the state of the outbox's deliveries.

- ``POST /api/v1/webhook-subscriptions`` (agency or partnership role): subscribe a URL to
  the partnership's events (every type, or the ``event_types`` named); a partnership's
  staff may name one ``agency`` (only the cases that agency takes part in, and the clocks it
  is responsible for), an agency system always gets its own. Analysts, partners,
  scrutineers and admins may not subscribe (403).
  The answer carries the signing ``secret`` -- shown this once (and again to a retry with
  the same ``Idempotency-Key``; the same key with another body is refused). A URL that is
  not http(s) is refused (422 ``invalid_webhook_url``) and nothing is recorded.
- ``GET /api/v1/webhook-subscriptions``: the caller's (no secrets).
- ``GET /api/v1/webhook-subscriptions/{id}/events?since=<position>``: what the subscription
  was sent (or is still to be sent) for the events after that log position, in the order of
  the log, each with its ``webhook-id`` and the body exactly as posted: a receiver that was
  down catches up from the last position it processed, without gaps.
- ``DELETE /api/v1/webhook-subscriptions/{id}``: revoke; nothing more goes to it and what
  was waiting for it is cancelled. Another's subscription is "not found".
- ``GET /api/v1/deliveries?status=&after=&limit=`` (partnership and admin roles): the
  deliveries of the caller's partnerships in the order recorded -- status, attempts, last
  error, next attempt -- with the backlog by status; page on with ``after=next_after``.
  For the admin role (no case data) ``reference`` and ``stream_id`` are empty and
  ``version`` 0: the state of the outbox without the cases it is about.
"""

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response, status
from fastapi.openapi.models import Example
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api import problems
from api.deps import AppDep, Context, CurrentPrincipal
from api.routes.commands import ERRORS
from application.errors import NotPermittedError
from application.outbox import Delivery, Outbox
from application.service import Safeguarding
from application.webhooks import (
    MAX_AGENCY_LENGTH,
    MAX_URL_LENGTH,
    InvalidWebhookError,
    Subscription,
)
from domain.values import Role

router = APIRouter(prefix="/api/v1", responses=ERRORS, tags=["outbox"])

DELIVERY_READERS = frozenset({Role.PARTNERSHIP, Role.ADMIN})


class StatusFilter(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"
    UNADDRESSED = "unaddressed"
    FAILING = "failing"  # pending after a failed attempt


class SubscriptionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=MAX_URL_LENGTH, description="http(s) URL the notices are POSTed to")
    agency: str | None = Field(
        None,
        max_length=MAX_AGENCY_LENGTH,
        description="only the cases this agency takes part in and the clocks it is "
        "responsible for (partnership staff; an agency system always subscribes for its own "
        "agency)",
    )
    event_types: list[Annotated[str, Field(max_length=80)]] = Field(
        default_factory=list,
        max_length=100,
        description="only these event types (e.g. case.scoping_requested; case.* or "
        "review.* for all of one kind); empty: every type",
    )


class SubscriptionView(BaseModel):
    id: int
    partnership: str
    agency: str = Field(description='"" for every notice of the partnership')
    url: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None
    event_types: list[str] = Field(description="the types it takes; empty: every type")
    from_position: int = Field(description="it hears of the events after this log position")


class SubscriptionCreated(SubscriptionView):
    secret: str = Field(
        description="the whsec_ secret every delivery is signed with (webhook-signature, "
        "Standard Webhooks); shown only in this answer"
    )


class SentEvent(BaseModel):
    webhook_id: str = Field(description="the webhook-id header it was (or will be) sent with")
    position: int = Field(description="the event's log position")
    status: str
    body: dict[str, Any] = Field(description="the body as posted: type, timestamp, data")


class SentEvents(BaseModel):
    items: list[SentEvent]
    next_since: int | None = Field(description="pass as since= for more; null at the end")


class DeliveryView(BaseModel):
    id: int
    message_id: str = Field(description="X-Tracker-Delivery / Message-ID: the same each attempt")
    partnership: str
    kind: str
    channel: str
    recipient: str
    reference: str = Field(description="the case or review (empty for the admin role)")
    stream_id: str = Field(description="its id (empty for the admin role)")
    version: int = Field(description="the event's version in it (0 for the admin role)")
    status: str
    failing: bool
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    first_failed_at: datetime | None
    sent_at: datetime | None
    last_error: str


class DeliveryPage(BaseModel):
    items: list[DeliveryView]
    next_after: int | None = Field(description="pass as after= for the next page; null at the end")
    backlog: dict[str, int] = Field(description="the caller's partnerships' deliveries by status")


SUBSCRIPTION_EXAMPLES: dict[str, Example] = {
    "partnership": {
        "summary": "partnership staff: every notice of the partnership",
        "value": {"url": "https://case-system.example.org/tracker-notices"},
    },
    "one agency": {
        "summary": "partnership staff: the clocks one agency is responsible for",
        "value": {"url": "https://police.example.org/hooks", "agency": "Metropolitan Police"},
    },
}


def outbox_of(request: Request, safeguarding: Safeguarding) -> Outbox:
    outbox: Outbox | None = getattr(request.app.state, "outbox", None)
    if outbox is None or outbox.app is not safeguarding:
        outbox = Outbox(safeguarding)
        request.app.state.outbox = outbox
    return outbox


def _view(s: Subscription) -> SubscriptionView:
    return SubscriptionView(
        id=s.id,
        partnership=s.partnership,
        agency=s.agency,
        url=s.url,
        created_at=s.created_at,
        created_by=s.created_by,
        revoked_at=s.revoked_at,
        event_types=list(s.event_types),
        from_position=s.from_position,
    )


def _delivery(d: Delivery, *, cases: bool = True) -> DeliveryView:
    """A delivery as the caller may see it: without ``cases``, nothing names the case or
    review it is about (the admin role reads no case data, DESIGN §5)."""
    return DeliveryView(
        id=d.id,
        message_id=d.message_id,
        partnership=d.partnership,
        kind=d.kind,
        channel=d.channel,
        recipient=d.recipient,
        reference=d.reference if cases else "",
        stream_id=d.stream_id if cases else "",
        version=d.version if cases else 0,
        status=d.status,
        failing=d.failing,
        attempts=d.attempts,
        created_at=d.created_at,
        next_attempt_at=d.next_attempt_at,
        last_attempt_at=d.last_attempt_at,
        first_failed_at=d.first_failed_at,
        sent_at=d.sent_at,
        last_error=d.last_error,
    )


@router.post(
    "/webhook-subscriptions",
    operation_id="create_webhook_subscription",
    summary="Subscribe a URL to the partnership's events (Standard Webhooks)",
    status_code=status.HTTP_201_CREATED,
    response_model=SubscriptionCreated,
)
def subscribe(
    body: Annotated[SubscriptionRequest, Body(openapi_examples=SUBSCRIPTION_EXAMPLES)],
    ctx: Context,
    safeguarding: AppDep,
    request: Request,
    response: Response,
) -> SubscriptionCreated | JSONResponse:
    try:
        subscription, secret = outbox_of(request, safeguarding).webhooks.subscribe(
            ctx.principal,
            body.url,
            body.agency,
            idempotency_key=ctx.idempotency_key,
            event_types=body.event_types,
        )
    except InvalidWebhookError as e:
        return problems.problem(request, 422, e.code, e.message)
    response.headers["Location"] = f"/api/v1/webhook-subscriptions/{subscription.id}"
    return SubscriptionCreated(**_view(subscription).model_dump(), secret=secret)


@router.get(
    "/webhook-subscriptions",
    operation_id="list_webhook_subscriptions",
    summary="The caller's webhook subscriptions",
)
def list_subscriptions(
    principal: CurrentPrincipal, safeguarding: AppDep, request: Request
) -> list[SubscriptionView]:
    return [_view(s) for s in outbox_of(request, safeguarding).webhooks.subscriptions(principal)]


@router.get(
    "/webhook-subscriptions/{subscription_id}/events",
    operation_id="list_subscription_events",
    summary="What a subscription was sent after a log position, in order (to catch up)",
)
def subscription_events(
    subscription_id: int,
    principal: CurrentPrincipal,
    safeguarding: AppDep,
    request: Request,
    since: Annotated[int, Query(ge=0, description="the last log position processed")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> SentEvents:
    outbox = outbox_of(request, safeguarding)
    subscription = outbox.webhooks.own(principal, subscription_id)
    items = outbox.of_subscription(subscription.id, since=since, limit=limit)
    return SentEvents(
        items=[
            SentEvent(
                webhook_id=d.message_id,
                position=d.position,
                status=d.status,
                body=json.loads(d.payload),
            )
            for d in items
        ],
        next_since=items[-1].position if len(items) == limit else None,
    )


@router.delete(
    "/webhook-subscriptions/{subscription_id}",
    operation_id="revoke_webhook_subscription",
    summary="Revoke a webhook subscription",
)
def revoke_subscription(
    subscription_id: int, principal: CurrentPrincipal, safeguarding: AppDep, request: Request
) -> SubscriptionView:
    return _view(outbox_of(request, safeguarding).webhooks.revoke(principal, subscription_id))


@router.get(
    "/deliveries", operation_id="list_deliveries", summary="The outbox's deliveries and their state"
)
def deliveries(
    principal: CurrentPrincipal,
    safeguarding: AppDep,
    request: Request,
    status: Annotated[StatusFilter | None, Query(description="only this status")] = None,
    after: Annotated[int, Query(ge=0, description="the next_after of the previous page")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> DeliveryPage:
    if principal.role not in DELIVERY_READERS:
        raise NotPermittedError(f"the {principal.role.value} role does not read the outbox")
    outbox = outbox_of(request, safeguarding)
    items = outbox.deliveries(
        partnerships=principal.partnerships,
        status=status.value if status is not None else None,
        after_id=after,
        limit=limit,
    )
    return DeliveryPage(
        items=[_delivery(d, cases=principal.role is not Role.ADMIN) for d in items],
        next_after=items[-1].id if len(items) == limit else None,
        backlog=outbox.backlog(principal.partnerships),
    )
