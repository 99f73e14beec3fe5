"""Findings: made by hand or from failed items, followed up by the responsible unit, verified by the team; the
yearly summary per unit."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from portal.toolkit import Refused, Role, Unit, User, _, db, lock, utcnow, vi_sort_key

from ..models import (
    CLOSED,
    COMPLETED,
    OPEN,
    REPORTED,
    SIGNED,
    ChecklistItem,
    Finding,
    FindingUpdate,
    Inspection,
)
from ..permissions import CONDUCT
from .conduct import require_state
from .scoring import Score, stored_score


def add_finding(inspection: Inspection, item_id: int | None, description: str, recommendation: str,
                responsible_unit_id: int, due_date: dt.date) -> Finding:
    """A finding the team writes by hand (an item is optional), while the minutes can still change."""
    require_state(inspection, COMPLETED)
    if item_id is not None:
        template_id = db.session.scalar(select(ChecklistItem.template_id).where(ChecklistItem.id == item_id))
        if template_id != inspection.template_id:
            raise Refused(422, _("This item does not belong to the checklist of this inspection."))
    finding = Finding(inspection_id=inspection.id, item_id=item_id, description=description,
                      recommendation=recommendation, responsible_unit_id=responsible_unit_id, due_date=due_date,
                      state=OPEN)
    db.session.add(finding)
    db.session.flush()
    return finding


def report_progress(finding: Finding, user_id: int, text: str, done: bool) -> None:
    lock(Finding, finding.id)
    if finding.state == CLOSED:
        raise Refused(409, _("This finding is closed."))
    finding.updates.append(FindingUpdate(user_id=user_id, kind="done" if done else "progress", text=text))
    if done:
        finding.state = REPORTED


def verify(finding: Finding, user_id: int, text: str, close: bool) -> None:
    lock(Finding, finding.id)
    if finding.inspection.state not in (COMPLETED, SIGNED):
        raise Refused(409, _("Findings are verified after the inspection is completed."))
    if close == (finding.state == CLOSED):
        raise Refused(409, _("This finding is already closed.") if close else _("This finding is not closed."))
    finding.updates.append(FindingUpdate(user_id=user_id, kind="close" if close else "reopen", text=text))
    finding.state = CLOSED if close else OPEN
    finding.closed_at = utcnow() if close else None


@dataclass
class UnitSummary:
    unit_id: int
    unit_name: str
    inspections: int = 0
    latest: Inspection | None = None
    open_findings: int = 0
    overdue_findings: int = 0

    @property
    def score(self) -> Score | None:
        return stored_score(self.latest) if self.latest is not None else None


def summary(year: int, today: dt.date, unit_filter: Any) -> list[UnitSummary]:
    """Per inspected unit in ``year``: completed inspections, latest score, open and overdue findings (3 queries)."""
    rows: dict[int, UnitSummary] = {}
    done = list(db.session.scalars(
        select(Inspection).where(Inspection.year == year, Inspection.state.in_((COMPLETED, SIGNED)), unit_filter)
        .order_by(Inspection.completed_at, Inspection.id)
    ))
    for i in done:
        r = rows.setdefault(i.unit_id, UnitSummary(i.unit_id, i.unit.name))
        r.inspections += 1
        r.latest = i
    counts = db.session.execute(
        select(Inspection.unit_id, func.count(Finding.id),
               func.sum(db.case((Finding.due_date < today, 1), else_=0)))
        .join(Finding, Finding.inspection_id == Inspection.id)
        .where(Inspection.year == year, Finding.state != CLOSED, unit_filter)
        .group_by(Inspection.unit_id)
    )
    for unit_id, n, overdue in counts:
        if unit_id in rows:
            rows[unit_id].open_findings = n
            rows[unit_id].overdue_findings = int(overdue or 0)
    return sorted(rows.values(), key=lambda r: vi_sort_key(r.unit_name))


def findings_query(visible: Any, state: str | None, overdue_on: dt.date | None) -> Any:
    return _filtered(select(Finding).join(Inspection, Finding.inspection_id == Inspection.id).where(visible),
                     state, overdue_on)


def finding_rows_query(visible: Any, state: str | None, overdue_on: dt.date | None) -> Any:
    """The findings list as plain rows: the columns it shows, both unit names joined (no finding, inspection,
    unit or team objects per row)."""
    inspected, responsible = aliased(Unit), aliased(Unit)
    q = (select(Finding.id, Finding.recommendation, Finding.description, Finding.due_date, Finding.state,
                inspected.name.label("unit_name"), responsible.name.label("responsible_name"))
         .join(Inspection, Finding.inspection_id == Inspection.id)
         .join(inspected, inspected.id == Inspection.unit_id)
         .join(responsible, responsible.id == Finding.responsible_unit_id).where(visible))
    return _filtered(q, state, overdue_on)


def _filtered(q: Any, state: str | None, overdue_on: dt.date | None) -> Any:
    if state == "active":
        q = q.where(Finding.state != CLOSED)
    elif state in (OPEN, REPORTED, CLOSED):
        q = q.where(Finding.state == state)
    if overdue_on is not None:
        q = q.where(Finding.state != CLOSED, Finding.due_date < overdue_on)
    return q.order_by(*FINDING_ORDER)


FINDING_ORDER = (Finding.due_date, Finding.id)


def verifiers(finding: Finding) -> list[User]:
    """Who is told that a finding is reported fixed: its inspection team (who verify it) and the standing office
    (which follows every finding up)."""
    team = finding.inspection.team_ids()
    users = db.session.scalars(select(User).where(
        User.active.is_(True), or_(User.id.in_(team), User.roles.any(Role.code == "standing_office"))).order_by(User.id))
    return [u for u in users if u.can(CONDUCT)]
