"""DESIGN §5: which role may perform which act. Enforced by the application for every
surface (API, CLI, scheduler), so no surface can forget it."""

from __future__ import annotations

from application.context import Principal
from application.errors import NotPermittedError
from domain.values import Role

_STAFF = frozenset({Role.PARTNERSHIP})

# command -> roles that may perform it
PERMISSIONS: dict[str, frozenset[Role]] = {
    "refer_serious_incident": frozenset({Role.AGENCY, Role.PARTNERSHIP}),
    "refer_practice_learning": frozenset({Role.AGENCY, Role.PARTNERSHIP}),
    "record_partner_decision": frozenset({Role.PARTNER, Role.PARTNERSHIP}),
    "approve_report": frozenset({Role.PARTNER, Role.PARTNERSHIP}),
    "request_mediation": frozenset({Role.SCRUTINEER, Role.PARTNERSHIP}),
    "conclude_mediation": frozenset({Role.SCRUTINEER, Role.PARTNERSHIP}),
    "secure_records": frozenset({Role.AGENCY, Role.PARTNERSHIP}),
    "return_scoping": frozenset({Role.AGENCY, Role.PARTNERSHIP}),
}

# Every other process command is partnership staff's.
STAFF_COMMANDS = (
    "alert_partners",
    "recommend_criteria",
    "dispute_criteria",
    "decide_criteria",
    "refer_to_learning_from_practice",
    "notify_national_panel",
    "start_rapid_review",
    "request_scoping",
    "hold_meeting",
    "submit_rapid_review",
    "receive_panel_response",
    "consider_learning_referral",
    "inform_referrer",
    "close",
    "reopen",
    "correct_details",
    "commission_review",
    "agree_terms_of_reference",
    "appoint_reviewer",
    "record_family_participation",
    "check_progress",
    "defer_publication",
    "resume_publication",
    "receive_final_report",
    "send_pre_publication_copy",
    "publish",
    "agree_action",
    "complete_action",
    "disseminate_learning",
    "close_review",
)
for _name in STAFF_COMMANDS:
    PERMISSIONS[_name] = _STAFF


def authorise(principal: Principal, command: str, *, acting_for: str | None = None) -> None:
    """Refuse unless ``principal``'s role may perform ``command``.

    ``acting_for`` is the agency (scoping) or safeguarding partner (decisions, approvals)
    the command is on behalf of: agencies and partners may only act for themselves.
    """
    allowed = PERMISSIONS.get(command)
    if allowed is None or principal.role not in allowed:
        raise NotPermittedError(f"the {principal.role.value} role may not {command}")
    if (
        acting_for is not None
        and principal.role in (Role.AGENCY, Role.PARTNER)
        and principal.agency != acting_for
    ):
        raise NotPermittedError(
            f"{principal.agency or 'this principal'} may not {command} for {acting_for}"
        )
