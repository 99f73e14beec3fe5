"""A unit's reports over the years and the evidence other plugins read."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select, true

from portal.toolkit import Unit, db, vi_sort_key

from ..models import Period, PeriodUnit, Submission


# --- reminders and evidence ---------------------------------------------------------------------------------

def not_submitted(period: Period, scope: ColumnElement[bool] | None = None) -> list[Any]:
    """Assigned units that have never submitted for ``period`` (drafts included), in Vietnamese order."""
    done = select(Submission.unit_id).where(Submission.period_id == period.id,
                                            Submission.first_submitted_at.is_not(None))
    rows = db.session.execute(
        select(Unit.id, Unit.name, Unit.kind, PeriodUnit.extended_until)
        .join(PeriodUnit, PeriodUnit.unit_id == Unit.id)
        .where(PeriodUnit.period_id == period.id, Unit.id.not_in(done), scope if scope is not None else true())
    ).all()
    return sorted(rows, key=lambda r: vi_sort_key(r.name))


def unit_history(unit_ids: Sequence[int]) -> list[tuple[Period, Unit, Submission | None]]:
    """Every period owed by these units (a unit and its predecessors), newest first, with each unit's submission."""
    rows = db.session.execute(
        select(Period, Unit, Submission)
        .join(PeriodUnit, PeriodUnit.period_id == Period.id)
        .join(Unit, Unit.id == PeriodUnit.unit_id)
        .outerjoin(Submission, (Submission.period_id == Period.id) & (Submission.unit_id == PeriodUnit.unit_id))
        .where(PeriodUnit.unit_id.in_(list(unit_ids)))
        .order_by(Period.opens_on.desc(), Period.id.desc())
    ).all()
    return [(p, u, s) for p, u, s in rows]


def evidence_rows(unit_id: int, year: int | None) -> list[tuple[Period, Submission | None]]:
    query = (
        select(Period, Submission)
        .join(PeriodUnit, (PeriodUnit.period_id == Period.id) & (PeriodUnit.unit_id == unit_id))
        .outerjoin(Submission, (Submission.period_id == Period.id) & (Submission.unit_id == unit_id))
        .order_by(Period.opens_on)
    )
    if year is not None:
        query = query.where(Period.year == year)
    return [(p, s) for p, s in db.session.execute(query).all()]
