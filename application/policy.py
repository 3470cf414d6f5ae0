"""DESIGN §5: who may perform which act. Each act declares its roles and on whose behalf it
is performed (application/acts/); this check is applied by the application for every
surface (API, CLI, scheduler), so no surface can forget it."""

from __future__ import annotations

from application.acts.base import Act
from application.context import Principal
from application.errors import NotPermittedError
from domain.values import Role


def authorise(principal: Principal, act: Act) -> None:
    """Refuse unless ``principal``'s role may perform ``act``; agencies and partners may
    act only for themselves (the agency a scoping request was addressed to, the partner
    whose decision or approval it is)."""
    if principal.role not in act.roles:
        raise NotPermittedError(f"the {principal.role.value} role may not {act.act_name}")
    acting_for = act.on_behalf_of()
    if (
        acting_for is not None
        and principal.role in (Role.AGENCY, Role.PARTNER)
        and principal.agency != acting_for
    ):
        raise NotPermittedError(
            f"{principal.agency or 'this principal'} may not {act.act_name} for {acting_for}"
        )
