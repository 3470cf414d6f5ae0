"""The documents' use cases: who may have which document, in which format, and the access
log of every read of personal data (DESIGN §5, §6).

- A case's documents (the scoping pack, the rapid review report, the letter to the Panel)
  go to partnership staff, partners and scrutineers of its partnership; an agency gets
  only its own scoping pack; analysts and admins none (they hold personal data).
- The scoping pack and the rapid review report name the family: each is written to the
  access log before it is handed out, for every role, as ``GET /api/v1/cases/{id}`` does.
  A read that cannot be logged is not answered.
- The tracker report (tracker_report/) goes to partnership staff, partners and
  scrutineers; exports (exports.py) to every reader of the read models, an analyst's
  pseudonymised with small counts suppressed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from application.access import AccessLog, entry
from application.config import Partnership
from application.context import Principal
from application.errors import NotFoundError, NotPermittedError
from application.service import Safeguarding
from application.views import FULL_READERS
from documents.exports import export
from documents.formats import DocumentError, Format
from documents.layout import Document
from documents.markup import Templates
from documents.output import Rendered, in_memory
from documents.panel_letter.letter import panel_letter
from documents.rapid_review.report import rapid_review_report
from documents.record import CaseRecord, case_record
from documents.scoping.pack import scoping_pack
from documents.tracker_report.report import tracker_report
from domain.values import Role
from projections.engine import Projector

CASE_FORMATS = (Format.PDF, Format.DOCX)
REPORT_FORMATS = (Format.PDF, Format.XLSX)
EXPORT_FORMATS = (Format.CSV, Format.XLSX)
REPORT_READERS = FULL_READERS  # seed 004 §6.1: strategic partners and the scrutineer


class Kind(StrEnum):
    SCOPING_PACK = "scoping-pack"
    RAPID_REVIEW_REPORT = "rapid-review-report"
    PANEL_LETTER = "panel-letter"


# the personal data each document shows (the access log's ``fields``)
PERSONAL: dict[Kind, tuple[str, ...]] = {
    Kind.SCOPING_PACK: ("child", "family", "referral.outline", "scoping.answers"),
    Kind.RAPID_REVIEW_REPORT: ("child.name", "family", "referral.outline", "meeting"),
}


@dataclass(frozen=True)
class Asked:
    """Who asks, and through which request (what the access log records)."""

    principal: Principal
    request_id: str = ""
    operation: str = ""


class Documents:
    """The documents of the tracker, rendered when asked, never stored."""

    def __init__(
        self, app: Safeguarding, access_log: AccessLog, reader: Callable[[], Projector]
    ) -> None:
        self.app = app
        self.access_log = access_log
        self.reader = reader  # a projector with a connection of its own, closed after use
        self._templates: dict[str, Templates] = {}

    def templates(self, partnership: Partnership) -> Templates:
        found = self._templates.get(partnership.code)
        if found is None:
            found = self._templates[partnership.code] = Templates(partnership.templates)
        return found

    # --- a case's documents -----------------------------------------------------------

    def case_document(
        self,
        asked: Asked,
        case_id: UUID,
        kind: Kind,
        fmt: Format,
        *,
        agency: str | None = None,
        version: int | None = None,
        at: datetime | None = None,
    ) -> Rendered:
        """``kind`` of the case at ``version`` (or ``at``; default: now), as ``fmt``."""
        p = asked.principal
        if fmt not in CASE_FORMATS:
            raise DocumentError(422, "unsupported_format", f"{kind.value} is PDF or DOCX")
        if p.role is Role.AGENCY and kind is not Kind.SCOPING_PACK:
            raise NotPermittedError("an agency reads only its own scoping pack")
        if p.role is not Role.AGENCY and p.role not in FULL_READERS:
            raise NotPermittedError(
                f"the {p.role.value} role reads no case documents (they hold personal data)"
            )
        if version is not None and at is not None:
            raise DocumentError(422, "bad_argument", "give a version or an instant, not both")
        record = case_record(self.app, case_id, version=version, at=at)
        case = record.case
        if not p.may_see(case.partnership):
            raise NotFoundError(f"no case {case_id}")
        agency = self._agency(p, kind, record, agency)
        case.check_serious_incident()  # a practice-learning referral has no rapid review
        partnership = self.app.partnerships.get(case.partnership)
        document = self._document(kind, record, partnership, agency)
        content = in_memory(document, fmt, self.app.settings.document_fonts)
        if kind in PERSONAL:  # logged before it is handed out
            self.access_log.append(
                [
                    entry(
                        p,
                        at=self.app.clock(),
                        partnership=case.partnership,
                        case_id=str(case.id),
                        reference=case.reference,
                        fields=PERSONAL[kind],
                        request_id=asked.request_id,
                        operation=asked.operation or f"document {kind.value}",
                    )
                ]
            )
        name = "-".join(
            part for part in (case.reference, kind.value, _slug(agency), f"v{case.version}") if part
        )
        return Rendered(f"{name}.{fmt.value}", fmt, [content], record.stamp, len(content))

    def _agency(self, p: Principal, kind: Kind, record: CaseRecord, agency: str | None) -> str:
        """The agency whose scoping pack is asked for: an agency's own, always."""
        if kind is not Kind.SCOPING_PACK:
            return ""
        if p.role is Role.AGENCY:
            if agency is not None and agency.strip() != p.agency:
                raise NotPermittedError("an agency reads only its own scoping pack")
            if p.agency not in record.case.scoping:
                raise NotFoundError(f"no case {record.case.id}")
            return p.agency
        if not agency or not agency.strip():
            raise DocumentError(
                422, "agency_required", "name the agency whose scoping pack is wanted (agency=)"
            )
        return agency.strip()

    def _document(
        self, kind: Kind, record: CaseRecord, partnership: Partnership, agency: str
    ) -> Document:
        templates = self.templates(partnership)
        if kind is Kind.SCOPING_PACK:
            calendar = self.app.calendar_of(partnership.code)
            return scoping_pack(record, agency, partnership, templates, calendar)
        if kind is Kind.RAPID_REVIEW_REPORT:
            return rapid_review_report(record, partnership, templates)
        return panel_letter(record, partnership, self.app.partnerships.national_panel, templates)

    # --- the read models: the tracker report and exports ------------------------------------

    def tracker_report(
        self,
        asked: Asked,
        partnership: str | None,
        on: date | None,
        fmt: Format,
        *,
        after: int | None = None,
    ) -> Rendered:
        """The partnership's tracker report as at ``on`` (default: today)."""
        p = asked.principal
        if p.role not in REPORT_READERS:
            raise NotPermittedError(
                "the tracker report is for partnership staff, partners and the scrutineer"
            )
        if fmt not in REPORT_FORMATS:
            raise DocumentError(422, "unsupported_format", "the tracker report is PDF or XLSX")
        code = self._partnership(p, partnership)
        today = self.app.today()
        day = on or today
        if day > today:
            raise DocumentError(422, "bad_argument", f"{day} is in the future")
        found = self.app.partnerships.get(code)
        templates = self.templates(found)
        return tracker_report(self.app, self.reader, found, day, fmt, templates, after)

    def export(
        self,
        asked: Asked,
        model: str,
        fmt: Format,
        params: Sequence[tuple[str, str]],
        *,
        partnership: str | None = None,
        after: int | None = None,
        progress: Callable[[int], object] | None = None,
    ) -> Rendered:
        """An export of read model ``model`` filtered by ``params`` (as GraphQL filters)."""
        p = asked.principal
        if p.role not in (*FULL_READERS, Role.ANALYST):
            raise NotPermittedError(f"the {p.role.value} role does not read the read models")
        if fmt not in EXPORT_FORMATS:
            raise DocumentError(422, "unsupported_format", "exports are CSV or XLSX")
        partnerships = [self._partnership(p, partnership)] if partnership else p.partnerships
        return export(
            self.app,
            self.reader,
            model,
            fmt,
            params,
            partnerships=list(partnerships),
            analyst=p.role is Role.ANALYST,
            after=after,
            progress=progress,
        )

    def _partnership(self, p: Principal, asked: str | None) -> str:
        chosen = asked or (p.partnerships[0] if p.partnerships else "")
        if not p.may_see(chosen):
            raise NotPermittedError(f"not a reader of partnership {chosen!r}")
        return chosen


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
