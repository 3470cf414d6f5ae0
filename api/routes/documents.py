"""The documents: a case's (scoping pack, rapid review report, letter to the Panel) at any
version, the tracker report of a partnership as at a day, and exports of the read models.

Thin: each route reads its parameters, picks the format (``format=`` or ``Accept``) and
hands over to ``documents.service.Documents``, which decides who may have what, writes the
access log and renders. Large answers stream.
"""

# No "from __future__ import annotations": FastAPI reads these annotations at runtime.
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response, StreamingResponse

from api.deps import CurrentPrincipal
from api.routes.commands import ERRORS
from api.routes.read_models import After, AfterHeader
from documents.exports import MODELS, NAMES
from documents.formats import MEDIA_TYPES, Format, negotiate
from documents.output import Rendered
from documents.service import (
    CASE_FORMATS,
    EXPORT_FORMATS,
    REPORT_FORMATS,
    Asked,
    Documents,
    Kind,
)

router = APIRouter(
    prefix="/api/v1",
    responses={**ERRORS, 406: {"description": "no format of the Accept header is offered"}},
    tags=["documents"],
)


async def get_documents(request: Request) -> Documents:
    documents: Documents = request.app.state.documents
    return documents


DocumentsDep = Annotated[Documents, Depends(get_documents)]
FormatQuery = Annotated[
    str | None, Query(description="pdf, docx, xlsx or csv (else the Accept header)")
]
AcceptHeader = Annotated[str | None, Header(include_in_schema=False)]


def _content(formats: tuple[Format, ...]) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {MEDIA_TYPES[f].split(";")[0]: {} for f in formats}}}


def answer(rendered: Rendered) -> Response:
    """The rendered bytes, named for saving, with what they reflect in headers."""
    headers = {"Content-Disposition": f'attachment; filename="{rendered.filename}"'}
    stamp = rendered.stamp
    if stamp is not None:
        if stamp.version is not None:
            headers["X-Document-Version"] = str(stamp.version)
        headers["X-Document-Position"] = str(stamp.position)
        headers["X-Document-Event-Hash"] = stamp.event_hash
    if rendered.size is not None:
        headers["Content-Length"] = str(rendered.size)
    return StreamingResponse(iter(rendered.chunks), media_type=rendered.media_type, headers=headers)


@router.get(
    "/cases/{case_id}/documents/{kind}",
    operation_id="get_case_document",
    summary="A case's document at its current version or any earlier one (PDF or DOCX)",
    description=(
        "`scoping-pack` (seed 001 appendices ii-iii, for `agency=`; an agency gets its "
        "own), `rapid-review-report` (appendix iv), `panel-letter` (appendix v). "
        "`version=N` or `at=<instant>` renders the case as it stood then; the same version "
        "gives the same bytes. The headers `X-Document-Version`, `X-Document-Position` and "
        "`X-Document-Event-Hash` say what it reflects. Reads of personal data are logged."
    ),
    response_class=Response,
    responses=_content(CASE_FORMATS),
)
def case_document(
    case_id: UUID,
    kind: Kind,
    principal: CurrentPrincipal,
    documents: DocumentsDep,
    request: Request,
    agency: str | None = None,
    version: Annotated[int | None, Query(ge=1)] = None,
    at: datetime | None = None,
    format: FormatQuery = None,
    accept: AcceptHeader = None,
) -> Response:
    fmt = negotiate(format, accept, CASE_FORMATS)
    asked = Asked(
        principal, request.state.request_id, f"GET /api/v1/cases/{{id}}/documents/{kind.value}"
    )
    return answer(
        documents.case_document(asked, case_id, kind, fmt, agency=agency, version=version, at=at)
    )


@router.get(
    "/reports/tracker",
    operation_id="get_tracker_report",
    summary="The tracker report of a partnership as at a day (PDF or XLSX)",
    description="Every open case and review, overdue clocks and actions (seed 004 §6.1); "
    "for partnership staff, partners and the scrutineer.",
    response_class=Response,
    responses=_content(REPORT_FORMATS),
)
def tracker_report(
    principal: CurrentPrincipal,
    documents: DocumentsDep,
    request: Request,
    partnership: str | None = None,
    on: date | None = None,
    format: FormatQuery = None,
    accept: AcceptHeader = None,
    after: After = None,
    after_header: AfterHeader = None,
) -> Response:
    fmt = negotiate(format, accept, REPORT_FORMATS)
    asked = Asked(principal, request.state.request_id, "GET /api/v1/reports/tracker")
    return answer(
        documents.tracker_report(asked, partnership, on, fmt, after=after or after_header)
    )


_FILTERS = "; ".join(f"`{name}`: {', '.join(sorted(m.filters))}" for name, m in MODELS.items())


@router.get(
    "/exports/{model}",
    operation_id="export_read_model",
    summary="An export of a read model (CSV or XLSX), with the GraphQL field's filters",
    description=(
        f"`model` is one of {', '.join(NAMES)}. Filters, as query parameters (repeat a "
        f"list filter; dates YYYY-MM-DD; true/false): {_FILTERS}; `statistics`: "
        "received_from, received_to, period, by_partnership. `order_by` and `direction` "
        "(asc, desc) where GraphQL has them. An analyst's export is pseudonymised, its "
        "small counts suppressed. Streams: a large export is never built in memory."
    ),
    response_class=Response,
    responses=_content(EXPORT_FORMATS),
)
def export(
    model: str,
    principal: CurrentPrincipal,
    documents: DocumentsDep,
    request: Request,
    partnership: str | None = None,
    format: FormatQuery = None,
    accept: AcceptHeader = None,
    after: After = None,
    after_header: AfterHeader = None,
) -> Response:
    fmt = negotiate(format, accept, EXPORT_FORMATS)
    asked = Asked(principal, request.state.request_id, "GET /api/v1/exports/{model}")
    params = [(k, v) for k, v in request.query_params.multi_items()]
    return answer(
        documents.export(
            asked, model, fmt, params, partnership=partnership, after=after or after_header
        )
    )
