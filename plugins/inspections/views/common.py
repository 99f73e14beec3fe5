"""What the inspections views share: loading records the user may see, the team check, the unit picker."""
from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.toolkit import Refused, Unit, User, _, current_user, db, get_plugin_config, local_today, unit_choices, unit_clause

from ..models import COMPLETED, SIGNED, ChecklistItem, Finding, Inspection, TeamMember
from ..permissions import CONDUCT, FOLLOWUP, VIEW

# Units that can be responsible for a finding (the unit inspected, an agency, a mass organisation, the district).
RESPONSIBLE_KINDS = ("commune", "agency", "mass_org", "district")


def threshold() -> Any:
    return get_plugin_config("INSPECTIONS_PASS_THRESHOLD", 80)


def responsible_units(*also: int | None) -> list[tuple[int, str]]:
    """The units a finding may be given to; ``also`` adds units of other kinds that must be choosable (the
    inspected village, a finding's current unit), or the picker would silently show its first unit instead."""
    extra = [uid for uid in also if uid]
    scope = or_(Unit.kind.in_(RESPONSIBLE_KINDS), Unit.id.in_(extra)) if extra else Unit.kind.in_(RESPONSIBLE_KINDS)
    return unit_choices(scope=scope)


# The team's names are shown, their roles are not: two queries fewer on every inspection page and save.
_WITHOUT_ROLES = (joinedload(Inspection.leader).lazyload(User.roles),
                  selectinload(Inspection.members).joinedload(TeamMember.user).lazyload(User.roles))


def get_inspection(inspection_id: int) -> Inspection:
    """Load an inspection the current user may see (404/403 with a Vietnamese message otherwise)."""
    inspection = db.session.get(Inspection, inspection_id, options=_WITHOUT_ROLES)
    if inspection is None:
        raise Refused(404, _("This inspection does not exist."))
    if not (current_user.can(VIEW, inspection.unit_id) or current_user.id in inspection.team_ids()):
        raise Refused(403, _("You may not see this inspection."))
    return inspection


def team_refusal(inspection: Inspection, leader: bool = False) -> str | None:
    """Why the current user may not act for this inspection's team (None: they may); shown beside a disabled
    button and raised by require_team."""
    if not current_user.can(CONDUCT):
        return _("You may not conduct inspections.")
    if current_user.id not in inspection.team_ids():
        return _("Only members of this inspection team may do this.")
    if leader and inspection.leader_id != current_user.id:
        return _("Only the team leader may do this.")
    return None


def require_team(inspection: Inspection, leader: bool = False) -> None:
    reason = team_refusal(inspection, leader)
    if reason:
        raise Refused(403, reason)


def get_item(inspection: Inspection, item_id: int) -> ChecklistItem:
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.template_id != inspection.template_id:
        raise Refused(404, _("This item does not belong to the checklist of this inspection."))
    return item


def visible_findings() -> Any:
    """Findings about the user's own unit (inspected or responsible), or all of them for district roles."""
    return or_(unit_clause(VIEW, Inspection.unit_id), unit_clause(FOLLOWUP, Finding.responsible_unit_id))


def asked_year() -> int:
    """The year asked for, else the latest year with a completed inspection (else this year)."""
    year = request.args.get("year", type=int)  # the core refuses numbers beyond the database's integers
    if year is not None:
        return year
    latest = db.session.scalar(select(func.max(Inspection.year)).where(Inspection.state.in_((COMPLETED, SIGNED))))
    return latest or local_today().year
