"""A unit's reports over the years and the evidence other plugins read."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from portal.toolkit import Unit, db

from ..models import Period, PeriodUnit, Submission


# --- a unit's history and evidence ---------------------------------------------------------------------------------

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
